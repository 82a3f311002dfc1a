"""The second ranking stage, with plain values and Hypothesis properties: a deterministic permutation that keeps
the text order when it has nothing to weigh, and keeps independent stores' share of each block's top positions."""

from __future__ import annotations

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from mercato.search.model.rerank import (
    ZERO_WEIGHTS,
    Affinities,
    Candidate,
    RerankWeights,
    final_scores,
    rerank,
)

NO_FLOOR = RerankWeights(independent_floor=0.0)


def ids(candidates: list[Candidate]) -> list[str]:
    return [c.product_id for c in candidates]


def flagships(n: int, **kwargs: object) -> list[Candidate]:
    return [Candidate(f"f{i:02d}", i, store_kind="flagship", **kwargs) for i in range(n)]  # type: ignore[arg-type]


def test_neutral_candidates_keep_the_text_order() -> None:
    texts = [Candidate(f"p{i}", i) for i in range(5)]
    assert ids(rerank(reversed(texts))) == ["p0", "p1", "p2", "p3", "p4"]


def test_a_best_seller_with_good_ratings_overtakes_its_neighbour() -> None:
    plain, seller = Candidate("plain", 0, sales=0), Candidate("seller", 1, sales=500, rating=490, service_score=480)
    assert ids(rerank([plain, seller], NO_FLOOR)) == ["seller", "plain"]


def test_quality_does_not_lift_a_good_far_down_the_text_order() -> None:
    candidates = [*(Candidate(f"p{i:02d}", i) for i in range(30)), Candidate("tail", 30, sales=10_000, rating=500,
                                                                             service_score=500)]
    assert ids(rerank(candidates, NO_FLOOR)).index("tail") == 12  # 0.25 + 0.15 passes 1/(1 + k/10) - 0.075 at k 12


def test_missing_ratings_are_neutral_between_good_and_bad_ones() -> None:
    candidates = [Candidate("bad", 0, rating=100), Candidate("none", 0), Candidate("good", 0, rating=500)]
    scores = final_scores(candidates, RerankWeights(quality=1.0, sales=0.0, rating=1.0, service=0.0))
    text = final_scores(candidates, ZERO_WEIGHTS)
    assert [round(scores[p] - text[p], 9) for p in ("bad", "none", "good")] == [-0.5, 0.0, 0.5]


def test_the_consumers_affinities_lift_their_brand() -> None:
    liked = Affinities(brands={"b-liked": 1.0})
    candidates = [Candidate("other", 0, brand_id="b-other"), Candidate("theirs", 1, brand_id="b-liked")]
    assert ids(rerank(candidates, NO_FLOOR, liked)) == ["theirs", "other"]
    assert ids(rerank(candidates, NO_FLOOR)) == ["other", "theirs"]


def test_a_partial_match_never_passes_a_full_one() -> None:
    candidates = [Candidate("full", 0, tier=0), Candidate("partial", 1, tier=1, sales=900, rating=500)]
    assert ids(rerank(candidates, RerankWeights(quality=5.0))) == ["full", "partial"]


def test_the_floor_brings_independent_goods_into_each_block() -> None:
    candidates = [*flagships(12), Candidate("i0", 12), Candidate("i1", 13), Candidate("i2", 14)]
    ordered = ids(rerank(candidates, RerankWeights(quality=0.0, affinity=0.0, independent_floor=0.3, block=5)))
    assert ordered == ["f00", "f01", "f02", "i0", "f03", "f04", "f05", "f06", "i1", "f07", "f08", "f09", "f10",
                       "i2", "f11"]


def test_the_floor_promotes_only_within_the_same_tier() -> None:
    candidates = [*flagships(4), Candidate("i-partial", 4, tier=1)]
    ordered = ids(rerank(candidates, RerankWeights(independent_floor=0.5, block=4)))
    assert ordered == ["f00", "f01", "f02", "f03", "i-partial"]


KINDS = st.sampled_from(["flagship", "independent"])
CANDIDATE = st.builds(
    lambda tier, kind, sales, rating, service, vertical, brand: (tier, kind, sales, rating, service, vertical,
                                                                  brand),
    st.integers(0, 1), KINDS, st.integers(0, 10_000), st.none() | st.integers(0, 500),
    st.none() | st.integers(0, 500), st.sampled_from(["v1", "v2"]), st.none() | st.sampled_from(["b1", "b2"]))


def build(rows: list[tuple[int, str, int, int | None, int | None, str, str | None]]) -> list[Candidate]:
    ordered = sorted(enumerate(rows), key=lambda r: (r[1][0], r[0]))  # the text order puts tier 0 first
    return [Candidate(f"p{i:03d}", rank, tier=row[0], store_id=f"s{i % 3}", store_kind=row[1], sales=row[2],
                      rating=row[3], service_score=row[4], vertical_id=row[5], brand_id=row[6])
            for rank, (i, row) in enumerate(ordered)]


WEIGHTS = st.builds(RerankWeights, quality=st.floats(0, 2), affinity=st.floats(0, 2), sales=st.floats(0, 1),
                    rating=st.floats(0, 1), service=st.floats(0, 1), independent_floor=st.floats(0, 1),
                    block=st.integers(1, 12))
AFFINITIES = st.builds(Affinities, verticals=st.dictionaries(st.sampled_from(["v1", "v2"]), st.floats(-1, 2)),
                       brands=st.dictionaries(st.sampled_from(["b1", "b2"]), st.floats(0, 1)))


@settings(max_examples=200)
@given(st.lists(CANDIDATE, max_size=40), WEIGHTS, AFFINITIES, st.randoms())
def test_the_rerank_is_a_deterministic_permutation_whatever_the_input_order(
        rows: list[tuple[int, str, int, int | None, int | None, str, str | None]], weights: RerankWeights,
        affinities: Affinities, rnd: random.Random) -> None:
    candidates = build(rows)
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    ordered = rerank(candidates, weights, affinities)
    assert sorted(ids(ordered)) == sorted(ids(candidates))
    assert ordered == rerank(shuffled, weights, affinities)
    tiers = [c.tier for c in ordered]
    assert tiers == sorted(tiers)


@settings(max_examples=200)
@given(st.lists(CANDIDATE, max_size=40), AFFINITIES)
def test_with_zero_weights_the_text_order_is_kept(
        rows: list[tuple[int, str, int, int | None, int | None, str, str | None]], affinities: Affinities) -> None:
    candidates = build(rows)
    assert rerank(reversed(candidates), ZERO_WEIGHTS, affinities) == candidates


@settings(max_examples=300)
@given(st.lists(CANDIDATE, max_size=40), WEIGHTS)
def test_the_independent_floor_holds_in_every_block_while_independents_remain(
        rows: list[tuple[int, str, int, int | None, int | None, str, str | None]], weights: RerankWeights) -> None:
    candidates = [c for c in build(rows) if c.tier == 0]
    ordered = rerank(candidates, weights)
    share = min(weights.independent_floor, 1.0)
    for start in range(0, len(ordered), weights.block):
        block = ordered[start:start + weights.block]
        for m in range(1, len(block) + 1):
            placed = sum(1 for c in block[:m] if c.store_kind == "independent")
            later = any(c.store_kind == "independent" for c in ordered[start + m:])
            assert placed >= math.floor(share * m + 1e-9) or not later
