"""Shops you may like: stores scored by the consumer's item scores, minus the ones they already buy from often,
laid out with the same guaranteed share for independent stores as the home feed (see `exposure`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from mercato.recommend.model.exposure import ExposurePolicy, FeedItem, compose_feed

BOUGHT_OFTEN = 3  # purchases from one store after which it is no discovery any more


def store_scores(item_scores: Mapping[str, float], item_store: Mapping[str, str]) -> dict[str, float]:
    """Each store's summed score over the scored items it sells (items of unknown stores are ignored)."""
    totals: dict[str, float] = {}
    for item, score in item_scores.items():
        store = item_store.get(item)
        if store is not None and score > 0:
            totals[store] = totals.get(store, 0.0) + score
    return totals


def bought_often(purchases: Mapping[str, int], threshold: int = BOUGHT_OFTEN) -> set[str]:
    """Stores with at least `threshold` purchases."""
    return {store for store, count in purchases.items() if count >= threshold}


def rank_shops(scores: Mapping[str, float], independents: Collection[str], size: int,
               exclude: Collection[str] = (), share: float = 0.3) -> list[str]:
    """At most `size` stores best first, leaving out `exclude`, with at least round(share * n) independent
    stores among the first n when there are enough of them."""
    ordered = sorted((s for s in scores if s not in exclude), key=lambda s: (-scores[s], s))
    main = [FeedItem(s, s, scores[s], s in independents) for s in ordered]
    policy = ExposurePolicy(share=share, per_store=1, page_size=max(size, 1))
    return [f.item for f in compose_feed(main, [f for f in main if f.fair], size, policy)]
