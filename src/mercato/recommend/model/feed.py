"""The feed model: co-visitation and EASE blended with a little popularity; `score_user` returns top-k item ids."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mercato.recommend.model.covisit import CoVisitation, train_covisitation
from mercato.recommend.model.ease import MAX_EASE_ITEMS, Ease, train_ease
from mercato.recommend.model.events import Event, build_interactions, history_vector
from mercato.recommend.model.popular import popularity, popularity_vector


@dataclass(frozen=True)
class FeedConfig:
    """Training and blending knobs; the defaults are the ones bench/recommend_quality.py measured best."""

    half_life_days: float = 14.0
    ease_l2: float = 200.0
    ease_min_users: int = 2
    ease_max_items: int = MAX_EASE_ITEMS
    covisit_share: float = 0.5
    ease_share: float = 0.5
    popularity_share: float = 0.05


@dataclass(frozen=True)
class FeedModel:
    """A trained feed: item ids, the two similarity models and the popularity prior, as of `now`."""

    items: tuple[str, ...]
    index: dict[str, int]
    covisit: CoVisitation
    ease: Ease
    prior: np.ndarray
    now: float
    config: FeedConfig

    def score_vector(self, history: Sequence[Event]) -> np.ndarray:
        """The blended score of every item for a user with `history`."""
        vector = history_vector(history, self.index, self.now, self.config.half_life_days)
        parts = (
            (self.config.covisit_share, self.covisit.scores(vector)),
            (self.config.ease_share, self.ease.scores(vector)),
            (self.config.popularity_share, self.prior),
        )
        return sum((share * scaled(part) for share, part in parts), np.zeros(len(self.items)))

    def score_user(self, history: Sequence[Event], k: int, exclude_seen: bool = True) -> list[str]:
        """The user's top-k item ids, best first; seen items left out when `exclude_seen`."""
        scores = self.score_vector(history)
        if exclude_seen:
            seen = [self.index[e.item] for e in history if e.item in self.index]
            scores[seen] = -np.inf
        return [self.items[i] for i in top_positions(scores, k)]


def scaled(scores: np.ndarray) -> np.ndarray:
    """Scores divided by their largest positive value, so components blend on one scale."""
    peak = float(scores.max()) if scores.size else 0.0
    return scores / peak if peak > 0 else np.zeros_like(scores)


def top_positions(scores: np.ndarray, k: int) -> list[int]:
    """Positions of the k highest finite scores; ties go to the lower position."""
    order = np.lexsort((np.arange(scores.size), -scores))
    return [int(i) for i in order[:k] if np.isfinite(scores[i])]


def train_feed(events: Sequence[Event], now: float, config: FeedConfig | None = None) -> FeedModel:
    """Train co-visitation, EASE and the popularity prior on `events` as of `now`."""
    config = config or FeedConfig()
    interactions = build_interactions(events, now, config.half_life_days)
    prior = popularity_vector(popularity(events, now, config.half_life_days), interactions.items)
    return FeedModel(
        items=interactions.items,
        index=interactions.item_index(),
        covisit=train_covisitation(interactions),
        ease=train_ease(interactions.matrix, config.ease_l2, config.ease_min_users, config.ease_max_items),
        prior=prior,
        now=now,
        config=config,
    )
