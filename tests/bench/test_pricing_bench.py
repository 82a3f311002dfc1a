"""Smoke test of bench/pricing.py: its engine parts run in quick mode, end with the machine-readable line and find
the oracle's optimum on every cart they check."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(
    r"pricing: optimal=(?P<optimal>[0-9.]+) p99_ms=(?P<p99>[0-9.]+) speedup=(?P<speedup>[0-9.]+) "
    r"checkout_ratio=(?P<ratio>nan|[0-9.]+)"
)


def run_quick_engine_parts() -> list[str]:
    done = subprocess.run([sys.executable, "bench/pricing.py", "--quick", "--skip-checkout"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()


def test_quick_run_ends_with_the_summary_line_at_the_oracles_optimum() -> None:
    lines = run_quick_engine_parts()
    summary = LAST_LINE.fullmatch(lines[-1])
    assert summary is not None, lines[-1]
    assert summary["optimal"] == "1.000"
    assert summary["ratio"] == "nan"
    assert float(summary["p99"]) > 0
    assert float(summary["speedup"]) > 0
    assert "checkout: skipped (--skip-checkout)" in lines
    checked = next(line for line in lines if line.startswith("all: "))
    assert re.fullmatch(r"all: (\d+) of \1 carts at the oracle's optimum", checked), checked
