"""recommend's public surface: record behaviour events (pages, the API, paid orders), see what was dropped, train
and store the feed model, and the jobs that keep it fresh. Other capabilities and the pages use this module."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mercato.kernel.jobs import Handler
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.recommend.events import (
    DROP_REASONS,
    KINDS,
    MAX_BATCH,
    EventIn,
    RecordOutcome,
    drop_counts_in,
    rate_window_for,
    record_events_in,
    record_purchases_in,
    visitor_key,
)
from mercato.recommend.jobs import (
    REFRESH_JOB,
    refresh_job,
    refresh_model,
    schedule_refresh_in,
    schedule_refresh_once_in,
)
from mercato.recommend.models_store import StoredModel, history_in, latest_stored_in, load_latest_in, save_model_in
from mercato.recommend.training import TrainOutcome, train_model

JOB_HANDLERS: Mapping[str, Handler] = {REFRESH_JOB: refresh_job}
DROP_DAYS = 14


@dataclass(frozen=True)
class DropCount:
    day: date
    reason: str
    count: int


def record_events(rt: Runtime, events: Sequence[EventIn]) -> RecordOutcome:
    """Store a batch of events (at most 50) in one transaction; drops are counted, not refused."""
    now = rt.clock.now()
    with rt.uow() as uow:
        outcome = record_events_in(uow, events, now, rate_window_for(rt.settings.redis_url))
        schedule_refresh_once_in(uow, now)
        uow.commit()
    return outcome


def on_purchase_in(rt: Runtime, uow: UnitOfWork, consumer_id: str, product_ids: Sequence[str],
                   at: datetime) -> RecordOutcome:
    """A payment was captured: its lines' products become `buy` events (the composition root adapts the
    payment event to plain ids, since payments and trade sit above recommend)."""
    return record_purchases_in(uow, consumer_id, product_ids, at)


def drop_counts(rt: Runtime, days: int = DROP_DAYS) -> list[DropCount]:
    """Dropped events per day and reason over the last `days` days, newest first (operators)."""
    since = (rt.clock.now() - timedelta(days=max(1, min(days, 366)) - 1)).date()
    with rt.uow(read_only=True) as uow:
        return [DropCount(day, reason, count) for day, reason, count in drop_counts_in(uow, since)]


def warm_model(rt: Runtime) -> bool:
    """Decode the newest stored model into this process's cache, so the first feed request after a start does not
    pay for it (a server runs this in a background thread at startup). False when no model is stored yet."""
    with rt.uow(read_only=True) as uow:
        return load_latest_in(uow) is not None


def model_status(rt: Runtime) -> StoredModel | None:
    """The newest stored model's facts (operators)."""
    with rt.uow(read_only=True) as uow:
        return latest_stored_in(uow)


__all__ = [
    "DROP_REASONS", "JOB_HANDLERS", "KINDS", "MAX_BATCH", "REFRESH_JOB", "DropCount", "EventIn", "RecordOutcome",
    "StoredModel", "TrainOutcome", "drop_counts", "history_in", "load_latest_in", "model_status", "on_purchase_in",
    "record_events", "refresh_model", "save_model_in", "schedule_refresh_in", "train_model", "visitor_key",
    "warm_model",
]
