"""Smoke test of bench/review_abuse.py on a tiny labelled review graph and a small injected attack."""

from __future__ import annotations

import csv
import gzip
import random
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"review_abuse: auc=([0-9.]+) baseline_auc=([0-9.]+) injected_recall=([0-9.]+)")


def write_graph(path: Path) -> None:
    """Honest regulars review many products; spam comes from one-off accounts (label -1)."""
    rng = random.Random(11)
    with gzip.open(path, "wt", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user_id", "product_id", "label"])
        for user in range(60):
            for product in rng.sample(range(20), 4):
                writer.writerow([user, product, 1])
        for user in range(60, 90):
            writer.writerow([user, rng.randrange(20), -1])


def test_bench_on_a_tiny_graph_scores_both_parts_and_ends_with_the_summary_line(tmp_path: Path) -> None:
    data = tmp_path / "graph.csv.gz"
    write_graph(data)
    done = subprocess.run([sys.executable, "bench/review_abuse.py", "--data", str(data), "--edges", "100000",
                           "--block", "100"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    found = LAST_LINE.fullmatch(lines[-1])
    assert found, lines[-1]
    assert (float(found[1]), float(found[2]), float(found[3])) == (1.0, 1.0, 1.0)
    assert lines[0] == ("data: graph.csv.gz: 270 reviews, 90 reviewers, 20 products, 30 spam (11.1%); "
                        "reviews scored")
    assert any(line.startswith("| mercato reviewer risk | 100 | 1.0000 | 1.0000 | ") for line in lines)
    assert any(line.startswith("| degree only (most active) | 100 | 0.3800 | 0.3800 | ") for line in lines)


def test_bench_skips_cleanly_when_the_data_is_absent(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "bench/review_abuse.py", "--data", str(tmp_path / "none.csv.gz")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    assert done.stdout.strip().endswith("is absent (see ../shared/datasets/README.md)")
