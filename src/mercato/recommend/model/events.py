"""Behaviour events and the weighted, time-decayed user-item matrix every model trains on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

EVENT_WEIGHTS: dict[str, float] = {"view": 1.0, "favourite": 2.0, "cart": 3.0, "buy": 4.0}
DAY = 86_400.0


@dataclass(frozen=True)
class Event:
    """One behaviour event: `at` is unix seconds, `kind` one of EVENT_WEIGHTS."""

    user: str
    item: str
    kind: str
    at: float


def event_weight(event: Event, now: float, half_life_days: float) -> float:
    """The event's type weight, halved every `half_life_days` of age (0 or less: no decay)."""
    base = EVENT_WEIGHTS[event.kind]
    if half_life_days <= 0:
        return base
    age_days = max(0.0, now - event.at) / DAY
    return float(base * 0.5 ** (age_days / half_life_days))


@dataclass(frozen=True)
class Interactions:
    """A users x items CSR matrix of summed event weights, with the ids of its rows and columns."""

    users: tuple[str, ...]
    items: tuple[str, ...]
    matrix: sparse.csr_matrix

    def item_index(self) -> dict[str, int]:
        return {item: i for i, item in enumerate(self.items)}


def build_interactions(events: Iterable[Event], now: float, half_life_days: float = 0.0) -> Interactions:
    """Sum each (user, item)'s decayed event weights; rows and columns ordered by first appearance."""
    users: dict[str, int] = {}
    items: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for event in events:
        rows.append(users.setdefault(event.user, len(users)))
        cols.append(items.setdefault(event.item, len(items)))
        values.append(event_weight(event, now, half_life_days))
    shape = (len(users), len(items))
    matrix = sparse.csr_matrix((np.asarray(values, dtype=np.float64), (rows, cols)), shape=shape)
    matrix.sum_duplicates()
    return Interactions(tuple(users), tuple(items), matrix)


def history_vector(history: Sequence[Event], index: dict[str, int], now: float, half_life_days: float) -> np.ndarray:
    """One user's history as a dense weight vector over `index`'s items (unknown items are ignored)."""
    vector = np.zeros(len(index), dtype=np.float64)
    for event in history:
        position = index.get(event.item)
        if position is not None:
            vector[position] += event_weight(event, now, half_life_days)
    return vector
