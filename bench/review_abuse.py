"""Malicious-reviewer detection: Mercato's reviewer risk on real YelpChi spam labels and on an injected dense attack.

Part 1, real labels. FILE (columns user_id,product_id,label; label -1 = filtered by Yelp as spam) is a review graph
with no text, ratings or dates, so only graph signals can fire. Each row becomes a `ReviewEdge` (the product is the
store); `score_reviewers` runs as the job runs it and every **review** is scored with its reviewer's risk score
(reviews are what the label marks; a reviewer's reviews share one score). ROC-AUC (Mann-Whitney, ties counted half)
and average precision (ties broken by file order) against the degree-only baseline in the same run: score = minus
the reviewer's number of reviews in the file (the better of the two directions on this data: one-off accounts are
the ones Yelp filters).

Part 2, injected attack. A seeded random bipartite graph of `--edges` edges with heavy tails on both sides (reviewer
activity Zipf a=2.2 capped at 500; store popularity Pareto 1.2), plus a `--block` x `--block` attack: each fraud
reviewer (new accounts) reviews each of the block's stores (picked among existing stores) with probability 0.5
(`--fill`), and writes the same number of camouflage reviews at stores picked uniformly at random (so 50% of each
fraudster's edges are camouflage: FRAUDAR's "random camouflage"); `--camouflage popular` picks them by store
popularity instead (FRAUDAR's "biased camouflage": the fraudsters look like heavy shoppers of popular stores).
The detector flags what
the engine flags (score >= its threshold, as the job does; no oracle count). Recall = block reviewers flagged /
block reviewers; precision = block reviewers among the flagged; the degree baseline flags the same number of
reviewers, the most active first. The time is the whole `score_reviewers` call on every edge (the graph stage is
also timed alone), wall clock and CPU (the machine may be shared). The last line is machine-readable:

    review_abuse: auc=<detector> baseline_auc=<degree only> injected_recall=<detector>

Usage: python bench/review_abuse.py [--data FILE] [--edges N] [--block B] [--seed S] [--camouflage random|popular]
                                   [--fill P]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata

from mercato.reviews.model.abuse import ReviewEdge, ReviewerRisk, block_reasons, counts, score_reviewers

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "fake_reviews" / "yelpchi_dev_products.csv.gz"
NOW = datetime(2026, 11, 27, tzinfo=UTC)
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def read_reviews(path: Path) -> tuple[list[ReviewEdge], BoolArray]:
    """The file's reviews as edges (product = store), and whether each is labelled spam."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="") as handle:
        rows = list(csv.DictReader(handle))
    edges = [ReviewEdge(row["user_id"], row["product_id"], row["product_id"]) for row in rows]
    return edges, np.array([row["label"].strip() == "-1" for row in rows], dtype=bool)


def roc_auc(scores: FloatArray, positive: BoolArray) -> float:
    """Mann-Whitney U over positives and negatives; tied scores count half."""
    ranks = rankdata(scores)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if not n_pos or not n_neg:
        return float("nan")
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(scores: FloatArray, positive: BoolArray) -> float:
    """Mean precision at each positive, highest score first (stable: ties in input order)."""
    order = np.argsort(-scores, kind="stable")
    hits = positive[order].astype(np.float64)
    if not hits.sum():
        return float("nan")
    precision = np.cumsum(hits) / np.arange(1, hits.size + 1)
    return float((precision * hits).sum() / hits.sum())


def labelled(path: Path) -> tuple[float, float]:
    """Part 1: the detector's and the baseline's AUC, with a table."""
    edges, spam = read_reviews(path)
    started = time.perf_counter()
    risks = score_reviewers(edges, {}, {}, NOW)
    seconds = time.perf_counter() - started
    score_of = {risk.reviewer_id: risk.score for risk in risks}
    degree = Counter(edge.reviewer_id for edge in edges)
    detector = np.array([score_of[e.reviewer_id] for e in edges])
    baseline = np.array([-float(degree[e.reviewer_id]) for e in edges])
    print(f"data: {path.name}: {len(edges)} reviews, {len(degree)} reviewers, "
          f"{len({e.store_id for e in edges})} products, {int(spam.sum())} spam ({spam.mean():.1%}); reviews scored")
    print(f"reasons fired: {dict(sorted(counts(risks).items()))}; flagged reviewers: {sum(r.flagged for r in risks)}")
    print("| model | ROC-AUC | avg precision | seconds |")
    print("|---|---|---|---|")
    print(f"| mercato reviewer risk | {roc_auc(detector, spam):.4f} | {average_precision(detector, spam):.4f} "
          f"| {seconds:.2f} |")
    print(f"| degree only (fewer reviews = riskier) | {roc_auc(baseline, spam):.4f} "
          f"| {average_precision(baseline, spam):.4f} | - |")
    return roc_auc(detector, spam), roc_auc(baseline, spam)


