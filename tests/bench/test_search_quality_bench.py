"""Smoke test of bench/search_quality.py on a tiny judged file: Mercato and bm25s both rank it and the summary line
ends the output."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"search_quality: ndcg10=[0-9.]+ bm25s=[0-9.]+ ratio=[0-9.]+")
PAIRS = [
    ("angle bracket", "Simpson Strong-Tie 12-Gauge Angle", 3.0),
    ("angle bracket", "Steel Corner Bracket 4 in.", 2.33),
    ("deck over", "BEHR Premium Textured DeckOver 1-gal. Wood and Concrete Coating", 3.0),
    ("shower only faucet", "Delta Vero 1-Handle Shower Only Faucet Trim Kit in Chrome", 2.67),
    ("shower only faucet", "Kohler Bathroom Sink Faucet in Chrome", 1.33),
    ("emergency light", "Lithonia Lighting Quantum 2-Light Black LED Emergency Fixture Unit", 2.67),
    ("emergency light", "Ceiling Light Fixture in White", 1.67),
]


def write_pairs(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "product_uid", "product_title", "search_term", "relevance", "split"])
        for number, (query, title, label) in enumerate(PAIRS):
            writer.writerow([number, 100_000 + number, title, query, label, "dev"])


def test_bench_on_a_tiny_file_ranks_with_both_engines_and_ends_with_the_summary_line(tmp_path: Path) -> None:
    data = tmp_path / "pairs.csv"
    write_pairs(data)
    done = subprocess.run([sys.executable, "bench/search_quality.py", "--data", str(data)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    assert lines[0] == "data: pairs.csv: 4 queries, 7 distinct titles, 7 judgements"
    assert any(line.startswith("| mercato (SQLite FTS5) | ") for line in lines)
    assert any(line.startswith("| bm25s | ") for line in lines)


def test_bench_skips_cleanly_when_the_data_is_absent(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "bench/search_quality.py", "--data", str(tmp_path / "none.csv.gz")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    assert done.stdout.strip().endswith("is absent (see ../shared/datasets/README.md)")
