"""The distinctive-shops score, pure: plain values and Hypothesis properties."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from mercato.search.model.shops import (
    INDEPENDENT_WEIGHT,
    ShopCandidate,
    distinctive_score,
    rank_distinctive,
    share_of,
    top_terms,
)

counts = st.integers(min_value=0, max_value=100_000)
kinds = st.sampled_from(["flagship", "independent"])


def test_one_matching_product_of_one_is_a_damped_quarter() -> None:
    assert share_of(1, 1) == 0.25
    assert share_of(10, 10) == 10 / 13


def test_a_flagship_store_with_twenty_matches_of_twenty_scores_its_share() -> None:
    assert math.isclose(distinctive_score(20, 20, "flagship"), 20 / 23)


def test_an_independent_store_scores_a_quarter_more_than_a_flagship_store_with_the_same_goods() -> None:
    flagship = distinctive_score(5, 8, "flagship")
    assert math.isclose(distinctive_score(5, 8, "independent"), INDEPENDENT_WEIGHT * flagship)


def test_a_store_without_a_matching_product_scores_nothing() -> None:
    assert distinctive_score(0, 50, "independent") == 0.0


def test_a_lagging_product_count_is_raised_to_the_matches() -> None:
    assert share_of(7, 3) == share_of(7, 7)


def test_the_specialist_outranks_the_department_store_with_more_matches() -> None:
    ranked = rank_distinctive([ShopCandidate("s-department", "flagship", 40, 2000),
                               ShopCandidate("s-tea-house", "independent", 12, 15),
                               ShopCandidate("s-tea-flagship", "flagship", 12, 15)])
    assert [r.store_id for r in ranked] == ["s-tea-house", "s-tea-flagship"]


def test_ties_are_broken_by_the_store_id() -> None:
    ranked = rank_distinctive([ShopCandidate("s-b", "independent", 4, 4), ShopCandidate("s-a", "independent", 4, 4)])
    assert [r.store_id for r in ranked] == ["s-a", "s-b"]


def test_top_terms_counts_each_document_once_and_keeps_first_seen_order_among_equals() -> None:
    assert top_terms(["tea tea cup", "tea pot", "pot cup", "kettle"], 3) == ["tea", "cup", "pot"]


@given(counts, counts, kinds)
def test_the_score_stays_in_range(matching: int, active: int, kind: str) -> None:
    assert 0.0 <= distinctive_score(matching, active, kind) <= INDEPENDENT_WEIGHT


@given(counts, counts, kinds)
def test_more_matching_goods_from_the_same_catalogue_never_lower_the_score(matching: int, active: int,
                                                                            kind: str) -> None:
    active = max(active, matching + 1)
    assert distinctive_score(matching + 1, active, kind) >= distinctive_score(matching, active, kind)


@given(counts, counts, st.integers(min_value=1, max_value=1000), kinds)
def test_the_same_matches_in_a_bigger_catalogue_never_raise_the_score(matching: int, active: int, more: int,
                                                                       kind: str) -> None:
    assert distinctive_score(matching, active + more, kind) <= distinctive_score(matching, active, kind)


@given(st.integers(min_value=1, max_value=100_000), counts)
def test_an_independent_store_always_beats_a_flagship_store_with_the_same_goods(matching: int, active: int) -> None:
    assert distinctive_score(matching, active, "independent") > distinctive_score(matching, active, "flagship")


@given(st.lists(st.tuples(st.text(min_size=1, max_size=4), kinds, counts, counts), max_size=30))
def test_the_ranking_is_sorted_and_keeps_only_distinctive_stores(rows: list[tuple[str, str, int, int]]) -> None:
    candidates = [ShopCandidate(f"{i}-{name}", kind, m, a) for i, (name, kind, m, a) in enumerate(rows)]
    ranked = rank_distinctive(candidates)
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
    assert all(r.matching > 0 and r.share >= 0.2 for r in ranked)
    assert len(ranked) == sum(1 for c in candidates if c.matching > 0 and share_of(c.matching, c.active) >= 0.2)
