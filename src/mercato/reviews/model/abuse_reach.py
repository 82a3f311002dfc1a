"""How well corroborated each store's reviews are: its established reviewers and its share of one-off accounts.

A throwaway account's review weighs most where nobody with a history speaks. Two graph facts, computable from the
reviewer x store pairs alone (no labels, no text, ratings or dates), say how much a store's reviews are corroborated:

- its **established** reviewers, those who reviewed at least `ESTABLISHED_MIN_STORES` (2) distinct stores. Counting
  only these, not every reviewer, is what resists inflation: an attacker who floods a target with one-off accounts
  raises its raw reviewer count but not its established count (FRAUDAR's argument for weighting by degree, applied
  to the store side: reach bought with throwaway accounts does not count as reach);
- its **newcomer share**, the share of its reviewers who reviewed no other store: the behavioural prior of SpEagle
  (Rayana and Akoglu 2015), that targeted products get an unusual share of their reviews from accounts with no other
  activity.

`corroboration_gap` turns both into a strength in [0, 1] for one store as seen by one reviewer: FRAUDAR's column
weight 1 / log(n + c) over the established reviewers other than that one (n counts the reviewer itself, so a store
nobody else reviewed gives exactly 1), scaled by (1 + the newcomer share among the other reviewers) / 2, so a store
whose other reviewers are all one-off accounts keeps the whole weight and one whose others all have a history keeps
half. The halves are a fixed, reasoned split (neither fact is trusted over the other), not fitted on labels;
bench/README.md reports the sweep (1/4 and 3/4 measure the same) and every other variant tried.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from mercato.reviews.model.abuse_graph import COLUMN_SMOOTHING, IntArray

ESTABLISHED_MIN_STORES = 2
"""A reviewer with reviews at this many distinct stores (or more) has a history: an established reviewer."""

_LONE_STORE = math.log(1 + COLUMN_SMOOTHING)


@dataclass(frozen=True)
class StoreReach:
    """A store's distinct reviewers and, among them, the established ones."""

    reviewers: int
    established: int

    @property
    def newcomer_share(self) -> float:
        """The share of the store's reviewers who reviewed no other store."""
        return (self.reviewers - self.established) / self.reviewers if self.reviewers else 1.0


@dataclass(frozen=True)
class PairIndex:
    """Distinct (reviewer_id, store_id) pairs as integer arrays: pair k is reviewers[rows[k]] x stores[cols[k]]."""

    reviewers: list[str]
    stores: list[str]
    rows: IntArray
    cols: IntArray


def index_pairs(pairs: Sequence[tuple[str, str]]) -> PairIndex:
    """Number the reviewers and the stores of distinct pairs in sorted id order (so the index ignores input order)."""
    reviewers = sorted({r for r, _ in pairs})
    stores = sorted({s for _, s in pairs})
    row_of = {r: i for i, r in enumerate(reviewers)}
    col_of = {s: i for i, s in enumerate(stores)}
    rows = np.fromiter((row_of[r] for r, _ in pairs), dtype=np.int64, count=len(pairs))
    cols = np.fromiter((col_of[s] for _, s in pairs), dtype=np.int64, count=len(pairs))
    return PairIndex(reviewers, stores, rows, cols)


def reach_of(index: PairIndex, min_stores: int = ESTABLISHED_MIN_STORES) -> dict[str, StoreReach]:
    """Each store's `StoreReach` from an index of distinct pairs (vectorised: a million pairs take milliseconds)."""
    stores_of = np.bincount(index.rows, minlength=len(index.reviewers))
    reviewers = np.bincount(index.cols, minlength=len(index.stores)).tolist()
    established = np.bincount(index.cols, weights=stores_of[index.rows] >= min_stores,
                              minlength=len(index.stores)).astype(np.int64).tolist()
    return {store: StoreReach(n, e) for store, n, e in zip(index.stores, reviewers, established, strict=True)}


def store_reach(pairs: Iterable[tuple[str, str]],
                min_stores: int = ESTABLISHED_MIN_STORES) -> dict[str, StoreReach]:
    """Each store's `StoreReach` from (reviewer_id, store_id) pairs; repeated pairs count once."""
    return reach_of(index_pairs(list(set(pairs))), min_stores)


def corroboration_gap(reach: StoreReach, reviewer_established: bool) -> float:
    """How little a store's reviews are corroborated for one of its reviewers, in [0, 1] (see the module doc).

    Both facts are about the *other* reviewers: the reviewer does not corroborate itself, and a store nobody else
    reviewed gives exactly 1.
    """
    others = max(reach.reviewers - 1, 0)
    established = min(max(reach.established - int(reviewer_established), 0), others)
    newcomers = (others - established) / others if others else 1.0
    column = _LONE_STORE / math.log(established + 1 + COLUMN_SMOOTHING)
    return min(column * (1.0 + newcomers) / 2.0, 1.0)
