"""Keeping the feed model fresh: an hourly job retrains when enough events arrived since the stored model (or when
there is none yet), then books the next hour's run. Recording events books the first run, once per process hour."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from mercato.kernel import jobs
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.recommend.models_store import latest_stored_in
from mercato.recommend.training import HORIZON_DAYS, TrainOutcome, count_events_in, train_model

REFRESH_JOB = "recommend.refresh"
REFRESH_EVERY = timedelta(hours=1)
REFRESH_MIN_EVENTS = 1_000  # fewer new events than this wait for the next hour (unless there is no model at all)

_booked: dict[str, datetime] = {}
_booked_lock = threading.Lock()


def _next_hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0) + REFRESH_EVERY


def schedule_refresh_in(uow: UnitOfWork, now: datetime) -> None:
    """Make sure a refresh is due at the next full hour: one job per hour (its key), however many ask."""
    at = _next_hour(now)
    jobs.enqueue(uow, REFRESH_JOB, {}, now=now, run_at=at, key=f"{REFRESH_JOB}:{at.isoformat()}")


def schedule_refresh_once_in(uow: UnitOfWork, now: datetime) -> None:
    """`schedule_refresh_in`, skipped when this process already booked this hour for this database (hot path)."""
    key = f"{uow.conn.engine.url!r}#{id(uow.conn.engine)}"
    at = _next_hour(now)
    with _booked_lock:
        if _booked.get(key) == at:
            return
        _booked[key] = at
    schedule_refresh_in(uow, now)


def needs_refresh_in(uow: UnitOfWork, now: datetime, min_events: int = REFRESH_MIN_EVENTS) -> bool:
    """No model yet and some events, or at least `min_events` events newer than the model's newest."""
    latest = latest_stored_in(uow)
    since = now - timedelta(days=HORIZON_DAYS)
    if latest is None:
        return count_events_in(uow, since) > 0
    return count_events_in(uow, since, after_id=latest.last_event_id) >= min_events


def refresh_model(rt: Runtime, min_events: int = REFRESH_MIN_EVENTS) -> TrainOutcome | None:
    """Retrain when `needs_refresh_in` says so; the outcome, or None when the stored model is fresh enough."""
    with rt.uow(read_only=True) as uow:
        due = needs_refresh_in(uow, rt.clock.now(), min_events)
    return train_model(rt) if due else None


def refresh_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """The hourly run: retrain if due, then book the next hour."""
    refresh_model(rt)
    with rt.uow() as uow:
        schedule_refresh_in(uow, rt.clock.now())
        uow.commit()
