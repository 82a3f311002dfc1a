"""Smoke test of bench/recommend_quality.py on a tiny generated log: every model trains and the summary line ends it."""

from __future__ import annotations

import csv
import gzip
import random
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"recommend_quality: recall20=[0-9.]+ itemknn=[0-9.]+ als=[0-9.]+")
START = 1_511_539_200  # 2017-11-24 16:00 UTC; the log spans four days, the last of them is the test


def write_log(path: Path) -> None:
    rng = random.Random(5)
    kinds = ("pv", "pv", "pv", "fav", "cart", "buy")
    with gzip.open(path, "wt", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user_id", "item_id", "category_id", "behavior_type", "timestamp"])
        for user in range(40):
            for _ in range(30):
                item = rng.randrange(60) if user % 2 else 60 + rng.randrange(60)
                writer.writerow([user, item, item % 7, rng.choice(kinds), START + rng.randrange(4 * 86_400)])


def test_bench_on_a_tiny_log_ends_with_the_summary_line(tmp_path: Path) -> None:
    data = tmp_path / "log.csv.gz"
    write_log(data)
    done = subprocess.run([sys.executable, "bench/recommend_quality.py", "--data", str(data)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    assert any("excluded from every model's ranking alike" in line for line in lines)
    for name in ("mercato", "popularity", "itemknn", "als"):
        assert any(line.strip().startswith(f"{name}: recall@20=") for line in lines), name


def test_bench_skips_cleanly_when_the_data_is_absent(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "bench/recommend_quality.py", "--data", str(tmp_path / "none.csv.gz")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    assert done.stdout.strip().endswith("is absent (see ../shared/datasets/README.md)")
