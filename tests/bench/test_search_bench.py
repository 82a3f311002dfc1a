"""Smoke test of bench/search.py at a tiny size: Mercato (SQLite) and bm25s both index the generated products, both
answer the queries, and the summary line ends the output."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"search: qps_ratio=[0-9.]+ p95_ms=[0-9.]+ build_ratio=[0-9.]+")
# (engine, c, found %): the table rows the script prints per engine and concurrency
ROW = re.compile(r"\| (mercato sqlite|bm25s) \| [0-9,]+ \| ([18]) \| [0-9,.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| "
                 r"([0-9]+) % \|")
CHINESE = ["运动鞋", "连衣裙", "蓝牙耳机", "双肩包", "牛肉干", "不存在的东西"]


def run_bench(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "bench/search.py", "--products", "2000", "--queries", "12",
                           "--warmup", "4", "--database", "sqlite", *extra], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)


def test_bench_at_2000_products_measures_both_engines_and_ends_with_the_summary_line(tmp_path: Path) -> None:
    queries = tmp_path / "zh.tsv"
    queries.write_text("".join(f"{200_000 + i}\t{q}\n" for i, q in enumerate(CHINESE)), encoding="utf-8")
    done = run_bench(tmp_path, "--zh-queries", str(queries))
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    assert any(line.startswith("corpus: 2,000 products (") and "queries: 6 Chinese (Multi-CPR dev), 6 English" in line
               for line in lines)
    rows = {(m[1], m[2]): int(m[3]) for line in lines if (m := ROW.fullmatch(line))}
    assert set(rows) == {("mercato sqlite", "1"), ("mercato sqlite", "8"), ("bm25s", "1"), ("bm25s", "8")}
    assert all(found > 0 for found in rows.values()), rows


def test_bench_skips_cleanly_when_the_chinese_queries_are_absent(tmp_path: Path) -> None:
    done = run_bench(tmp_path, "--zh-queries", str(tmp_path / "none.tsv"))
    assert done.returncode == 0
    assert done.stdout.strip().endswith("none.tsv is absent (see ../shared/datasets/README.md)")
