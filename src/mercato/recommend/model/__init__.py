"""Pure recommendation models: co-visitation, EASE, popularity, trending and cold start, blended into a feed.

numpy and scipy only; no database or web. `train_feed(events, now)` then `FeedModel.score_user(history, k)`.
"""

from __future__ import annotations

from mercato.recommend.model.covisit import CoVisitation, covisit_counts, normalise_rows, train_covisitation
from mercato.recommend.model.ease import Ease, ease_weights, train_ease
from mercato.recommend.model.events import EVENT_WEIGHTS, Event, Interactions, build_interactions, event_weight
from mercato.recommend.model.feed import FeedConfig, FeedModel, train_feed
from mercato.recommend.model.popular import popularity, top_items, trending, vertical_popular

__all__ = [
    "EVENT_WEIGHTS",
    "CoVisitation",
    "Ease",
    "Event",
    "FeedConfig",
    "FeedModel",
    "Interactions",
    "build_interactions",
    "covisit_counts",
    "ease_weights",
    "event_weight",
    "normalise_rows",
    "popularity",
    "top_items",
    "train_covisitation",
    "train_ease",
    "train_feed",
    "trending",
    "vertical_popular",
]
