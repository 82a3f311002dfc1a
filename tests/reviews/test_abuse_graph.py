"""FRAUDAR-style dense-block peeling on plain arrays: the planted block, duplicates, order, camouflage, chance."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mercato.reviews.model.abuse_graph import column_weights, dense_blocks, null_density

BLOCK = 10


def planted(seed: int = 1, background: int = 400, rows: int = 300, cols: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """A full BLOCK x BLOCK block (rows and cols 0..9) in a sparse random background (rows and cols 10 and up)."""
    rng = np.random.default_rng(seed)
    block_rows, block_cols = np.divmod(np.arange(BLOCK * BLOCK), BLOCK)
    return (np.concatenate([block_rows, rng.integers(BLOCK, rows, background)]).astype(np.int64),
            np.concatenate([block_cols, rng.integers(BLOCK, cols, background)]).astype(np.int64))


def test_column_weights_fall_with_the_columns_degree() -> None:
    weights = column_weights(np.array([0, 1, 1, 1], dtype=np.int64), 3)
    assert [round(w, 6) for w in weights.tolist()] == [round(1 / np.log(6), 6), round(1 / np.log(8), 6),
                                                        round(1 / np.log(5), 6)]


def test_the_planted_block_is_peeled_first_and_exactly() -> None:
    rows, cols = planted()
    first = dense_blocks(rows, cols, 300, 200, blocks=2)[0]
    assert (first.rows, first.cols, first.edges) == (tuple(range(BLOCK)), tuple(range(BLOCK)), BLOCK * BLOCK)
    assert round(first.density, 6) == round(BLOCK * BLOCK / np.log(BLOCK + 5) / (2 * BLOCK), 6)
    assert round(first.lift, 4) == 3.3454  # over the whole graph's f / |V|


def test_repeated_edges_count_once_and_the_input_order_does_not_matter() -> None:
    rows, cols = planted()
    order = np.random.default_rng(9).permutation(rows.size)
    twice = dense_blocks(np.concatenate([rows, rows]), np.concatenate([cols, cols]), 300, 200)
    assert dense_blocks(rows[order], cols[order], 300, 200) == dense_blocks(rows, cols, 300, 200) == twice


def test_an_empty_graph_has_no_blocks_and_no_chance_density() -> None:
    empty = np.array([], dtype=np.int64)
    assert dense_blocks(empty, empty, 0, 0) == []
    assert null_density(empty, empty, 0, 0, seed=0) == 0.0


def test_the_planted_block_is_far_denser_than_chance_and_the_shuffle_is_seeded() -> None:
    rows, cols = planted()
    chance = null_density(rows, cols, 300, 200, seed=4)
    assert chance == null_density(rows, cols, 300, 200, seed=4)
    assert dense_blocks(rows, cols, 300, 200)[0].density / chance > 2


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, BLOCK - 1), st.integers(BLOCK, 199)), max_size=3 * BLOCK * BLOCK // 2),
       st.integers(0, 1000))
def test_camouflage_from_the_block_rows_never_hides_them(camouflage: list[tuple[int, int]], seed: int) -> None:
    rows, cols = planted(seed)
    extra = np.array(camouflage, dtype=np.int64).reshape(-1, 2)
    found = dense_blocks(np.concatenate([rows, extra[:, 0]]), np.concatenate([cols, extra[:, 1]]), 300, 200)[0]
    assert set(range(BLOCK)) <= set(found.rows)
