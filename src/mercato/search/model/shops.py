"""Shops as search sees them, and the "distinctive shops" score: how concentrated a store's catalogue is on what
was searched, favouring specialists and independent stores (pure; no I/O).

    share    = matching / (active + PRIOR_PRODUCTS)          how much of the catalogue is about the query, damped
                                                              so a store with one matching product of one is not
                                                              "100% about it" (1 of 1 -> 0.25, 10 of 10 -> 0.77)
    depth    = min(1, ln(1 + matching) / ln(1 + DEPTH_CAP))  enough matching goods to choose from (saturates at 20)
    kind     = INDEPENDENT_WEIGHT for independent stores, 1 for flagship stores
    score    = kind * share * (1 - DEPTH_WEIGHT + DEPTH_WEIGHT * depth)

The score lies in [0, INDEPENDENT_WEIGHT]; it is 0 without a matching product, never falls when a store has more
matching goods out of the same catalogue, never rises when the same matches sit in a bigger catalogue, and an
independent store scores above a flagship store with the same goods. A store is distinctive for a query when its
share reaches MIN_SHARE. Ties are broken by more matching goods, then the store id, so the order is total.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

PRIOR_PRODUCTS = 3
DEPTH_CAP = 20
DEPTH_WEIGHT = 0.5
INDEPENDENT_WEIGHT = 1.25
MIN_SHARE = 0.2
KINDS = ("flagship", "independent")


@dataclass(frozen=True, slots=True)
class ShopDocument:
    """One store as the shop index sees it; `goods_terms` are the analysed terms of its active products."""

    store_id: str
    slug: str
    kind: str
    active: bool
    name_en: str
    name_zh: str
    description_en: str = ""
    description_zh: str = ""
    tags: tuple[str, ...] = ()
    goods_terms: str = ""
    product_count: int = 0


@dataclass(frozen=True, slots=True)
class ShopCandidate:
    """A store's counts for one query: its active products matching the query, and all its active products."""

    store_id: str
    kind: str
    matching: int
    active: int


@dataclass(frozen=True, slots=True)
class RankedShop:
    store_id: str
    score: float
    matching: int
    share: float


def share_of(matching: int, active: int) -> float:
    """The damped share of the catalogue that matches; `active` is raised to `matching` when a count lags."""
    matching = max(0, matching)
    return matching / (max(active, matching) + PRIOR_PRODUCTS)


def distinctive_score(matching: int, active: int, kind: str) -> float:
    if matching <= 0:
        return 0.0
    depth = min(1.0, math.log1p(matching) / math.log1p(DEPTH_CAP))
    weight = INDEPENDENT_WEIGHT if kind == "independent" else 1.0
    return weight * share_of(matching, active) * (1 - DEPTH_WEIGHT + DEPTH_WEIGHT * depth)


def rank_distinctive(candidates: Iterable[ShopCandidate], min_share: float = MIN_SHARE) -> list[RankedShop]:
    """The distinctive stores among `candidates`, best first."""
    ranked = [RankedShop(c.store_id, distinctive_score(c.matching, c.active, c.kind), c.matching,
                         share_of(c.matching, c.active))
              for c in candidates if c.matching > 0 and share_of(c.matching, c.active) >= min_share]
    return sorted(ranked, key=lambda r: (-r.score, -r.matching, r.store_id))


def top_terms(token_lists: Iterable[str], limit: int) -> list[str]:
    """The `limit` terms found in the most documents (each document counts a term once), ties in first-seen
    order: what a store sells, summarised for its shop document."""
    counts: dict[str, int] = {}
    for tokens in token_lists:
        for term in dict.fromkeys(tokens.split()):
            counts[term] = counts.get(term, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    return [term for term, _ in ordered[:limit]]
