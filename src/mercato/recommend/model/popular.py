"""Baselines and cold start: all-time popularity, trending (short half-life) and popularity within verticals."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import numpy as np

from mercato.recommend.model.events import Event, event_weight


def popularity(events: Iterable[Event], now: float, half_life_days: float = 0.0) -> dict[str, float]:
    """Each item's summed event weight (decayed when `half_life_days` > 0)."""
    totals: dict[str, float] = {}
    for event in events:
        totals[event.item] = totals.get(event.item, 0.0) + event_weight(event, now, half_life_days)
    return totals


def trending(events: Iterable[Event], now: float, half_life_days: float = 1.0) -> dict[str, float]:
    """Popularity with a short half-life: what is rising now."""
    return popularity(events, now, half_life_days)


def top_items(scores: Mapping[str, float], k: int, exclude: Collection[str] = ()) -> list[str]:
    """The `k` best-scored items not in `exclude`; ties broken by item id for determinism."""
    ranked = sorted((item for item in scores if item not in exclude), key=lambda item: (-scores[item], item))
    return ranked[:k]


def vertical_popular(
    scores: Mapping[str, float], verticals: Mapping[str, str], chosen: Collection[str], k: int
) -> list[str]:
    """Cold start for a new consumer: the most popular items of the verticals they picked (all, if none)."""
    wanted = set(chosen)
    pool = {item: score for item, score in scores.items() if not wanted or verticals.get(item) in wanted}
    return top_items(pool, k)


def popularity_vector(scores: Mapping[str, float], items: tuple[str, ...]) -> np.ndarray:
    """The scores laid out in `items`' order (missing items score 0)."""
    return np.asarray([scores.get(item, 0.0) for item in items], dtype=np.float64)
