"""Plain-value tests of the pure recommendation models: co-visitation, EASE, popularity, cold start and the feed."""

from __future__ import annotations

import numpy as np
import pytest

from mercato.recommend.model import (
    Event,
    FeedConfig,
    build_interactions,
    covisit_counts,
    ease_weights,
    event_weight,
    normalise_rows,
    popularity,
    top_items,
    train_feed,
    trending,
    vertical_popular,
)

DAY = 86_400.0
NOW = 10 * DAY
LOG = [
    Event("u1", "a", "view", NOW),
    Event("u1", "b", "cart", NOW),
    Event("u2", "a", "buy", NOW),
    Event("u2", "b", "favourite", NOW),
    Event("u2", "c", "view", NOW),
    Event("u3", "c", "view", NOW),
    Event("u3", "c", "view", NOW),
]


def test_event_weights_follow_the_type_and_halve_every_half_life() -> None:
    assert event_weight(Event("u", "i", "buy", NOW), NOW, 2.0) == 4.0
    assert event_weight(Event("u", "i", "cart", NOW - 2 * DAY), NOW, 2.0) == 1.5
    assert event_weight(Event("u", "i", "favourite", NOW - 4 * DAY), NOW, 2.0) == 0.5
    assert event_weight(Event("u", "i", "view", NOW - 9 * DAY), NOW, 0.0) == 1.0


def test_co_visitation_counts_on_a_tiny_log_are_exact() -> None:
    interactions = build_interactions(LOG, NOW)
    assert interactions.items == ("a", "b", "c")
    assert interactions.matrix.toarray().tolist() == [[1.0, 3.0, 0.0], [4.0, 2.0, 1.0], [0.0, 0.0, 2.0]]
    counts = covisit_counts(interactions.matrix).toarray()
    # a-b: u1 1*3 + u2 4*2 = 11; a-c: u2 4*1 = 4; b-c: u2 2*1 = 2; the diagonal is zero.
    assert counts.tolist() == [[0.0, 11.0, 4.0], [11.0, 0.0, 2.0], [4.0, 2.0, 0.0]]


def test_normalised_co_visitation_rows_sum_to_one() -> None:
    normalised = normalise_rows(covisit_counts(build_interactions(LOG, NOW).matrix)).toarray()
    assert normalised[0].tolist() == [0.0, 11 / 15, 4 / 15]
    assert normalised[2].tolist() == [4 / 6, 2 / 6, 0.0]


def test_ease_reproduces_the_closed_form_on_a_small_matrix() -> None:
    # X'X = [[2, 1], [1, 1]]; with lambda 1, G = [[3, 1], [1, 2]], P = G^-1 = [[2, -1], [-1, 3]] / 5,
    # so B[0, 1] = -P[0, 1] / P[1, 1] = 1/3 and B[1, 0] = -P[1, 0] / P[0, 0] = 1/2.
    weights = ease_weights(np.array([[1.0, 1.0], [1.0, 0.0]]), l2=1.0)
    assert weights.ravel().tolist() == pytest.approx([0.0, 1 / 3, 1 / 2, 0.0], abs=1e-12)


def test_top_k_leaves_out_the_items_the_user_has_seen() -> None:
    model = train_feed(LOG, NOW, FeedConfig(ease_min_users=1))
    history = [Event("u9", "a", "view", NOW)]
    assert model.score_user(history, 3, exclude_seen=True) == ["b", "c"]
    assert model.score_user(history, 3, exclude_seen=False)[0] in {"a", "b"}
    assert len(model.score_user(history, 3, exclude_seen=False)) == 3


def test_training_twice_on_the_same_log_gives_the_same_feed() -> None:
    rng = np.random.default_rng(7)
    kinds = ("view", "favourite", "cart", "buy")
    log = [
        Event(f"u{rng.integers(30)}", f"i{rng.integers(40)}", kinds[rng.integers(4)], NOW - rng.integers(9) * DAY)
        for _ in range(400)
    ]
    history = [e for e in log if e.user == "u3"]
    first = train_feed(log, NOW).score_user(history, 10, exclude_seen=True)
    second = train_feed(list(log), NOW).score_user(history, 10, exclude_seen=True)
    assert first == second
    assert len(first) == 10
    assert not {e.item for e in history} & set(first)


def test_popularity_trending_and_vertical_cold_start() -> None:
    old_and_new = [Event("u1", "old", "buy", NOW - 5 * DAY), Event("u2", "new", "cart", NOW)]
    assert popularity(old_and_new, NOW) == {"old": 4.0, "new": 3.0}
    assert top_items(popularity(old_and_new, NOW), 2) == ["old", "new"]
    assert top_items(trending(old_and_new, NOW, half_life_days=1.0), 2) == ["new", "old"]
    scores = {"tea": 5.0, "cup": 3.0, "shoe": 9.0}
    verticals = {"tea": "food", "cup": "home", "shoe": "fashion"}
    assert vertical_popular(scores, verticals, {"food", "home"}, 5) == ["tea", "cup"]
    assert vertical_popular(scores, verticals, set(), 2) == ["shoe", "tea"]
