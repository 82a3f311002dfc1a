"""How much a refund gives back, to the fen.

A line of `n` units paid `P` after its discount allocation. Refunding `k` units when `r` were refunded before gives
back `floor(P*(r+k)/n) - floor(P*r/n)`: the refunds of a line telescope, so all of them together give back exactly
`P` and never more, whatever the order and sizes of the partial refunds. The commission share (of the line's
commission) and the platform-funded share (of the line's platform-funded discount) follow the same cumulative split.

Shipping: the order's shipping fee goes back only with the refund that leaves every unit of the order refunded,
and only when the order was not shipped (a shipped parcel's carriage was spent).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mercato.aftersales.model.rules import RefundAmountInvalid, Status
from mercato.aftersales.model.views import RefundRequest


@dataclass(frozen=True, slots=True)
class RefundQuote:
    """What a refund of some units gives back, and the parts of it payments needs."""

    amount: int  # goods money back to the consumer
    commission_share: int  # of the platform's commission on those goods
    platform_share: int  # of the platform-funded discount on those goods

    def as_dict(self) -> dict[str, int]:
        return {"amount": self.amount, "commission_share": self.commission_share,
                "platform_share": self.platform_share}


def cumulative_share(total: int, units: int, before: int, taking: int) -> int:
    """The share of `total` for units [before, before + taking) of `units`."""
    if units < 1 or before < 0 or taking < 0 or before + taking > units or total < 0:
        raise ValueError("shares are of 0..units units of a non-negative total")
    return total * (before + taking) // units - total * before // units


def quote_units(*, paid: int, commission: int, platform: int, quantity: int, refunded: int, units: int) -> RefundQuote:
    """The refund of `units` more units of a line of `quantity` units (`refunded` already refunded)."""
    amount = cumulative_share(paid, quantity, refunded, units)
    commission_share = min(cumulative_share(commission, quantity, refunded, units), amount)
    return RefundQuote(amount, commission_share, cumulative_share(platform, quantity, refunded, units))


def scale_quote(quote: RefundQuote, amount: int) -> RefundQuote:
    """An operator's partial decision: `amount` of the quote, the shares in the same proportion (rounded down)."""
    if not 0 < amount <= quote.amount:
        raise RefundAmountInvalid(field="amount", maximum=quote.amount)
    if amount == quote.amount:
        return quote
    return RefundQuote(amount, quote.commission_share * amount // quote.amount,
                       quote.platform_share * amount // quote.amount)


def shipping_back(*, shipping_fee: int, order_shipped: bool, units_bought: int, units_refunded: int) -> int:
    """The shipping fee when every unit of an unshipped order is now refunded; otherwise nothing."""
    if order_shipped or units_refunded < units_bought:
        return 0
    return shipping_fee



# The sources of a request's money, as payments records them (see `_core`).
MONEY_PREFIXES = ("refund:", "advance:", "clawback:", "refund-shipping:")
_LAPSED = frozenset({Status.CANCELLED, Status.CLOSED, Status.DENIED})


def expected_movements(requests: Iterable[RefundRequest]) -> dict[str, int]:
    """What each money source must have moved by the requests' states: a refunded request's refund and the
    shipping fee that went with it, a quick refund's advance, and what of the advance was not refunded clawed back
    once the request ended. Sources with nothing to move are left out."""
    expected: dict[str, int] = {}
    for r in requests:
        if r.status is Status.REFUNDED:
            expected[f"refund:{r.id}"] = r.refunded
            shipping = f"refund-shipping:{r.order_id}"
            expected[shipping] = expected.get(shipping, 0) + r.shipping
        if r.quick:
            expected[f"advance:{r.id}"] = r.amount
            expected[f"clawback:{r.id}"] = _clawed_back(r)
    return {source: amount for source, amount in expected.items() if amount}


def _clawed_back(r: RefundRequest) -> int:
    if r.status in _LAPSED:
        return r.amount
    return r.amount - r.refunded if r.status is Status.REFUNDED else 0


def money_mismatches(expected: Mapping[str, int], moved: Mapping[str, int]) -> list[tuple[str, int, int]]:
    """(source, expected, moved) for every after-sales source whose movement differs from the requests."""
    sources = set(expected) | {s for s in moved if s.startswith(MONEY_PREFIXES)}
    return [(s, expected.get(s, 0), moved.get(s, 0)) for s in sorted(sources)
            if expected.get(s, 0) != moved.get(s, 0)]
