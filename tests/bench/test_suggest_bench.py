"""Smoke test of bench/suggest.py at a tiny size: it logs the queries, indexes the goods, answers every probe on
SQLite and ends with its summary line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"suggest: p95_ms=[0-9.]+ aim_ms=10")
ROW = re.compile(r"\| sqlite \| [0-9,]+ \| [0-9,]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| ([0-9]+) % \| 10 ms \|")
CHINESE = ["运动鞋", "运动鞋女", "连衣裙", "蓝牙耳机", "双肩包", "牛肉干"]


def run_bench(zh: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "bench/suggest.py", "--logged", "200", "--products", "500", "--probes", "60",
                           "--warmup", "5", "--database", "sqlite", "--zh-queries", str(zh)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def test_bench_on_a_small_log_answers_the_probes_and_ends_with_the_summary_line(tmp_path: Path) -> None:
    queries = tmp_path / "zh.tsv"
    queries.write_text("".join(f"{i}\t{q}\n" for i, q in enumerate(CHINESE)), encoding="utf-8")
    done = run_bench(queries)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    assert lines[0] == "log: 200 distinct queries; products: 500; probes: 60"
    rows = [int(m[1]) for line in lines if (m := ROW.fullmatch(line))]
    assert len(rows) == 1 and rows[0] >= 90, lines  # every probe is a prefix of a logged query


def test_bench_skips_cleanly_when_the_chinese_queries_are_absent(tmp_path: Path) -> None:
    done = run_bench(tmp_path / "none.tsv")
    assert done.returncode == 0
    assert done.stdout.strip().startswith("suggest: skipped,")
