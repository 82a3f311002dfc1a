"""Shapes the demo generator hands to the loader: rows keyed by column name, plans that link them, logins."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from mercato.demo.vocab import Attr, Brand, Node, Pair, Vertical
from mercato.kernel.ids import encode_id

Row = dict[str, object]  # column name -> value (aware UTC datetimes, dicts/lists for JSON columns)

# The demo's "today". Fixed rather than read from the clock so that the same seed gives the same rows (and the
# same ids) on every machine and every day, which lets a benchmark compare SQLite and PostgreSQL on one dataset.
DEMO_AS_OF = datetime(2026, 11, 26, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class PlainPassword:
    """A demo password the loader hashes (once per distinct value) before it reaches `users.password_hash`."""

    text: str


@dataclass(frozen=True, slots=True)
class DemoLogin:
    role: str
    email: str
    password: str
    note: str


@dataclass(frozen=True, slots=True)
class Leaf:
    """A category products are listed in, with its path and every attribute along it."""

    id: str
    vertical: Vertical
    vertical_id: str
    l2_id: str
    l3_id: str | None
    node: Node
    attrs: tuple[Attr, ...]
    restricted: bool


@dataclass(frozen=True, slots=True)
class StorePlan:
    """What the product generator needs to know about a store."""

    id: str
    kind: str  # flagship | independent
    code: str  # prefix of the store's SKU codes
    verticals: tuple[str, ...]
    brand: Brand | None
    brand_id: str | None
    label: Pair  # the shop's own label, used on goods that carry no brand
    resale_brands: tuple[tuple[Brand, str], ...]  # unprotected brands an independent shop may resell
    weight: int  # relative share of the catalogue
    created_at: datetime


def millis(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def new_id(rng: random.Random, when: datetime) -> str:
    """A time-ordered id whose random part comes from the seeded generator, so reruns give the same id."""
    return encode_id(millis(when), rng.getrandbits(80))


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = tuple(_CROCKFORD[i >> 5] + _CROCKFORD[i & 31] for i in range(1024))  # every 10-bit value, 2 digits
_SHIFTS = tuple(range(120, -1, -10))  # 13 pairs = 26 digits = 130 bits, the top two always zero


def fast_encode_id(at_millis: int, entropy: int) -> str:
    """Exactly `kernel.ids.encode_id`, two digits per step: a million products need millions of ids."""
    if not (0 <= at_millis < 2**48 and 0 <= entropy < 2**80):
        return encode_id(at_millis, entropy)  # let the kernel raise its own error
    value = (at_millis << 80) | entropy
    return "".join([_PAIRS[(value >> shift) & 1023] for shift in _SHIFTS])


def id_at_millis(rng: random.Random, at_millis: int) -> str:
    return fast_encode_id(at_millis, rng.getrandbits(80))
