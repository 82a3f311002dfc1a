"""Training the feed model from the event log: stream the events in id batches, build co-visitation, EASE and the
popularity prior (the steps of `train_feed`, taken one by one so progress can be shown), store the result."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import sqlalchemy as sa
from scipy import sparse
from sqlalchemy.engine import Connection

from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.recommend.model import (
    CoVisitation,
    Ease,
    Event,
    FeedConfig,
    FeedModel,
    build_interactions,
    covisit_counts,
    normalise_rows,
    popularity,
    train_ease,
)
from mercato.recommend.model.popular import popularity_vector
from mercato.recommend.models_store import MODEL_KIND, save_model_in
from mercato.recommend.tables import recommend_events

READ_BATCH = 50_000
# Each actor's most recent events that train: co-visitation costs the square of a history, so a crawler's or a
# heavy user's thousands of events would dominate both the time and the pairs (measured by bench/recommend.py).
ACTOR_EVENTS = 200
# Neighbours kept per item in co-visitation (the strongest): bounds the stored model and the scoring work.
COVISIT_NEIGHBOURS = 100
HORIZON_DAYS = 120  # with a 14-day half-life an event this old weighs 1/380 of a fresh one
# EASE's item cap, chosen by bench/recommend.py (see bench/README.md): the dense inverse is cubic in it, and 10,000
# items (the model's default) alone take about 40 s and a 400 MB model; on the Taobao dev file no more than 1,644
# items have the two users EASE asks for, so the cap does not change its recall there.
TRAINING_CONFIG = FeedConfig(ease_max_items=3_000)
STAGES = ("reading", "co-visitation", "EASE", "saving")

# (stage, units done, total units or None): called as each stage starts (0 done) and advances.
Progress = Callable[[str, int, int | None], None]


def no_progress(stage: str, done: int, total: int | None) -> None:
    return None


@dataclass(frozen=True)
class TrainOutcome:
    """What a training run did: the stored model's id (None when there were no events), sizes and stage times."""

    model_id: str | None
    events_used: int
    last_event_id: int
    items: int
    ease_items: int
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class EventLog:
    """Events read from the log, with the newest id seen (strings interned: one object per actor and product)."""

    events: list[Event] = field(default_factory=list)
    last_id: int = 0


def count_events_in(uow: UnitOfWork, since: datetime, after_id: int = 0) -> int:
    e = recommend_events.c
    query = sa.select(sa.func.count()).select_from(recommend_events).where(e.at >= since, e.id > after_id)
    return int(uow.conn.execute(query).scalar_one())


def epoch_seconds(conn: Connection) -> sa.ColumnElement[float]:
    """`at` as unix seconds computed by the database: a float per row instead of a parsed datetime."""
    at = recommend_events.c.at
    if conn.dialect.name == "postgresql":
        return sa.cast(sa.extract("epoch", at), sa.Float)
    return (sa.func.julianday(at) - 2440587.5) * 86400.0  # SQLite keeps naive UTC text; 2440587.5 is 1970-01-01


def event_batches_in(uow: UnitOfWork, since: datetime, batch: int = READ_BATCH) -> Iterator[list[tuple[Any, ...]]]:
    """Rows (id, actor, product, kind, unix seconds) from `since`, in id order, `batch` at a time (keyset pages)."""
    e = recommend_events.c
    at = epoch_seconds(uow.conn)
    after = 0
    while True:
        query = (sa.select(e.id, e.actor_id, e.product_id, e.kind, at)
                 .where(e.id > after, e.at >= since).order_by(e.id).limit(batch))
        rows = [tuple(row) for row in uow.conn.execute(query)]
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def read_log_in(uow: UnitOfWork, since: datetime, progress: Progress = no_progress,
                batch: int = READ_BATCH) -> EventLog:
    """Every event from `since` as model events (search clicks weigh as views)."""
    total = count_events_in(uow, since)
    progress("reading", 0, total)
    log = EventLog()
    names: dict[str, str] = {}
    intern = names.setdefault  # one string object per actor and product, however many events name it
    for rows in event_batches_in(uow, since, batch):
        log.events.extend([Event(intern(actor, actor), intern(item, item), MODEL_KIND[kind], at)
                           for _, actor, item, kind, at in rows])
        log.last_id = int(rows[-1][0])
        progress("reading", len(log.events), total)
    return log


