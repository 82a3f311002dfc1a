"""The second ranking stage: a pure, deterministic re-rank of the top text-relevance candidates (at most
`RERANK_WINDOW`) by quality, the consumer's own affinities and fairness between flagship and independent stores.

For candidate i at position k_i of the text order (candidates sorted by their `text_rank`, then product id; n of
them), with every signal scaled to 0..1:

    text_i     = 1 / (1 + k_i / rank_scale)                       (1 for the best; 0.5 at position rank_scale)
    sales_i    = log(1 + sales_i) / log(1 + max sales)            (0.5, neutral, when no candidate has sales)
    rating_i   = (rating_i - 100) / 400, clipped to 0..1           (1 star 0, 5 stars 1; 0.5 when missing)
    service_i  = (service_score_i - 100) / 400, clipped likewise   (0.5 when missing)
    quality_i  = (w_sales * sales_i + w_rating * rating_i + w_service * service_i) / (w_sales + w_rating + w_service)
    affinity_i = (vertical weight + brand weight + store weight) / 3, each the caller's weight clipped to 0..1
    final_i    = text_i + w_quality * (quality_i - 0.5) + w_affinity * affinity_i

Candidates are ordered by (tier, -final, k, product id): a good that matched every term always stays above one that
matched only some (the tiers of `SearchHit`). Then the fairness floor: the positions are cut into blocks of `block`
(a page's top positions); within a block, every prefix of m positions holds at least floor(independent_floor * m)
goods of independent stores, while the current tier still has one: when the next good in order would break that,
the best remaining independent good of the same tier takes the place instead (moving the others down by one).
Missing values (no reviews yet, no service score, no sales) are neutral, so they neither lift nor sink a good; with
every weight zero (and the floor zero) the text order is kept.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

RERANK_WINDOW = 200
INDEPENDENT = "independent"
NO_WEIGHTS: Mapping[str, float] = {}


@dataclass(frozen=True, slots=True)
class Candidate:
    product_id: str
    text_rank: int  # 0 is the best by text relevance (tier first)
    tier: int = 0
    store_id: str = ""
    store_kind: str = INDEPENDENT
    vertical_id: str = ""
    brand_id: str | None = None
    sales: int = 0
    rating: int | None = None  # stars x 100
    service_score: int | None = None  # stars x 100


@dataclass(frozen=True, slots=True)
class RerankWeights:
    quality: float = 0.3
    affinity: float = 0.3
    sales: float = 0.5  # the parts of quality
    rating: float = 0.3
    service: float = 0.2
    independent_floor: float = 0.3  # the least share of independent stores' goods in each block's prefixes
    block: int = 10
    rank_scale: float = 10.0


ZERO_WEIGHTS = RerankWeights(quality=0.0, affinity=0.0, independent_floor=0.0)


@dataclass(frozen=True, slots=True)
class Affinities:
    """The logged-in consumer's weights (0..1) by vertical, brand and store; the caller computes them."""

    verticals: Mapping[str, float] = field(default_factory=dict)
    brands: Mapping[str, float] = field(default_factory=dict)
    stores: Mapping[str, float] = field(default_factory=dict)


NO_AFFINITIES = Affinities()


def _unit(value: float) -> float:
    return 0.0 if math.isnan(value) else min(1.0, max(0.0, value))


def _stars(value: int | None) -> float:
    return 0.5 if value is None else _unit((value - 100) / 400)


def _quality(c: Candidate, max_sales: int, w: RerankWeights) -> float:
    sales = math.log1p(max(c.sales, 0)) / math.log1p(max_sales) if max_sales > 0 else 0.5
    parts = max(w.sales, 0.0) + max(w.rating, 0.0) + max(w.service, 0.0)
    if parts <= 0:
        return 0.5
    return (max(w.sales, 0.0) * sales + max(w.rating, 0.0) * _stars(c.rating)
            + max(w.service, 0.0) * _stars(c.service_score)) / parts


def _affinity(c: Candidate, a: Affinities) -> float:
    brand = a.brands.get(c.brand_id, 0.0) if c.brand_id is not None else 0.0
    return (_unit(a.verticals.get(c.vertical_id, 0.0)) + _unit(brand) + _unit(a.stores.get(c.store_id, 0.0))) / 3


def final_scores(candidates: Sequence[Candidate], weights: RerankWeights,
                 affinities: Affinities = NO_AFFINITIES) -> dict[str, float]:
    """The first-stage formula of the module docstring, by product id."""
    order = sorted(candidates, key=lambda c: (c.text_rank, c.product_id))
    max_sales = max((max(c.sales, 0) for c in candidates), default=0)
    scale = weights.rank_scale if weights.rank_scale > 0 else 1.0
    return {c.product_id: 1 / (1 + k / scale) + weights.quality * (_quality(c, max_sales, weights) - 0.5)
            + weights.affinity * _affinity(c, affinities) for k, c in enumerate(order)}


def rerank(candidates: Iterable[Candidate], weights: RerankWeights = RerankWeights(),
           affinities: Affinities = NO_AFFINITIES) -> list[Candidate]:
    """The candidates in their new order (a permutation; the same whatever order they arrive in)."""
    pool = sorted({c.product_id: c for c in candidates}.values(), key=lambda c: (c.text_rank, c.product_id))
    position = {c.product_id: k for k, c in enumerate(pool)}
    final = final_scores(pool, weights, affinities)
    ordered = sorted(pool, key=lambda c: (c.tier, -final[c.product_id], position[c.product_id]))
    return _with_floor(ordered, weights.independent_floor, max(1, weights.block))


def _with_floor(ordered: list[Candidate], floor: float, block: int) -> list[Candidate]:
    if floor <= 0:
        return ordered
    share = min(floor, 1.0)
    remaining, in_block = list(ordered), 0
    out: list[Candidate] = []
    while remaining:
        slot = len(out) % block
        in_block = 0 if slot == 0 else in_block
        pick = 0
        if remaining[0].store_kind != INDEPENDENT and math.floor(share * (slot + 1) + 1e-9) > in_block:
            tier = remaining[0].tier
            pick = next((i for i, c in enumerate(remaining) if c.tier == tier and c.store_kind == INDEPENDENT), 0)
        chosen = remaining.pop(pick)
        in_block += chosen.store_kind == INDEPENDENT
        out.append(chosen)
    return out
