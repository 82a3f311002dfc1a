"""The pure feed layout, the serving-time scores, content matching and shop ranking: plain values and Hypothesis
properties."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.recommend.model import Event, train_feed
from mercato.recommend.model.exposure import (
    ExposurePolicy,
    FeedItem,
    blend_scores,
    compose_feed,
    fair_slots,
    is_fair_slot,
    pages,
)
from mercato.recommend.model.scoring import neighbours, personal_top, personal_vector
from mercato.recommend.model.shops import bought_often, rank_shops, store_scores
from mercato.recommend.model.similar import ItemFacts, content_neighbours, content_score, merge_neighbours


def test_a_fifth_of_a_page_of_twenty_is_four_slots_spread_through_it() -> None:
    assert fair_slots(20, 0.2) == [2, 7, 12, 17]
    assert fair_slots(10, 0.3) == [1, 4, 8]
    assert fair_slots(5, 0.0) == []
    assert fair_slots(4, 1.0) == [0, 1, 2, 3]


def test_the_policy_refuses_shares_outside_zero_to_one_and_empty_caps() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        ExposurePolicy(share=1.5)
    with pytest.raises(ValueError, match="at least 1"):
        ExposurePolicy(per_store=0)


def test_blending_scales_each_source_to_a_peak_of_one() -> None:
    assert blend_scores({"a": 10.0, "b": 5.0}, {"b": 2.0, "c": 1.0}, 0.2) == {"a": 0.8, "b": 0.4 + 0.2, "c": 0.1}
    assert blend_scores({}, {}, 0.5) == {}


def test_fair_items_take_the_reserved_slots_and_the_store_cap_holds() -> None:
    main = [FeedItem(f"m{n}", "big" if n < 5 else f"s{n}", 10.0 - n) for n in range(10)]
    fair = [FeedItem(f"f{n}", f"new{n}", 0.0, fair=True) for n in range(3)]
    feed = compose_feed(main, fair, 10, ExposurePolicy(share=0.2, per_store=2, page_size=10))
    # m2-m4 wait: "big" has its two; when the main list runs dry the last slot takes a fair item
    assert [f.item for f in feed] == ["m0", "m1", "f0", "m5", "m6", "m7", "m8", "f1", "m9", "f2"]


def test_a_fair_item_the_main_list_ranks_high_keeps_its_ordinary_slot() -> None:
    main = [FeedItem("hit", "new", 9.0, fair=True), FeedItem("m1", "a", 8.0), FeedItem("m2", "b", 7.0)]
    fair = [FeedItem("hit", "new", 9.0, fair=True), FeedItem("f1", "c", 0.0, fair=True)]
    assert fair_slots(4, 0.25) == [1]
    assert [f.item for f in compose_feed(main, fair, 4, ExposurePolicy(share=0.25))] == ["hit", "f1", "m1", "m2"]


items = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6), st.floats(0, 100), st.booleans()), max_size=60)


def _queue(raw: list[tuple[int, int, float, bool]], prefix: str) -> list[FeedItem]:
    return [FeedItem(f"{prefix}{i}", f"s{s}", score, fair) for i, s, score, fair in raw]


@given(items, items, st.integers(0, 60), st.floats(0, 1), st.integers(1, 4), st.integers(1, 20))
def test_the_layout_never_repeats_an_item_nor_breaks_the_store_cap(
        main: list[tuple[int, int, float, bool]], fair: list[tuple[int, int, float, bool]], size: int, share: float,
        per_store: int, page_size: int) -> None:
    policy = ExposurePolicy(share=share, per_store=per_store, page_size=page_size)
    feed = compose_feed(_queue(main, "m"), _queue(fair, "f"), size, policy)
    assert len(feed) <= size
    assert len({f.item for f in feed}) == len(feed)
    for page in pages(feed, page_size):
        stores = [f.store for f in page]
        assert all(stores.count(s) <= per_store for s in stores)


@given(st.integers(1, 40), st.integers(1, 40), st.floats(0, 1), st.integers(1, 30))
def test_the_fair_share_holds_when_there_are_enough_fair_goods_from_distinct_stores(
        main_count: int, fair_count: int, share: float, size: int) -> None:
    main = [FeedItem(f"m{n}", f"shop{n}", 100.0 - n) for n in range(main_count)]
    fair = [FeedItem(f"f{n}", f"new{n}", 0.0, fair=True) for n in range(fair_count)]
    feed = compose_feed(main, fair, size, ExposurePolicy(share=share, per_store=1, page_size=size))
    wanted = min(math.floor(len(feed) * share + 0.5), fair_count)
    assert len(feed) == min(size, main_count + fair_count)
    assert sum(f.fair for f in feed) >= wanted
    reserved = [n for n in range(len(feed)) if is_fair_slot(n, share)]
    assert all(feed[n].fair for n in reserved[:fair_count])


@given(st.integers(0, 500), st.floats(0, 1))
def test_the_first_n_slots_hold_round_n_times_share_reserved_ones(n: int, share: float) -> None:
    assert len(fair_slots(n, share)) == math.floor(n * share + 0.5)


def _log(seed: int) -> list[Event]:
    rnd = random.Random(seed)
    kinds = ["view", "view", "cart", "buy", "favourite"]
    return [Event(f"u{rnd.randrange(40)}", f"i{int(rnd.paretovariate(1.1)) % 60}", rnd.choice(kinds),
                  3600.0 * rnd.randrange(200)) for _ in range(1500)]


@given(st.integers(0, 5), st.integers(0, 39))
def test_serving_scores_equal_the_models_whole_matrix_scores(seed: int, user: int) -> None:
    log = _log(seed)
    model = train_feed(log, 200 * 3600.0)
    history = [e for e in log if e.user == f"u{user}"][:10]
    assert np.allclose(personal_vector(model, history), model.score_vector(history), atol=1e-12)
    top = personal_top(model, history, 5, exclude={e.item for e in history})
    assert list(top) == [i for i in model.score_user(history, 5) if top.get(i, 0) > 0]


def test_neighbours_leave_out_the_item_itself_and_unknown_items_have_none() -> None:
    model = train_feed([Event("u1", "a", "view", 0), Event("u1", "b", "view", 0), Event("u2", "a", "view", 0),
                        Event("u2", "c", "buy", 0)], 0.0)
    near = neighbours(model, "a", 5)
    assert set(near) == {"b", "c"}
    assert near["c"] > near["b"]
    assert neighbours(model, "zzz", 5) == {}


def _facts(item: str, path: tuple[str, ...], terms: str, **attributes: str) -> ItemFacts:
    return ItemFacts(item, "s", path, frozenset(terms.split()), attributes)


def test_content_score_adds_title_overlap_attributes_and_the_shared_category_path() -> None:
    target = _facts("t", ("v", "l2", "l3"), "ceramic bowl blue", style="s1", size="m")
    alike = _facts("a", ("v", "l2", "x"), "ceramic bowl red", style="s1", size="l")
    # Jaccard 2/4, half the attributes, two of three path levels
    assert content_score(target, alike) == pytest.approx(0.5 + 0.5 * 0.5 + 0.5 * 2 / 3)
    assert content_score(target, _facts("o", ("w", "l2", "l3"), "ceramic bowl blue", style="s1")) == 0.0
    assert content_score(target, target) == 0.0


def test_content_neighbours_are_best_first_and_merge_after_learned_ones() -> None:
    target = _facts("t", ("v",), "green tea")
    candidates = [_facts("x", ("v",), "coffee"), _facts("y", ("v",), "green tea"), _facts("z", ("v",), "tea")]
    assert content_neighbours(target, candidates, 2) == ["y", "z"]
    assert merge_neighbours(["z", "q"], ["y", "z"], 3) == ["z", "q", "y"]


def test_shops_are_scored_by_their_goods_and_often_used_ones_are_left_out() -> None:
    scores = store_scores({"a": 1.0, "b": 0.5, "c": 0.2, "d": 0.0}, {"a": "S1", "b": "S1", "c": "S2", "d": "S3"})
    assert scores == {"S1": 1.5, "S2": 0.2}
    assert bought_often({"S1": 3, "S2": 2}) == {"S1"}
    big = {f"F{n}": 10.0 - n for n in range(6)}
    small = {"I1": 0.1, "I2": 0.05}
    assert rank_shops({**big, **small}, {"I1", "I2"}, 5, exclude={"F0"}, share=0.4) == ["F1", "I1", "F2", "I2", "F3"]
