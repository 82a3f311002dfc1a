"""The promotion engine against its goals: time per cart at three sizes, the share of carts where it finds the
brute-force oracle's optimum, its speed-up over that oracle at 10 coupons and vouchers held, and the checkout's
throughput over HTTP with promotions against the same checkout without them.

1. `price_cart` on seeded random carts (bench/_pricing_carts.py): 5 lines from 2 stores meeting 5 candidate
   promotions, coupons and vouchers; 20 / 5 / 15; 50 / 10 / 40. p50 and p99 per cart (goal: p99 <= 5 ms, middle).
2. Every cart small enough for the oracle (tests/pricing/oracle.py, every combination of every choice): the engine's
   payable against the oracle's lowest total (must be all of them).
3. Carts of 8 lines from 4 stores whose consumer holds 10 coupons and vouchers: engine and oracle timed on the same
   carts in the same run (goal: >= 10x), for three splits of the 10 between store coupons and platform vouchers.
4. Checkout (bench/_pricing_checkout.py): place order + pay + approve over HTTP as bench/checkout.py drives it, with
   the bench promotions paused and running, same concurrency and duration (goal: with / without >= 0.8).

The last line is machine-readable:

    pricing: optimal=<share> p99_ms=<middle size p99> speedup=<x> checkout_ratio=<y>

Usage: python bench/pricing.py [--quick] [--carts 400] [--seed 1] [--skip-checkout] [--duration 10]
                               [--concurrency 16] [--rounds 2] [--database sqlite|postgresql|both] [--postgres URL]
"""

from __future__ import annotations

import argparse
import gc
import importlib
import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from _pricing_carts import NOW, SIZES, Case, Size, make_cases, voucher_cases
from mercato.pricing.model import price_cart

ROOT = Path(__file__).resolve().parent.parent
P99_GOAL_MS = 5.0
SPEEDUP_GOAL = 10.0
CHECKOUT_GOAL = 0.8
HELD = 10
SPLITS = ((5, 5), (0, 10), (10, 0))  # (store coupons, platform vouchers); the first is the headline
ORACLE_LIMIT = 5_000  # combinations: the oracle takes about 30 us each on a small cart, more on a long one


def oracle() -> ModuleType:
    """tests/pricing/oracle.py, the property tests' brute force (it imports only the engine's public values)."""
    sys.path.insert(0, str(ROOT / "tests" / "pricing"))
    return importlib.import_module("oracle")


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def ms(seconds: float) -> float:
    return seconds * 1000


# --- 1. engine time per cart ---------------------------------------------------------------------------------


@dataclass
class Timing:
    size: Size
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def engine_seconds(case: Case) -> tuple[float, int]:
    started = time.perf_counter()
    quote = price_cart(case.lines, case.context, case.promotions, NOW)
    return time.perf_counter() - started, quote.payable


def time_engine(size: Size, cases: Sequence[Case]) -> Timing:
    """Each cart priced once, after the first ten were priced untimed (imports, caches): wall-clock time, and the
    thread's CPU time, which other processes on a shared machine do not inflate."""
    for case in cases[:10]:
        engine_seconds(case)
    gc.collect()
    timing = Timing(size)
    for case in cases:
        cpu = time.thread_time()
        timing.seconds.append(engine_seconds(case)[0])
        timing.cpu.append(time.thread_time() - cpu)
    return timing


def report_timings(timings: Sequence[Timing]) -> None:
    print(f"\nengine time per cart (price_cart: validate, search, allocate, explain), wall clock and the thread's CPU "
          f"time; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'size':<7} {'lines':>5} {'stores':>6} {'cands':>5} {'carts':>5} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8} {'cpu p50':>8} {'cpu p99':>8}  goal")
    for t in timings:
        goal = f"p99 <= {P99_GOAL_MS:g} ms" if t.size.name == "middle" else ""
        print(f"{t.size.name:<7} {t.size.lines:>5} {t.size.stores:>6} {t.size.candidates:>5} {len(t.seconds):>5} "
              f"{ms(percentile(t.seconds, 50)):>8.2f} {ms(percentile(t.seconds, 99)):>8.2f} "
              f"{ms(max(t.seconds)):>8.2f} {ms(percentile(t.cpu, 50)):>8.2f} {ms(percentile(t.cpu, 99)):>8.2f}  "
              f"{goal}")


# --- 2. optimality against the oracle ------------------------------------------------------------------------


@dataclass
class Optimality:
    name: str
    carts: int
    checked: int = 0
    equal: int = 0
    misses: list[str] = field(default_factory=list)


def check_optimal(name: str, cases: Sequence[Case], brute: ModuleType) -> Optimality:
    """The engine's payable against the oracle's lowest total on every cart of at most ORACLE_LIMIT combinations."""
    result = Optimality(name, len(cases))
    for case in cases:
        if brute.space_size(case.lines, case.context, case.promotions, NOW) > ORACLE_LIMIT:
            continue
        payable = engine_seconds(case)[1]
        best = brute.cheapest(case.lines, case.context, case.promotions, NOW)
        result.checked += 1
        result.equal += payable == best
        if payable != best:
            result.misses.append(f"{case.lines[0].line_id}: engine {payable}, oracle {best}")
    return result


