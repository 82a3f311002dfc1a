"""The shared, per-process inputs of every home feed, rebuilt at most every POOL_TTL_SECONDS: the fair pool (the
newest goods of new stores and of small independent stores), the best sellers of each vertical (cold start)
and what is trending.

A store is *new* when it opened less than `new_store_days` ago, *small* when it is independent and had fewer than
`small_store_sales` purchases in the last 30 days. The fair pool is drawn from the newest active products (all
kinds, and independent ones), so a small shop that lists something shows up in it; its cost (a dozen queries and
a trending scan) is paid once per process per TTL, never per page view.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from threading import Lock
from time import monotonic
from weakref import WeakKeyDictionary

from mercato.catalog.browse import CategoryRef
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.recommend import goods, signals
from mercato.recommend.goods import Placement
from mercato.recommend.model import top_items, trending
from mercato.stores import service as stores
from mercato.stores.model import StoreKind, StoreView

POOL_TTL_SECONDS = 60.0
# A product's store and vertical practically never change, and every page reads its products back anyway: what
# requests placed is carried into the next pool for this long, so a busy process rarely asks the catalog.
PLACEMENT_TTL_SECONDS = 900.0
POOL_SCAN = 200  # newest products read per store kind when the pool is built
TRENDING_WINDOW = timedelta(days=2)
TRENDING_SCAN = 20_000  # newest events read for trending
TRENDING_SIZE = 200
SALES_WINDOW = timedelta(days=30)
BEST_PER_VERTICAL = 60
MAX_PLACED = 200_000


@dataclass(frozen=True, slots=True)
class PoolPolicy:
    new_store_days: int = 30
    small_store_sales: int = 20


@dataclass(frozen=True, slots=True)
class Pool:
    fair: list[str] = field(default_factory=list)  # goods of new or small independent stores, newest first
    fair_stores: frozenset[str] = frozenset()
    trending: dict[str, float] = field(default_factory=dict)
    best: dict[str, float] = field(default_factory=dict)  # product id -> catalog sales, best sellers per vertical
    vertical_of: dict[str, str] = field(default_factory=dict)  # product id -> vertical id, for `best`
    # Store and vertical of every product above, and of those requests placed since (for the pool's lifetime);
    # `absent` the ids found inactive. A product that leaves the catalog in between is caught on the page itself.
    placement: dict[str, Placement] = field(default_factory=dict)
    absent: set[str] = field(default_factory=set)
    stores: dict[str, StoreView | None] = field(default_factory=dict)  # store cards read since (None: not active)
    placed_since: float = 0.0  # monotonic time the placements were first collected (they outlive a rebuild)

    def active_stores_in(self, uow: UnitOfWork, store_ids: Collection[str]) -> dict[str, StoreView]:
        """The active stores among `store_ids`: the ones read before from memory, the others in one query."""
        missing = [i for i in store_ids if i not in self.stores]
        found = goods.stores_in(uow, missing) if missing else {}
        if len(self.stores) < MAX_PLACED:
            self.stores.update({i: found.get(i) for i in missing})
        known = {i: s for i in store_ids if (s := self.stores.get(i)) is not None}
        return {**known, **found}

    def remember(self, asked: Collection[str], found: Mapping[str, Placement]) -> None:
        """Keep what a request placed (up to MAX_PLACED ids per pool), so the next request need not ask again."""
        if len(self.placement) + len(self.absent) < MAX_PLACED:
            self.placement.update(found)
            self.absent.update(i for i in asked if i not in found)


def is_fair_store(store: StoreView, recent_sales: int, now: datetime, policy: PoolPolicy) -> bool:
    """New (opened within `new_store_days`), or independent with fewer than `small_store_sales` recent sales."""
    if store.created_at >= now - timedelta(days=policy.new_store_days):
        return True
    return store.kind is StoreKind.INDEPENDENT and recent_sales < policy.small_store_sales


def build_pool_in(uow: UnitOfWork, now: datetime, verticals: list[CategoryRef],
                  policy: PoolPolicy = PoolPolicy()) -> Pool:
    newest = goods.newest_in(uow, POOL_SCAN) + goods.newest_in(uow, POOL_SCAN, "independent")
    store_ids = {c.store_id for c in newest}
    by_id = {i: s for i, s in stores.stores_by_ids_in(uow, store_ids).items() if s.is_active}
    sales = signals.store_sales_in(uow, by_id.keys(), now - SALES_WINDOW)
    fair_stores = frozenset(i for i, s in by_id.items() if is_fair_store(s, sales.get(i, 0), now, policy))
    fair = list(dict.fromkeys(c.id for c in newest if c.store_id in fair_stores))
    recent = signals.recent_events_in(uow, now - TRENDING_WINDOW, TRENDING_SCAN)
    rising = trending(recent, now.timestamp())
    rising = {i: rising[i] for i in top_items(rising, TRENDING_SIZE)}
    best = {v.id: goods.vertical_best_sellers_in(uow, [v], BEST_PER_VERTICAL) for v in verticals}
    vertical_of = {c.id: vertical for vertical, cards in best.items() for c in cards}
    placement = goods.placements_in(uow, {*fair, *rising})
    placement.update({c.id: Placement(c.store_id, vertical_of[c.id]) for cards in best.values() for c in cards})
    return Pool([i for i in fair if i in placement], fair_stores, {i: s for i, s in rising.items() if i in placement},
                best={c.id: float(c.sales_count) for cards in best.values() for c in cards},
                vertical_of=vertical_of, placement=placement, stores=dict(by_id))


def carried_over(new: Pool, old: Pool | None, now: float) -> Pool:
    """`new` with the placements `old` collected, unless those are older than PLACEMENT_TTL_SECONDS."""
    if old is None or now - old.placed_since >= PLACEMENT_TTL_SECONDS:
        return replace(new, placed_since=now)
    for product_id, placement in old.placement.items():
        new.placement.setdefault(product_id, placement)
    return replace(new, placed_since=old.placed_since)


class _PoolCache:
    def __init__(self) -> None:
        self._pools: WeakKeyDictionary[object, tuple[float, Pool]] = WeakKeyDictionary()
        self._lock = Lock()

    def get(self, rt: Runtime, uow: UnitOfWork, build: Callable[[UnitOfWork], Pool]) -> Pool:
        with self._lock:
            cached = self._pools.get(rt.uow)
        if cached is not None and monotonic() - cached[0] < POOL_TTL_SECONDS:
            return cached[1]
        pool = carried_over(build(uow), cached[1] if cached else None, monotonic())
        with self._lock:
            self._pools[rt.uow] = (monotonic(), pool)
        return pool

    def forget(self, rt: Runtime) -> None:
        with self._lock:
            self._pools.pop(rt.uow, None)


_cache = _PoolCache()


def pool_in(rt: Runtime, uow: UnitOfWork, verticals: list[CategoryRef], policy: PoolPolicy = PoolPolicy()) -> Pool:
    """This process's pool, built in the caller's unit of work when missing or older than POOL_TTL_SECONDS."""
    return _cache.get(rt, uow, lambda u: build_pool_in(u, rt.clock.now(), verticals, policy))


def forget_pool(rt: Runtime) -> None:
    """Drop the cached pool (tests, or after a change that must show at once)."""
    _cache.forget(rt)


def on_store_status_changed(rt: Runtime, uow: UnitOfWork, event: object) -> None:
    """A suspended store leaves this process's feeds at once (others within POOL_TTL_SECONDS)."""
    uow.after_commit(lambda: forget_pool(rt))
