"""Smoke test of bench/recommend.py at a tiny size: it loads, trains from the database, scores feeds and ends with the
summary line; and the generator's log has the promised shape."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"recommend: train_s=[0-9.]+ feed_p95_ms=[0-9.]+")


def load_bench() -> ModuleType:
    """bench/recommend.py by path: the name `recommend` is taken by the tests/recommend package. Its sibling
    helpers (`_schemas`) import as they do when the script runs."""
    if str(ROOT / "bench") not in sys.path:
        sys.path.append(str(ROOT / "bench"))  # last, so bench/recommend.py never shadows a package
    spec = importlib.util.spec_from_file_location("bench_recommend", ROOT / "bench" / "recommend.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


def test_bench_at_a_tiny_size_ends_with_the_summary_line() -> None:
    done = subprocess.run([sys.executable, "bench/recommend.py", "--events", "3000", "--feed-users", "30",
                           "--ease-max-items", "200", "--no-postgres"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    assert lines[0].startswith("generated 3,000 events")
    assert any(line.startswith("| sqlite |") for line in lines)


def test_the_generated_log_is_in_time_order_with_every_kind_and_a_long_tail() -> None:
    bench = load_bench()
    log = bench.generate(20_000, seed=3, now=1_800_000_000.0)
    assert len(log) == 20_000
    assert bool(np.all(np.diff(log.at) >= 0))
    assert float(log.at.max()) < 1_800_000_000.0
    assert float(log.at.min()) > 1_800_000_000.0 - (bench.DAYS + 1) * 86_400
    assert set(np.unique(log.kinds).tolist()) == set(range(len(bench.KINDS)))
    assert float(np.mean(log.kinds == 0)) > 0.8  # views dominate
    per_user = np.bincount(log.users)
    per_user = per_user[per_user > 0]
    assert per_user.max() > 10 * np.median(per_user)  # a few heavy users, many light ones
