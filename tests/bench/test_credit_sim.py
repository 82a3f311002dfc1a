"""Smoke test of bench/credit_sim.py at a tiny size: it simulates, decides through the real score and terms, tunes
the naive rule, measures the decision on SQLite and ends with the summary line; and the simulation keeps its
promises (deterministic, abusers active shoppers, facts dated before the decision)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from mercato.credit.model import CreditFacts, QuickRefundTerms

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"credit_sim: precision_ratio=[0-9.]+ abuser_share=[0-9.]+ p99_ms=[0-9.]+")


def load_bench() -> ModuleType:
    if str(ROOT / "bench") not in sys.path:
        sys.path.append(str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("bench_credit_sim", ROOT / "bench" / "credit_sim.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_bench_at_a_tiny_size_ends_with_the_summary_line() -> None:
    done = subprocess.run([sys.executable, "bench/credit_sim.py", "--consumers", "800", "--lookups", "100",
                           "--no-postgres"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    assert lines[0].startswith("simulated 800 consumers")
    assert any(line.startswith("| credit tier |") for line in lines)
    assert any(line.startswith("| naive (age >= ") for line in lines)
    assert any(line.startswith("| sqlite |") for line in lines)


def test_the_simulation_is_deterministic_and_its_abusers_shop_more() -> None:
    bench = load_bench()
    first, second = bench.simulate(400, 11), bench.simulate(400, 11)
    assert [(c.kind, c.joined, len(c.facts)) for c in first] == [(c.kind, c.joined, len(c.facts)) for c in second]
    people = bench.simulate(3000, 5)
    abusers = [c for c in people if c.abuser]
    honest = [c for c in people if not c.abuser]
    assert 0.04 < len(abusers) / len(people) < 0.08

    def orders(group: list[ModuleType]) -> float:
        return sum(sum(1 for f in c.facts if f[1] == "completed") for c in group) / len(group)
    assert orders(abusers) > orders(honest)


def test_the_facts_of_a_decision_are_only_what_was_known_before_it() -> None:
    bench = load_bench()
    c = bench.Consumer(1, "honest", -1000.0, facts=[(-10.0, "completed", 5_000), (-10.0, "paid", 1),
                                                    (3.0, "dispute_lost", 1), (5.0, "completed", 7_000)])
    facts = bench.facts_at(c, 4.0, 0)
    assert (facts.completed_orders_12m, facts.spend_12m, facts.disputes_lost, facts.account_age_days) == (
        1, 5_000, 1, 1004)
    assert bench.facts_at(c, 3.0, 0).disputes_lost == 0
    later = bench.facts_at(c, 360.0, 0)  # the first order left the 12-month window; the dispute stays two years
    assert (later.completed_orders_12m, later.spend_12m, later.disputes_lost) == (1, 7_000, 1)


def test_the_simulation_decides_by_the_products_rule_thin_recent_histories_included() -> None:
    bench = load_bench()
    c = bench.Consumer(1, "serial", -2000.0)
    thin = CreditFacts(account_age_days=2_000, completed_orders_12m=4, spend_12m=60_000, largest_order_12m=20_000,
                       orders_paid=4)
    steady = CreditFacts(account_age_days=2_000, completed_orders_12m=12, spend_12m=180_000,
                         largest_order_12m=30_000, orders_paid=12)
    assert bench.credit_rule(c, 10.0, thin) == QuickRefundTerms("good", 20_000, 20_000)
    assert bench.credit_rule(c, 10.0, steady) == QuickRefundTerms("good", 50_000, 100_000)
    assert bench.credit_rule(c, 10.0, CreditFacts()) is None
