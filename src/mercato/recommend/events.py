"""Recording behaviour events: validate a batch, drop and count what must not train a model (bad kinds, unknown or
inactive products, bursts from bots), append the rest in one INSERT.

A bot is an actor with more than `BOT_EVENTS_PER_SECOND` events in a sliding second. The window lives in Redis
when `MERCATO_REDIS_URL` is set (one atomic script per batch, shared by every process), else in the event log
itself (a count over the (actor, at) index; SQLite's single writer makes it exact, PostgreSQL's concurrent
writers may admit a few more in a race).
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import redis
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from mercato.catalog import service as catalog
from mercato.catalog.model import ProductStatus
from mercato.kernel.errors import InputInvalid
from mercato.kernel.uow import UnitOfWork
from mercato.recommend.tables import recommend_event_drops, recommend_events

KINDS = ("view", "favourite", "cart", "buy", "search_click")
MAX_BATCH = 50
BOT_EVENTS_PER_SECOND = 20
WINDOW = timedelta(seconds=1)
QUERY_CHARS = 200
DROP_REASONS = ("kind_invalid", "unknown_product", "inactive_product", "bot")


class EventBatchTooLarge(InputInvalid):
    code = "event_batch_too_large"
    title = "Send at most 50 events at once"


class EventBatchEmpty(InputInvalid):
    code = "event_batch_empty"
    title = "Send at least one event"


class VisitorUnknown(InputInvalid):
    code = "visitor_unknown"
    title = "Events need a logged-in consumer or a visitor cookie from a page"


@dataclass(frozen=True)
class EventIn:
    """One event as received: who (consumer id or visitor key), what, which kind, and the query of a search click."""

    actor_id: str
    product_id: str
    kind: str
    query: str | None = None


@dataclass(frozen=True)
class RecordOutcome:
    """How many events were stored and how many were dropped, by reason."""

    accepted: int
    dropped: Mapping[str, int] = field(default_factory=dict)


def visitor_key(token: str) -> str:
    """An anonymous visitor's actor id: a digest of the visitor's cookie token (the token itself stays secret)."""
    return "v_" + hashlib.sha256(token.encode()).hexdigest()[:24]


# --- the bot window -------------------------------------------------------------------------------------------------

class RateWindow(Protocol):
    def admit(self, uow: UnitOfWork, actor_id: str, wanted: int, now: datetime) -> int:
        """How many of `wanted` new events the actor may still add in the second ending at `now`."""


class LogWindow:
    """The window counted in the event log: accepted events of the actor in the last second."""

    def __init__(self, limit: int = BOT_EVENTS_PER_SECOND) -> None:
        self.limit = limit

    def admit(self, uow: UnitOfWork, actor_id: str, wanted: int, now: datetime) -> int:
        e = recommend_events.c
        used = uow.conn.execute(sa.select(sa.func.count()).select_from(recommend_events)
                                .where(e.actor_id == actor_id, e.at > now - WINDOW)).scalar_one()
        return max(0, min(wanted, self.limit - int(used)))


# A sorted set per actor scored by time: drop what left the window, count, add what is admitted, all atomically.
_ADMIT_SCRIPT = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - 1.0)
local used = redis.call('ZCARD', key)
local admitted = math.max(0, math.min(wanted, limit - used))
for i = 1, admitted do redis.call('ZADD', key, now, ARGV[4] .. ':' .. i) end
redis.call('EXPIRE', key, 2)
return admitted
"""


class RedisWindow:
    """The window in Redis, shared by every process; counts admitted events (a later rollback does not undo them).
    While Redis cannot be reached, the event log's window decides, so recording never fails for it."""

    def __init__(self, client: Any, limit: int = BOT_EVENTS_PER_SECOND,
                 prefix: str = "mercato:recommend:rate:") -> None:
        self.client = client
        self.limit = limit
        self.prefix = prefix
        self._script = client.register_script(_ADMIT_SCRIPT)
        self._fallback = LogWindow(limit)
        self._serial = 0
        self._lock = threading.Lock()

    def admit(self, uow: UnitOfWork, actor_id: str, wanted: int, now: datetime) -> int:
        with self._lock:
            self._serial += 1
            tag = f"{now.timestamp()}:{id(self)}:{self._serial}"
        try:
            return int(self._script(keys=[self.prefix + actor_id], args=[now.timestamp(), self.limit, wanted, tag]))
        except redis.RedisError:
            return self._fallback.admit(uow, actor_id, wanted, now)


_windows: dict[str, RateWindow] = {}


def rate_window_for(redis_url: str | None) -> RateWindow:
    """Redis's shared window when configured (one client per process), else the event log's."""
    if not redis_url:
        return LogWindow()
    window = _windows.get(redis_url)
    if window is None:
        window = _windows.setdefault(redis_url, RedisWindow(redis.Redis.from_url(redis_url)))
    return window


# --- recording ------------------------------------------------------------------------------------------------------

