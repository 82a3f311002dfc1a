"""Composing a feed: blend personal scores with trending, then lay the list out with a guaranteed exposure share
for new and small independent stores ("fair" items) spread through every page, and at most K items per store
in each page.

Fair slots follow a Bresenham spread: slot i (0-based) is fair when round((i + 1) * share) > round(i * share),
with halves rounded up, so the first n slots hold round(n * share) fair slots and any page of P consecutive slots
at least floor(P * share) of them (20% of a page of 20 is slots 2, 7, 12 and 17).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FeedItem:
    """A candidate for a feed slot: its product, its store, its blended score, and whether it is a fair item."""

    item: str
    store: str
    score: float
    fair: bool = False


@dataclass(frozen=True, slots=True)
class ExposurePolicy:
    """`share` of the slots go to fair items (0 to 1); at most `per_store` items of one store in each page of
    `page_size` slots; `trending_share` of the blended score comes from trending."""

    share: float = 0.2
    per_store: int = 2
    page_size: int = 20
    trending_share: float = 0.2

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0 or not 0.0 <= self.trending_share <= 1.0:
            raise ValueError("share and trending_share must be between 0 and 1")
        if self.per_store < 1 or self.page_size < 1:
            raise ValueError("per_store and page_size must be at least 1")


def _rounded(x: float) -> int:
    return math.floor(x + 0.5)


def is_fair_slot(position: int, share: float) -> bool:
    """Whether slot `position` (0-based) is reserved for a fair item."""
    return _rounded((position + 1) * share) > _rounded(position * share)


def fair_slots(size: int, share: float) -> list[int]:
    """The reserved positions among the first `size` slots."""
    return [i for i in range(size) if is_fair_slot(i, share)]


def scaled(scores: Mapping[str, float]) -> dict[str, float]:
    """Scores divided by the largest one (positive scores only), so two sources blend on one scale."""
    peak = max((s for s in scores.values() if s > 0), default=0.0)
    return {item: s / peak for item, s in scores.items() if s > 0} if peak > 0 else {}


def blend_scores(personal: Mapping[str, float], trending: Mapping[str, float], trending_share: float
                 ) -> dict[str, float]:
    """(1 - trending_share) * personal + trending_share * trending, each scaled to a peak of 1."""
    mine, rising = scaled(personal), scaled(trending)
    blended = {item: (1.0 - trending_share) * s for item, s in mine.items()}
    for item, s in rising.items():
        blended[item] = blended.get(item, 0.0) + trending_share * s
    return blended


def ranked(scores: Mapping[str, float], exclude: Collection[str] = ()) -> list[str]:
    """Items best first (ties by id), leaving out `exclude`."""
    return sorted((i for i in scores if i not in exclude), key=lambda i: (-scores[i], i))


class _Layout:
    """The list being filled: what is placed, and how many of each store sit in the current page."""

    def __init__(self, policy: ExposurePolicy) -> None:
        self.policy = policy
        self.placed: list[FeedItem] = []
        self.used: set[str] = set()
        self.page_counts: dict[str, int] = {}

    def fits(self, candidate: FeedItem) -> bool:
        return (candidate.item not in self.used
                and self.page_counts.get(candidate.store, 0) < self.policy.per_store)

    def place(self, candidate: FeedItem) -> None:
        self.placed.append(candidate)
        self.used.add(candidate.item)
        self.page_counts[candidate.store] = self.page_counts.get(candidate.store, 0) + 1
        if len(self.placed) % self.policy.page_size == 0:
            self.page_counts = {}

    def take(self, queue: list[FeedItem]) -> FeedItem | None:
        """The best candidate of `queue` that fits this page (removed from the queue), or None."""
        for position, candidate in enumerate(queue):
            if candidate.item in self.used:
                continue
            if self.fits(candidate):
                return queue.pop(position)
        return None


def compose_feed(main: Sequence[FeedItem], fair: Sequence[FeedItem], size: int,
                 policy: ExposurePolicy = ExposurePolicy()) -> list[FeedItem]:
    """At most `size` items: fair slots take the best fitting fair item (the main list when none is left), other
    slots the best fitting main item (fair ones when the main list runs dry). Each queue keeps its order; an item
    appears once; no page holds more than `per_store` items of a store. A fair item the main list ranks high
    keeps its place in an ordinary slot: the share is a floor, not a quota."""
    layout = _Layout(policy)
    main_queue, fair_queue = list(main), [f for f in fair if f.fair]
    while len(layout.placed) < size:
        first, second = ((fair_queue, main_queue) if is_fair_slot(len(layout.placed), policy.share)
                         else (main_queue, fair_queue))
        chosen = layout.take(first) or layout.take(second)
        if chosen is None:
            break
        layout.place(chosen)
    return layout.placed


def pages(items: Sequence[FeedItem], page_size: int) -> Iterator[Sequence[FeedItem]]:
    """The feed cut into its pages."""
    for start in range(0, len(items), page_size):
        yield items[start:start + page_size]
