"""Serving-time scoring over a trained FeedModel that touches only the rows of a user's history.

`FeedModel.score_vector` multiplies whole matrices (every co-visitation entry, the whole EASE block): fine for a
benchmark, too slow per page view with 100k items. These give the same scores from the history's rows alone,
then keep the top candidates with a partial sort.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from mercato.recommend.model.events import Event, event_weight
from mercato.recommend.model.feed import FeedModel


def history_weights(model: FeedModel, history: Sequence[Event]) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the history's known items and their summed decayed weights."""
    weights: dict[int, float] = {}
    for event in history:
        position = model.index.get(event.item)
        if position is not None:
            weights[position] = weights.get(position, 0.0) + event_weight(event, model.now,
                                                                            model.config.half_life_days)
    positions = np.fromiter(weights.keys(), dtype=np.int64, count=len(weights))
    return positions, np.fromiter(weights.values(), dtype=np.float64, count=len(weights))


def _peak_scaled(scores: np.ndarray) -> np.ndarray:
    peak = float(scores.max()) if scores.size else 0.0
    return scores / peak if peak > 0 else np.zeros_like(scores)


def _covisit_part(model: FeedModel, positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    rows = model.covisit.similarity[positions]
    return np.asarray(rows.T @ weights).ravel()


def _ease_part(model: FeedModel, positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    full = np.zeros(len(model.items), dtype=np.float64)
    columns = model.ease.columns
    if columns.size == 0:
        return full
    inside = np.searchsorted(columns, positions)
    known = (inside < columns.size) & (columns[np.minimum(inside, columns.size - 1)] == positions)
    if known.any():
        full[columns] = weights[known] @ model.ease.weights[inside[known]]
    return full


def prior_scaled(model: FeedModel) -> np.ndarray:
    """The model's popularity prior scaled to a peak of 1 (cheap: one pass)."""
    return _peak_scaled(model.prior)


def personal_vector(model: FeedModel, history: Sequence[Event]) -> np.ndarray:
    """Equal to `model.score_vector(history)`, computed from the history's rows only."""
    positions, weights = history_weights(model, history)
    config = model.config
    total = config.popularity_share * prior_scaled(model)
    if positions.size:
        total = total + config.covisit_share * _peak_scaled(_covisit_part(model, positions, weights))
        total = total + config.ease_share * _peak_scaled(_ease_part(model, positions, weights))
    return total


def top_scored(model: FeedModel, scores: np.ndarray, k: int, exclude: Collection[str] = ()) -> dict[str, float]:
    """The k best positive-scored items not in `exclude`, as {item: score}."""
    masked = scores.copy()
    gone = [model.index[i] for i in exclude if i in model.index]
    masked[gone] = -np.inf
    take = min(k, masked.size)
    if take <= 0:
        return {}
    best = np.argpartition(-masked, take - 1)[:take]
    return {model.items[int(i)]: float(masked[i]) for i in best if np.isfinite(masked[i]) and masked[i] > 0}


def personal_top(model: FeedModel, history: Sequence[Event], k: int, exclude: Collection[str] = ()
                 ) -> dict[str, float]:
    """A user's k best items by the blended model score, leaving out `exclude`."""
    return top_scored(model, personal_vector(model, history), k, exclude)


def popular_top(model: FeedModel, k: int, exclude: Collection[str] = ()) -> dict[str, float]:
    """The k most popular items of the model (its decayed popularity prior)."""
    return top_scored(model, model.prior, k, exclude)


def neighbours(model: FeedModel, item: str, k: int) -> dict[str, float]:
    """The item's k nearest items: its co-visitation row plus its EASE row, each scaled to a peak of 1."""
    position = model.index.get(item)
    if position is None:
        return {}
    positions, weights = np.asarray([position]), np.asarray([1.0])
    scores = _peak_scaled(_covisit_part(model, positions, weights)) + _peak_scaled(
        _ease_part(model, positions, weights))
    return top_scored(model, scores, k, exclude=(item,))
