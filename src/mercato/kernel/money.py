"""Money as an integer count of a currency's minor unit, and largest-remainder allocation.

No floats touch an amount: prices, discounts, refunds and ledger lines are all `Money`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MINOR_UNITS: dict[str, int] = {"CNY": 2, "USD": 2, "EUR": 2, "JPY": 0}


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An amount in the minor unit of `currency` (fen for CNY)."""

    minor: int
    currency: str = "CNY"

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError("Money.minor must be an int count of minor units")
        if self.currency not in MINOR_UNITS:
            raise ValueError(f"unknown currency {self.currency!r}")

    @classmethod
    def zero(cls, currency: str = "CNY") -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str = "CNY") -> Money:
        """Parse a decimal string such as '12.30' exactly, refusing more decimals than the currency has."""
        digits = MINOR_UNITS[currency]
        raw = text.strip()
        negative = raw.startswith("-")
        raw = raw.lstrip("+-")
        whole, _, frac = raw.partition(".")
        if not whole.isdigit() and not (whole == "" and frac.isdigit()):
            raise ValueError(f"not an amount: {text!r}")
        if frac and (not frac.isdigit() or len(frac) > digits):
            raise ValueError(f"{text!r} has more than {digits} decimals")
        minor = int(whole or "0") * 10**digits + int(frac.ljust(digits, "0") or "0")
        return cls(-minor if negative else minor, currency)

    def _check(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def times(self, quantity: int) -> Money:
        return Money(self.minor * quantity, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        self._check(other)
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        self._check(other)
        return self.minor >= other.minor

    def is_zero(self) -> bool:
        return self.minor == 0

    def allocate(self, weights: Sequence[int]) -> list[Money]:
        return [Money(part, self.currency) for part in allocate(self.minor, weights)]

    def format(self) -> str:
        digits = MINOR_UNITS[self.currency]
        sign = "-" if self.minor < 0 else ""
        units, frac = divmod(abs(self.minor), 10**digits) if digits else (abs(self.minor), 0)
        symbol = {"CNY": "¥", "USD": "$", "EUR": "€", "JPY": "¥"}[self.currency]
        return f"{sign}{symbol}{units:,}" + (f".{frac:0{digits}d}" if digits else "")

    def decimal_string(self) -> str:
        digits = MINOR_UNITS[self.currency]
        sign = "-" if self.minor < 0 else ""
        units, frac = divmod(abs(self.minor), 10**digits) if digits else (abs(self.minor), 0)
        return f"{sign}{units}" + (f".{frac:0{digits}d}" if digits else "")

    def __str__(self) -> str:
        return self.format()


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to non-negative integer `weights` so the parts sum to `total` exactly.

    Each part first gets the floor of its exact share; the units left over go one each to the parts with
    the largest remainders. Ties go to the larger weight, then to the earlier position, so the result is
    deterministic. A negative total is split as its absolute value and negated. All-zero weights split evenly.
    """
    if any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative")
    if not weights:
        if total != 0:
            raise ValueError("cannot allocate a non-zero total over no parts")
        return []
    if total < 0:
        return [-part for part in allocate(-total, weights)]
    effective = list(weights) if sum(weights) > 0 else [1] * len(weights)
    whole = sum(effective)
    parts = [total * w // whole for w in effective]
    remainders = [total * w % whole for w in effective]
    leftover = total - sum(parts)
    order = sorted(range(len(effective)), key=lambda i: (-remainders[i], -effective[i], i))
    for i in order[:leftover]:
        parts[i] += 1
    return parts
