"""Short-lived per-process caches of the store and brand cards shown next to products.

Every listing and product page names the stores and brands of its products. Those change rarely (an operator
renames a brand, a merchant edits a profile, a store is suspended), so each process keeps what it read for
CARD_TTL_SECONDS: a change shows everywhere within that time, and a busy page names its stores without a query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from threading import Lock
from time import monotonic
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from mercato.kernel.runtime import Runtime

V = TypeVar("V")

CARD_TTL_SECONDS = 30.0
MAX_ENTRIES = 50_000


class CardCache(Generic[V]):
    """Values by id, per runtime, each kept for `ttl` seconds; misses are loaded together in one call."""

    def __init__(self, ttl: float = CARD_TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: WeakKeyDictionary[object, dict[str, tuple[float, V]]] = WeakKeyDictionary()
        self._lock = Lock()

    def get_many(self, rt: Runtime, ids: Iterable[str], load: Callable[[set[str]], dict[str, V]]) -> dict[str, V]:
        wanted, now = set(ids), monotonic()
        with self._lock:
            entries = self._entries.setdefault(rt.uow, {})
            found = {i: entries[i][1] for i in wanted if i in entries and now - entries[i][0] < self.ttl}
        missing = wanted - found.keys()
        if missing:
            loaded = load(missing)
            self._store(entries, loaded, now)
            found.update(loaded)
        return found

    def _store(self, entries: dict[str, tuple[float, V]], loaded: dict[str, V], now: float) -> None:
        with self._lock:
            if len(entries) + len(loaded) > self.max_entries:
                entries.clear()  # rare (more stores than the cap): start over rather than track recency
            entries.update((key, (now, value)) for key, value in loaded.items())

    def forget(self, rt: Runtime) -> None:
        with self._lock:
            self._entries.pop(rt.uow, None)
