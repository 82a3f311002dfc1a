"""The stored feed model on both databases: a save and load gives the same scores, the newest model replaces a
cached one, and the blob is plain arrays (loadable without pickle)."""

from __future__ import annotations

import io

import numpy as np
import pytest
import sqlalchemy as sa

from mercato.kernel.runtime import Runtime
from mercato.recommend.model import Event, FeedConfig, FeedModel, train_feed
from mercato.recommend.models_store import (
    decode_model,
    encode_model,
    latest_stored_in,
    load_latest_in,
    save_model_in,
)
from mercato.recommend.service import warm_model
from mercato.recommend.tables import recommend_models
from mercato.recommend.training import fit

DAY = 86_400.0
NOW = 1_795_000_000.0
KINDS = ("view", "favourite", "cart", "buy")


def synthetic_log(seed: int, users: int = 40, items: int = 60, size: int = 800) -> list[Event]:
    rng = np.random.default_rng(seed)
    return [Event(f"u{rng.integers(users)}", f"p{rng.integers(items):03d}", KINDS[rng.integers(4)],
                  NOW - float(rng.integers(20)) * DAY) for _ in range(size)]


def histories(log: list[Event]) -> list[list[Event]]:
    return [[e for e in log if e.user == user] for user in ("u1", "u2", "u7")] + [[Event("new", "p001", "view", NOW)]]


def assert_same_model(first: FeedModel, second: FeedModel, log: list[Event]) -> None:
    assert second.items == first.items
    assert second.config == first.config
    assert second.now == first.now
    for history in histories(log):
        assert np.array_equal(second.score_vector(history), first.score_vector(history))
        assert second.score_user(history, 10) == first.score_user(history, 10)


def test_encoding_keeps_every_array_and_needs_no_pickle() -> None:
    log = synthetic_log(1)
    model = fit(log, NOW, FeedConfig(ease_min_users=1))
    blob = encode_model(model)
    with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)
        assert arrays["ease_weights"].dtype == np.float32
    assert_same_model(model, decode_model(blob), log)


def test_train_save_load_round_trip_gives_identical_scores(rt: Runtime) -> None:
    log = synthetic_log(2)
    model = fit(log, NOW)
    with rt.uow() as uow:
        model_id = save_model_in(uow, model, len(log), last_event_id=77, metrics={"recall20": 0.25})
        uow.commit()
    with rt.uow(read_only=True) as uow:
        loaded = load_latest_in(uow)
        facts = latest_stored_in(uow)
    assert loaded is not None
    assert_same_model(model, loaded, log)
    assert facts is not None
    assert (facts.id, facts.events_used, facts.last_event_id, facts.items) == (model_id, 800, 77, len(model.items))
    assert facts.metrics == {"recall20": 0.25}
    assert facts.size_bytes == len(encode_model(model))


def test_the_loaded_model_is_cached_until_a_newer_one_is_saved(rt: Runtime) -> None:
    with rt.uow(read_only=True) as uow:
        assert load_latest_in(uow) is None
    old_log, new_log = synthetic_log(3), synthetic_log(4, items=70)
    with rt.uow() as uow:
        save_model_in(uow, fit(old_log, NOW), len(old_log))
        uow.commit()
    with rt.uow(read_only=True) as uow:
        first = load_latest_in(uow)
        assert load_latest_in(uow) is first  # decoded once, then served from the process cache
    newer = fit(new_log, NOW + DAY)
    with rt.uow() as uow:
        save_model_in(uow, newer, len(new_log))
        uow.commit()
    with rt.uow(read_only=True) as uow:
        replaced = load_latest_in(uow)
    assert replaced is not first
    assert replaced is not None
    assert replaced.now == NOW + DAY
    assert_same_model(newer, replaced, new_log)


def test_fit_ranks_like_train_feed(rt: Runtime) -> None:
    log = synthetic_log(5)
    reference, stepwise = train_feed(log, NOW), fit(log, NOW)
    assert stepwise.items == reference.items
    for history in histories(log):
        assert stepwise.score_vector(history) == pytest.approx(reference.score_vector(history), rel=1e-5, abs=1e-7)


def test_only_the_three_newest_models_are_kept(rt: Runtime) -> None:
    log = synthetic_log(6, users=10, items=12, size=60)
    model = fit(log, NOW)
    with rt.uow() as uow:
        ids = [save_model_in(uow, model, n) for n in range(5)]
        uow.commit()
    with rt.uow(read_only=True) as uow:
        kept = uow.conn.execute(sa.select(recommend_models.c.id, recommend_models.c.events_used)
                                .order_by(recommend_models.c.id)).all()
    assert [tuple(row) for row in kept] == [(ids[2], 2), (ids[3], 3), (ids[4], 4)]


def test_warming_decodes_the_newest_model_into_the_cache_the_feeds_read(rt: Runtime) -> None:
    assert warm_model(rt) is False  # nothing stored yet: nothing to warm
    log = synthetic_log(6)
    with rt.uow() as uow:
        save_model_in(uow, fit(log, NOW), len(log))
        uow.commit()
    assert warm_model(rt) is True
    with rt.uow(read_only=True) as uow:
        cached = load_latest_in(uow)
        assert load_latest_in(uow) is cached
    assert warm_model(rt) is True
    with rt.uow(read_only=True) as uow:
        assert load_latest_in(uow) is cached  # warming again keeps the decoded model: no second decode