def report_optimality(results: Sequence[Optimality]) -> float:
    print(f"\noptimality: engine payable == oracle optimum (carts of at most {ORACLE_LIMIT:,} combinations)")
    print(f"{'carts':<22} {'carts':>6} {'checked':>8} {'equal':>6}")
    for r in results:
        print(f"{r.name:<22} {r.carts:>6} {r.checked:>8} {r.equal:>6}")
        for miss in r.misses[:5]:
            print(f"    differs: {miss}")
    checked = sum(r.checked for r in results)
    equal = sum(r.equal for r in results)
    print(f"all: {equal} of {checked} carts at the oracle's optimum")
    return equal / checked if checked else float("nan")


# --- 3. speed-up over the oracle -----------------------------------------------------------------------------


@dataclass
class Race:
    coupons: int
    vouchers: int
    engine: list[float] = field(default_factory=list)
    brute: list[float] = field(default_factory=list)
    combinations: list[int] = field(default_factory=list)
    differ: int = 0

    @property
    def speedup(self) -> float:
        return sum(self.brute) / sum(self.engine) if self.engine else float("nan")


def oracle_seconds(case: Case, brute: ModuleType) -> tuple[float, int]:
    started = time.perf_counter()
    best = int(brute.cheapest(case.lines, case.context, case.promotions, NOW))
    return time.perf_counter() - started, best


def race(coupons: int, vouchers: int, cases: Sequence[Case], brute: ModuleType) -> Race:
    """Engine and oracle on the same carts, one after the other per cart, so both meet the same machine load."""
    result = Race(coupons, vouchers)
    for case in cases:
        engine_time, payable = engine_seconds(case)
        brute_time, best = oracle_seconds(case, brute)
        result.engine.append(engine_time)
        result.brute.append(brute_time)
        result.combinations.append(brute.space_size(case.lines, case.context, case.promotions, NOW))
        result.differ += payable != best
    return result


def report_races(races: Sequence[Race]) -> None:
    print(f"\nspeed-up over the brute-force oracle: 8 lines from 4 stores, {HELD} coupons and vouchers held, "
          f"plus item, special, member, store and festival promotions (goal >= {SPEEDUP_GOAL:g}x)")
    print(f"{'coupons':>7} {'vouchers':>8} {'carts':>5} {'combos p50':>10} {'engine p50':>10} {'oracle p50':>10} "
          f"{'engine sum':>10} {'oracle sum':>10} {'speed-up':>8}")
    for r in races:
        print(f"{r.coupons:>7} {r.vouchers:>8} {len(r.engine):>5} {percentile(r.combinations, 50):>10,} "
              f"{ms(percentile(r.engine, 50)):>10.2f} {ms(percentile(r.brute, 50)):>10.2f} "
              f"{ms(sum(r.engine)):>10.1f} {ms(sum(r.brute)):>10.1f} {r.speedup:>7.1f}x"
              + (f"  <-- {r.differ} carts differ" if r.differ else ""))
    print("(ms; speed-up = oracle sum / engine sum over the same carts; the engine also allocates and explains, the "
          "oracle returns the total only)")


# --- the run -------------------------------------------------------------------------------------------------


def engine_parts(args: argparse.Namespace) -> tuple[float, float, float]:
    brute = oracle()
    per_size = {size.name: make_cases(size, args.carts, args.seed) for size in SIZES}
    timings = [time_engine(size, per_size[size.name]) for size in SIZES]
    report_timings(timings)
    splits = {split: voucher_cases(args.races, split[0], split[1], args.seed) for split in SPLITS}
    races = [race(*split, cases, brute) for split, cases in splits.items()]
    report_races(races)
    checks = [check_optimal(name, cases, brute) for name, cases in per_size.items()]
    checks += [check_optimal(f"{c} coupons {v} vouchers", splits[(c, v)], brute) for c, v in SPLITS]
    optimal = report_optimality(checks)
    middle = next(t for t in timings if t.size.name == "middle")
    return optimal, ms(percentile(middle.seconds, 99)), races[0].speedup


def checkout_part(args: argparse.Namespace) -> float:
    if args.skip_checkout:
        print("\ncheckout: skipped (--skip-checkout)")
        return math.nan
    from _pricing_checkout import checkout_ratio

    return checkout_ratio(args)


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 20 carts per size, 5 per split, 2 s per checkout case")
    parser.add_argument("--carts", type=int, default=400, help="distinct carts per size (>= 300 for the figures)")
    parser.add_argument("--races", type=int, default=100, help="carts per coupon/voucher split for the speed-up")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-checkout", action="store_true", help="engine parts only")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per checkout measurement")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of checkout warm-up per database")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent checkout clients")
    parser.add_argument("--rounds", type=int, default=2, help="checkout rounds, each without then with (or back)")
    parser.add_argument("--database", default="both", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--postgres", default="", help="PostgreSQL URL (default: MERCATO_BENCH_POSTGRES_URL or "
                                                       "MERCATO_TEST_POSTGRES_URL)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers of the checkout server")
    args = parser.parse_args(argv)
    if args.quick:
        args.carts, args.races, args.duration, args.warmup, args.rounds = 20, 5, 2.0, 1.0, 1
    return args


def main() -> None:
    args = parse()
    print(f"load average before the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; seed {args.seed}")
    optimal, p99, speedup = engine_parts(args)
    ratio = checkout_part(args)
    print(f"\npricing: optimal={optimal:.3f} p99_ms={p99:.2f} speedup={speedup:.1f} checkout_ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
