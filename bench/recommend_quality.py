"""Offline quality of Mercato's feed model on a real Taobao behaviour log, against popularity, item-kNN and ALS.

Time split: the last calendar day (UTC+8) is the test, everything before is training. Full ranking over every item
seen in training; items a user already touched in training are excluded from every model's ranking alike, and the
targets are the user's test-day items not touched in training. Only users with such targets and a training history
count. Prints Recall@20, NDCG@20 and training time per model. The last line is machine-readable:

    recommend_quality: recall20=<feed> itemknn=<item-kNN> als=<ALS>

Usage: python bench/recommend_quality.py [--data FILE]  (columns user_id,item_id,category_id,behavior_type,timestamp)
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from scipy import sparse

from mercato.recommend.model import Event, FeedModel, build_interactions, train_feed
from mercato.recommend.model.feed import top_positions

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "taobao_userbehavior" / "UserBehavior_dev_users.csv.gz"
KINDS = {"pv": "view", "fav": "favourite", "cart": "cart", "buy": "buy"}
K = 20
CHINA = 8 * 3600


@dataclass(frozen=True)
class Split:
    train: list[Event]
    test: dict[str, set[str]]
    now: float


def read_events(path: Path) -> list[Event]:
    """The log's events, in file order."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="") as handle:
        return [Event(row["user_id"], row["item_id"], KINDS[row["behavior_type"]], float(row["timestamp"]))
                for row in csv.DictReader(handle)]


def split_last_day(events: list[Event]) -> Split:
    """Train before the last day's midnight (UTC+8); the test is each user's unseen items on the last day."""
    last = max(e.at for e in events)
    cut = (last + CHINA) // 86_400 * 86_400 - CHINA
    train = [e for e in events if e.at < cut]
    seen = {(e.user, e.item) for e in train}
    users = {e.user for e in train}
    test: dict[str, set[str]] = {}
    for e in events:
        if e.at >= cut and e.user in users and (e.user, e.item) not in seen:
            test.setdefault(e.user, set()).add(e.item)
    return Split(train, test, cut)


def metrics(ranked: list[str], truth: set[str]) -> tuple[float, float]:
    """Recall@K (hits over the number of targets) and NDCG@K with binary gains."""
    hits = [1.0 if item in truth else 0.0 for item in ranked[:K]]
    dcg = sum(h / np.log2(i + 2) for i, h in enumerate(hits))
    ideal = sum(1.0 / np.log2(i + 2) for i in range(min(K, len(truth))))
    return sum(hits) / len(truth), dcg / ideal


Ranker = Callable[[str], list[str]]


def evaluate(ranker: Ranker, test: dict[str, set[str]]) -> tuple[float, float, int]:
    """Mean Recall@K and NDCG@K over the test users, and the number of hits behind them."""
    ranked = {user: ranker(user)[:K] for user in sorted(test)}
    scores = [metrics(ranked[user], test[user]) for user in ranked]
    hits = sum(len(set(ranked[user]) & test[user]) for user in ranked)
    return float(np.mean([s[0] for s in scores])), float(np.mean([s[1] for s in scores])), hits


def matrix_ranker(matrix: sparse.csr_matrix, users: Sequence[str], items: Sequence[str],
                  score: Callable[[int], np.ndarray]) -> Ranker:
    """Rank by `score(row)` over all items, the row's training items excluded."""
    row_of = {user: i for i, user in enumerate(users)}

    def rank(user: str) -> list[str]:
        row = row_of[user]
        scores = np.asarray(score(row), dtype=np.float64).copy()
        scores[matrix.indices[matrix.indptr[row]:matrix.indptr[row + 1]]] = -np.inf
        return [items[i] for i in top_positions(scores, K)]
    return rank


def binary(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    ones = matrix.copy()
    ones.data = np.ones_like(ones.data)
    return ones


def train_popularity(matrix: sparse.csr_matrix) -> Callable[[int], np.ndarray]:
    """Items by how many users touched them."""
    counts = np.asarray(binary(matrix).sum(axis=0)).ravel()
    return lambda row: counts


def train_itemknn(matrix: sparse.csr_matrix) -> Callable[[int], np.ndarray]:
    """Item-kNN: cosine similarity of the binary user-item matrix's columns, all neighbours."""
    ones = binary(matrix).astype(np.float64)
    norms = np.sqrt(np.asarray(ones.power(2).sum(axis=0)).ravel())
    inverse = sparse.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0))
    similarity = sparse.csr_matrix(inverse @ (ones.T @ ones) @ inverse)
    similarity.setdiag(0.0)
    return lambda row: np.asarray((ones.getrow(row) @ similarity).todense()).ravel()


def train_als(matrix: sparse.csr_matrix) -> Callable[[int], np.ndarray]:
    """implicit's ALS on the event-weighted matrix (64 factors, 15 iterations, seed 42)."""
    from implicit.cpu.als import AlternatingLeastSquares

    model = AlternatingLeastSquares(factors=64, regularization=0.05, alpha=2.0, iterations=15, random_state=42)
    model.fit(matrix.astype(np.float32), show_progress=False)
    users, items = np.asarray(model.user_factors), np.asarray(model.item_factors)
    return lambda row: items @ users[row]


def train_mercato(split: Split) -> Ranker:
    """Mercato's feed model, trained on the training events as of the split."""
    model: FeedModel = train_feed(split.train, split.now)
    histories: dict[str, list[Event]] = {}
    for event in split.train:
        histories.setdefault(event.user, []).append(event)
    return lambda user: model.score_user(histories[user], K, exclude_seen=True)


def timed(build: Callable[[], Ranker]) -> tuple[Ranker, float]:
    started = time.perf_counter()
    ranker = build()
    return ranker, time.perf_counter() - started


def run(path: Path) -> dict[str, float]:
    split = split_last_day(read_events(path))
    interactions = build_interactions(split.train, split.now)
    matrix, users, items = interactions.matrix, interactions.users, interactions.items
    print(f"data: {path.name}: {len(split.train)} training events, {len(users)} users, {len(items)} items; "
          f"{len(split.test)} users with unseen test-day items ({sum(map(len, split.test.values()))} targets)")
    print(f"full ranking over all {len(items)} training items; each user's training items are excluded "
          f"from every model's ranking alike")
    builders: dict[str, Callable[[], Ranker]] = {
        "mercato": lambda: train_mercato(split),
        "popularity": lambda: matrix_ranker(matrix, users, items, train_popularity(matrix)),
        "itemknn": lambda: matrix_ranker(matrix, users, items, train_itemknn(matrix)),
        "als": lambda: matrix_ranker(matrix, users, items, train_als(matrix)),
    }
    recalls: dict[str, float] = {}
    for name, build in builders.items():
        ranker, seconds = timed(build)
        recall, ndcg, hits = evaluate(ranker, split.test)
        recalls[name] = recall
        print(f"{name:>10}: recall@{K}={recall:.4f} ndcg@{K}={ndcg:.4f} hits={hits} train_s={seconds:.2f}")
    return recalls


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"recommend_quality: skipped, {args.data} is absent (see ../shared/datasets/README.md)")
        return 0
    recalls = run(args.data)
    for name in ("itemknn", "als"):
        ratio = recalls["mercato"] / recalls[name] if recalls[name] else float("inf")
        print(f"ratio to {name}: {ratio:.2f}")
    print(f"recommend_quality: recall20={recalls['mercato']:.4f} itemknn={recalls['itemknn']:.4f} "
          f"als={recalls['als']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