def background(rng: np.random.Generator, n_edges: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """A random heavy-tailed reviewer x store graph of `n_edges` distinct edges; returns rows, cols and store count.

    Reviewer activity is Zipf(2.2) capped at 500, store popularity Pareto(1.2); draws are oversampled by a fifth,
    repeated pairs dropped, and the first `n_edges` distinct pairs (by reviewer) kept.
    """
    drawn = n_edges + n_edges // 5
    activity = np.minimum(rng.zipf(2.2, size=drawn), 500)
    reviewers = int(np.searchsorted(np.cumsum(activity), drawn)) + 1
    rows = np.repeat(np.arange(reviewers), activity[:reviewers])[:drawn]
    n_stores = max(n_edges // 30, 50)
    popularity = rng.pareto(1.2, size=n_stores) + 1.0
    cols = rng.choice(n_stores, size=rows.size, p=popularity / popularity.sum())
    keys = np.unique(rows.astype(np.int64) * n_stores + cols)[:n_edges]
    return keys // n_stores, keys % n_stores, n_stores


def injected(seed: int, n_edges: int, size: int, camouflage: str = "random", fill: float = 0.5) -> float:
    """Part 2: plant the camouflaged block, run the engine, report recall, precision and time against degree."""
    rng = np.random.default_rng(seed)
    rows, cols, n_stores = background(rng, n_edges - int(2 * fill * size * size))
    first = int(rows.max()) + 1 if rows.size else 0
    targets = rng.choice(n_stores, size=size, replace=False)
    chosen = rng.random((size, size)) < fill
    fraud_rows, fraud_cols = np.nonzero(chosen)
    camouflage_rows = np.repeat(np.arange(size), chosen.sum(axis=1))
    if camouflage == "popular":
        popularity = np.bincount(cols, minlength=n_stores).astype(np.float64) + 1.0
        camouflage_cols = rng.choice(n_stores, size=camouflage_rows.size, p=popularity / popularity.sum())
    else:
        camouflage_cols = rng.integers(0, n_stores, size=camouflage_rows.size)
    all_rows = np.concatenate([rows, first + fraud_rows, first + camouflage_rows])
    all_cols = np.concatenate([cols, targets[fraud_cols], camouflage_cols])
    edges = [ReviewEdge(f"u{r}", f"s{c}", f"s{c}") for r, c in zip(all_rows.tolist(), all_cols.tolist(), strict=True)]
    fraud = {f"u{first + i}" for i in range(size)}
    print(f"injected: {len(edges)} edges ({len(set(zip(all_rows.tolist(), all_cols.tolist(), strict=True)))} "
          f"distinct), {first + size} reviewers, {n_stores} stores; block {size} x {size}, "
          f"{fraud_rows.size} block edges + {camouflage_rows.size} {camouflage} camouflage edges (seed {seed})")
    started, cpu = time.perf_counter(), time.process_time()
    risks = score_reviewers(edges, {}, {}, NOW)
    seconds = f"{time.perf_counter() - started:.1f} / {time.process_time() - cpu:.1f}"
    started, cpu = time.perf_counter(), time.process_time()
    in_blocks = block_reasons(list({(e.reviewer_id, e.store_id) for e in edges}))
    print(f"graph stage alone (3 peels + the chance peel): {time.perf_counter() - started:.1f} s wall / "
          f"{time.process_time() - cpu:.1f} s CPU, {len(in_blocks)} reviewers in qualifying blocks")
    return report_injected(risks, edges, fraud, seconds)


def report_injected(risks: list[ReviewerRisk], edges: Sequence[ReviewEdge], fraud: set[str], seconds: str) -> float:
    flagged = {risk.reviewer_id for risk in risks if risk.flagged}
    degree = Counter(edge.reviewer_id for edge in edges)
    by_degree = {r for r, _ in sorted(degree.items(), key=lambda item: (-item[1], item[0]))[:len(flagged)]}
    print("| model | flagged | recall | precision | seconds (wall / CPU) |\n|---|---|---|---|---|")
    for name, chosen, took in (("mercato reviewer risk", flagged, seconds),
                               ("degree only (most active)", by_degree, "-")):
        hit = len(chosen & fraud)
        precision = hit / len(chosen) if chosen else 0.0
        print(f"| {name} | {len(chosen)} | {hit / len(fraud):.4f} | {precision:.4f} | {took} |")
    return len(flagged & fraud) / len(fraud)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--edges", type=int, default=1_000_000, help="edges of the injected-attack graph")
    parser.add_argument("--block", type=int, default=200, help="fraud reviewers and target stores in the block")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--camouflage", choices=("random", "popular"), default="random")
    parser.add_argument("--fill", type=float, default=0.5, help="chance a fraudster reviews each target store")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"review_abuse: skipped, {args.data} is absent (see ../shared/datasets/README.md)")
        return 0
    auc, baseline_auc = labelled(args.data)
    recall = injected(args.seed, args.edges, args.block, args.camouflage, args.fill)
    print(f"review_abuse: auc={auc:.4f} baseline_auc={baseline_auc:.4f} injected_recall={recall:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
