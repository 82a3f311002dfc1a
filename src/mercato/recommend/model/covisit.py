"""Item-to-item co-visitation: items the same users touched, weighted by event type and age, row-normalised."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from mercato.recommend.model.events import Interactions


def covisit_counts(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Raw co-visitation: C[i, j] = sum over users of w(u, i) * w(u, j), i != j."""
    counts = sparse.csr_matrix(matrix.T @ matrix)
    counts.setdiag(0.0)
    counts.eliminate_zeros()
    return counts


def normalise_rows(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Each item's row divided by its total, so every item spreads a score of 1 over its neighbours."""
    totals = np.asarray(counts.sum(axis=1)).ravel()
    scale = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
    return sparse.csr_matrix(sparse.diags(scale) @ counts)


@dataclass(frozen=True)
class CoVisitation:
    """Normalised co-visitation over `interactions`' items."""

    items: tuple[str, ...]
    similarity: sparse.csr_matrix

    def scores(self, vector: np.ndarray) -> np.ndarray:
        """Scores of every item for a user whose history is `vector` (same item order)."""
        return np.asarray(self.similarity.T @ vector).ravel()

    def similar(self, item_position: int) -> np.ndarray:
        """The item's neighbour scores, one per item."""
        return np.asarray(self.similarity.getrow(item_position).todense()).ravel()


def train_covisitation(interactions: Interactions) -> CoVisitation:
    """Co-visitation counts of the weighted matrix, row-normalised."""
    return CoVisitation(interactions.items, normalise_rows(covisit_counts(interactions.matrix)))