def recent_per_actor(events: list[Event], cap: int = ACTOR_EVENTS) -> list[Event]:
    """Each actor's last `cap` events of a log in time order (the log is appended as events happen)."""
    seen: dict[str, int] = {}
    kept = []
    for event in reversed(events):
        count = seen.get(event.user, 0)
        if count < cap:
            seen[event.user] = count + 1
            kept.append(event)
    kept.reverse()
    return kept


def strongest_neighbours(counts: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    """Each row's `k` largest entries (among equal ones at the cut, the lower columns), the rest dropped."""
    counts = sparse.csr_matrix(counts)
    counts.sort_indices()
    keep = np.ones(counts.nnz, dtype=bool)
    indptr, data = counts.indptr, counts.data
    for row in np.flatnonzero(np.diff(indptr) > k):
        start, stop = indptr[row], indptr[row + 1]
        values = data[start:stop]
        cut = np.partition(values, values.size - k)[values.size - k]  # the k-th largest value
        chosen = values > cut
        ties = np.flatnonzero(values == cut)[:k - int(chosen.sum())]
        chosen[ties] = True
        keep[start:stop] = chosen
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(indptr))
    kept_per_row = np.bincount(rows[keep], minlength=counts.shape[0])
    return sparse.csr_matrix((data[keep], counts.indices[keep], np.concatenate([[0], np.cumsum(kept_per_row)])),
                             shape=counts.shape)


def fit(events: list[Event], now: float, config: FeedConfig = TRAINING_CONFIG, progress: Progress = no_progress,
        neighbours: int = COVISIT_NEIGHBOURS) -> FeedModel:
    """`train_feed`'s model, step by step: co-visitation keeps each item's `neighbours`
    strongest pairs, EASE's weights are float32 (half the memory and blob)."""
    progress("co-visitation", 0, None)
    interactions = build_interactions(events, now, config.half_life_days)
    prior = popularity_vector(popularity(events, now, config.half_life_days), interactions.items)
    similarity = normalise_rows(strongest_neighbours(covisit_counts(interactions.matrix), neighbours))
    covisit = CoVisitation(interactions.items, similarity)
    progress("co-visitation", 1, 1)
    progress("EASE", 0, None)
    ease = train_ease(interactions.matrix, config.ease_l2, config.ease_min_users, config.ease_max_items)
    ease = Ease(ease.columns, ease.weights.astype(np.float32))
    progress("EASE", 1, 1)
    return FeedModel(items=interactions.items, index=interactions.item_index(), covisit=covisit, ease=ease,
                     prior=prior, now=now, config=config)


def train_model(rt: Runtime, config: FeedConfig = TRAINING_CONFIG, progress: Progress = no_progress,
                horizon_days: int = HORIZON_DAYS) -> TrainOutcome:
    """Read the log, train, and store the model as the newest (nothing is stored when there are no events)."""
    now = rt.clock.now()
    clock = _Stopwatch()
    with rt.uow(read_only=True) as uow:
        log = read_log_in(uow, now - timedelta(days=horizon_days), progress)
    clock.lap("reading")
    if not log.events:
        return TrainOutcome(None, 0, 0, 0, 0, clock.seconds)
    trained = recent_per_actor(log.events)
    model = fit(trained, now.timestamp(), config, progress)
    clock.lap("training")
    progress("saving", 0, None)
    metrics = {"events": len(log.events), "trained_events": len(trained), "items": len(model.items),
               "ease_items": int(model.ease.columns.size), "covisit_pairs": int(model.covisit.similarity.nnz),
               "train_seconds": round(clock.seconds["training"], 3)}
    with rt.uow() as uow:
        model_id = save_model_in(uow, model, len(log.events), last_event_id=log.last_id, metrics=metrics)
        uow.commit()
    progress("saving", 1, 1)
    clock.lap("saving")
    return TrainOutcome(model_id, len(log.events), log.last_id, len(model.items), int(model.ease.columns.size),
                        clock.seconds)


class _Stopwatch:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._mark = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = now - self._mark
        self._mark = now