def check_batch(events: Sequence[EventIn]) -> None:
    if not events:
        raise EventBatchEmpty()
    if len(events) > MAX_BATCH:
        raise EventBatchTooLarge(size=len(events), limit=MAX_BATCH)


def _product_reasons(uow: UnitOfWork, events: Sequence[EventIn]) -> tuple[dict[str, str], dict[str, str]]:
    """Per product id: its store when active, else the drop reason."""
    products = catalog.products_by_ids_in(uow, {e.product_id for e in events})
    stores: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for event in events:
        product = products.get(event.product_id)
        if product is None:
            reasons[event.product_id] = "unknown_product"
        elif product.status != ProductStatus.ACTIVE:
            reasons[event.product_id] = "inactive_product"
        else:
            stores[event.product_id] = product.store_id
    return stores, reasons


def _admitted(uow: UnitOfWork, events: Sequence[EventIn], window: RateWindow, now: datetime) -> list[EventIn]:
    """The events each actor's window admits, in order (the first ones of a burst)."""
    wanted = Counter(e.actor_id for e in events)
    left = {actor: window.admit(uow, actor, n, now) for actor, n in wanted.items()}
    kept = []
    for event in events:
        if left[event.actor_id] > 0:
            left[event.actor_id] -= 1
            kept.append(event)
    return kept


def record_events_in(uow: UnitOfWork, events: Sequence[EventIn], now: datetime,
                     window: RateWindow | None = None) -> RecordOutcome:
    """Store the valid events at `now` in one INSERT; drop and count the rest by reason (per UTC day)."""
    check_batch(events)
    drops: Counter[str] = Counter()
    known = [e for e in events if e.kind in KINDS]
    drops["kind_invalid"] += len(events) - len(known)
    stores, reasons = _product_reasons(uow, known) if known else ({}, {})
    for event in known:
        if event.product_id in reasons:
            drops[reasons[event.product_id]] += 1
    valid = [e for e in known if e.product_id in stores]
    kept = _admitted(uow, valid, window or LogWindow(), now) if valid else []
    drops["bot"] += len(valid) - len(kept)
    if kept:
        uow.conn.execute(recommend_events.insert(), [
            {"actor_id": e.actor_id, "product_id": e.product_id, "store_id": stores[e.product_id], "kind": e.kind,
             "query": _query_of(e), "at": now}
            for e in kept])
    counted = {reason: n for reason, n in drops.items() if n}
    count_drops_in(uow, counted, now.date())
    return RecordOutcome(len(kept), counted)


def _query_of(event: EventIn) -> str | None:
    """A search click keeps its query (cut to 200 characters); other kinds keep none."""
    if event.kind != "search_click" or not event.query:
        return None
    return event.query.strip()[:QUERY_CHARS] or None


def count_drops_in(uow: UnitOfWork, drops: Mapping[str, int], day: date) -> None:
    """Add to the day's drop counters (one upsert per reason)."""
    if not drops:
        return
    insert = pg_insert if uow.conn.dialect.name == "postgresql" else sqlite_insert
    d = recommend_event_drops
    for reason, n in sorted(drops.items()):
        statement = insert(d).values(day=day, reason=reason, dropped=n)
        uow.conn.execute(statement.on_conflict_do_update(
            index_elements=[d.c.day, d.c.reason], set_={"dropped": d.c.dropped + statement.excluded.dropped}))


def drop_counts_in(uow: UnitOfWork, since: date) -> list[tuple[date, str, int]]:
    """Dropped events per day and reason from `since`, newest day first."""
    d = recommend_event_drops.c
    query = sa.select(d.day, d.reason, d.dropped).where(d.day >= since).order_by(d.day.desc(), d.reason)
    return [(row.day, row.reason, int(row.dropped)) for row in uow.conn.execute(query)]


def record_purchases_in(uow: UnitOfWork, consumer_id: str, product_ids: Sequence[str], now: datetime) -> RecordOutcome:
    """Every paid order line as a `buy` event of its consumer (no bot window: payments are not bursts of clicks).
    Lines of products that are no longer active are dropped and counted like any other event."""
    events = [EventIn(consumer_id, product_id, "buy") for product_id in product_ids]
    if not events:
        return RecordOutcome(0)
    stored = 0
    dropped: Counter[str] = Counter()
    for start in range(0, len(events), MAX_BATCH):
        outcome = record_events_in(uow, events[start:start + MAX_BATCH], now, window=_Unlimited())
        stored += outcome.accepted
        dropped.update(outcome.dropped)
    return RecordOutcome(stored, dict(dropped))


class _Unlimited:
    def admit(self, uow: UnitOfWork, actor_id: str, wanted: int, now: datetime) -> int:
        return wanted


# For events that come from a use case already limited by its own rules (a cart add, a payment), not from clicks.
NO_RATE_LIMIT: RateWindow = _Unlimited()
