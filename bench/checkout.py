"""Checkout over HTTP: place the order, start the payment and approve it on the sandbox gateway, as one timing.

Builds a fresh world per database (the small demo marketplace; 30 stores x 20 SKUs with ample stock; buyers with a
page session, an API token and an address), serves it with `mercato serve` (sandbox callbacks without delay, run
by the server's embedded job worker) and drives it with an async httpx client at concurrency 16 and 64 with two
carts: "spread" (5 lines from 3 stores at random over 600 SKUs) and "hot" (every buyer buys 1 unit of one SKU
with limited stock). Carts are filled and previewed before the timing. After each run it waits until the gateway's
callbacks captured every approved payment. It counts the SQL statements of one in-process place-order, replays
the recorded statements of whole checkouts with pgbench on the same PostgreSQL (the database's own limit for the
same work), and ends with `mercato ledger verify` on every database. The last line is machine-readable:

    checkout: orders_per_s=<x> sql_per_order=<n> ratio_vs_sql=<r> oversold=<units> ledger=<ok|failed>

Usage: python bench/checkout.py [--duration 10] [--quick] [--warmup 3] [--database sqlite|postgresql|both]
                                [--workers 2] [--hot-stock N]
PostgreSQL uses MERCATO_BENCH_POSTGRES_URL or MERCATO_TEST_POSTGRES_URL (schema mercato_bench_checkout, dropped and
recreated each run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx

from _checkout_replay import ReplayResult, replay_with_pgbench
from _checkout_world import (
    SECRET_KEY,
    Buyer,
    World,
    build_world,
    captured_payments,
    ensure_buyers,
    fill_carts,
    hot_outcome,
    pending_callbacks,
    place_order_statements,
    set_stock,
    spread_cart,
)
from browse import BIN, VAR, Result, _postgres_schema_url, free_port, serving

CONCURRENCY = (16, 64)
SCHEMA = "mercato_bench_checkout"
SQL_GOAL = 25
RATIO_GOAL = 0.25
SALEOR_STATEMENTS = 230


@dataclass
class CheckoutResult(Result):
    refused: int = 0
    approved: int = 0
    captured: int = 0
    exhausted: bool = False
    reasons: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Ticket:
    buyer: Buyer
    fingerprint: str


@dataclass(frozen=True)
class Csrf:
    cookie: str
    token: str


@dataclass
class HotCheck:
    database: str
    concurrency: int
    stock: int
    sold: int
    available: int
    reserved: int
    succeeded: int

    @property
    def oversold(self) -> int:
        return max(0, self.sold - self.stock)

    @property
    def consistent(self) -> bool:
        return self.sold == self.succeeded and self.available == self.stock - self.sold and self.reserved == 0


# --- one checkout over HTTP ----------------------------------------------------------------------------------


async def checkout(client: httpx.AsyncClient, ticket: Ticket, csrf: Csrf, result: CheckoutResult) -> None:
    started = time.perf_counter()
    failure = await _place_pay_approve(client, ticket, csrf)
    if failure is None:
        result.latencies.append(time.perf_counter() - started)
        result.approved += 1
    elif failure == "refused":
        result.refused += 1
    else:
        result.errors += 1
        result.reasons[failure] += 1


async def _place_pay_approve(client: httpx.AsyncClient, ticket: Ticket, csrf: Csrf) -> str | None:
    """None when the payment was approved; "refused" when the stock ran out; else what failed."""
    buyer = ticket.buyer
    auth = {"Authorization": f"Bearer {buyer.token}"}
    placed = await client.post("/api/v1/orders", json={"address_id": buyer.address_id,
                                                       "fingerprint": ticket.fingerprint},
                               headers={**auth, "Idempotency-Key": uuid.uuid4().hex})
    if placed.status_code == 409 and _code(placed) == "stock_insufficient":
        return "refused"
    if placed.status_code != 201:
        return _failure("place", placed)
    payment_id = placed.json()["payment_id"]
    pay = await client.post(f"/api/v1/payments/{payment_id}/pay",
                            headers={**auth, "Idempotency-Key": f"pay-{payment_id}"})
    if pay.status_code != 200:
        return _failure("pay", pay)
    cookies = f"mercato_session={buyer.session}; mercato_csrf={csrf.cookie}"
    approve = await client.post(pay.json()["redirect_url"], data={"csrf_token": csrf.token, "decision": "approve"},
                                headers={"Cookie": cookies})
    return None if approve.status_code == 303 else _failure("approve", approve)


def _code(response: httpx.Response) -> str:
    try:
        return str(response.json().get("code", ""))
    except ValueError:
        return ""


def _failure(step: str, response: httpx.Response) -> str:
    return f"{step} {response.status_code} {_code(response) or response.text[:60]!r}"


async def drive(base: str, csrf: Csrf, tickets: list[Ticket], concurrency: int, duration: float,
                result: CheckoutResult) -> None:
    """`concurrency` clients check out the tickets in turn until the time is up or the tickets run out."""
    deadline = time.perf_counter() + duration
    queue = iter(tickets)

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            while time.perf_counter() < deadline:
                ticket = next(queue, None)
                if ticket is None:
                    result.exhausted = True
                    return
                await checkout(client, ticket, csrf, result)
                client.cookies.clear()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started


def page_csrf(base: str) -> Csrf:
    """A visitor's CSRF cookie and the token its forms carry (the gateway page's form would carry the same)."""
    response = httpx.get(base + "/login", timeout=30)
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    cookie = response.cookies.get("mercato_csrf")
    if not match or not cookie:
        raise RuntimeError("the login page set no CSRF cookie and token")
    return Csrf(cookie, match.group(1))


# --- cases ---------------------------------------------------------------------------------------------------


def spread_tickets(world: World, count: int, seed: str) -> list[Ticket]:
    rng = random.Random(seed)
    carts = [(buyer, spread_cart(world, rng)) for buyer in ensure_buyers(world, count)]
    prints = fill_carts(world, carts)
    return [Ticket(buyer, prints[buyer.user_id]) for buyer, _ in carts]


def hot_tickets(world: World, sku_id: str, count: int) -> list[Ticket]:
    carts = [(buyer, {sku_id: 1}) for buyer in ensure_buyers(world, count)]
    prints = fill_carts(world, carts)
    return [Ticket(buyer, prints[buyer.user_id]) for buyer, _ in carts]


def run_case(world: World, base: str, csrf: Csrf, name: str, tickets: list[Ticket], concurrency: int,
             duration: float) -> CheckoutResult:
    result = CheckoutResult(name, world.name, concurrency)
    expected = captured_payments(world)
    asyncio.run(drive(base, csrf, tickets, concurrency, duration, result))
    result.captured = wait_for_captures(world, expected + result.approved, timeout=max(60.0, 6 * duration)) - expected
    return result


def wait_for_captures(world: World, expected: int, timeout: float) -> int:
    """Wait (bounded) until the gateway's callbacks, run by the server's job worker, captured `expected`, and its
    duplicate callbacks (a second later) are done too, so that they do not run into the next case."""
    deadline = time.perf_counter() + timeout
    captured = captured_payments(world)
    while (captured < expected or pending_callbacks(world)) and time.perf_counter() < deadline:
        time.sleep(0.25)
        captured = captured_payments(world)
    return captured


def pool_size(rate: float, duration: float, concurrency: int) -> int:
    return int(rate * duration * 1.5) + 4 * concurrency


def bench_database(name: str, url: str, args: argparse.Namespace) -> tuple[list[CheckoutResult], list[HotCheck],
                                                                           World]:
    print(f"{name}: building the world (small demo marketplace; {len(CONCURRENCY)} hot SKUs)")
    world = build_world(name, url, len(CONCURRENCY))
    results: list[CheckoutResult] = []
    checks: list[HotCheck] = []
    with serving(*server(url, args.workers)) as base:
        csrf = page_csrf(base)
        warm = run_case(world, base, csrf, "warm-up", spread_tickets(world, 300, "warm"), 16, args.warmup)
        rate = max(warm.rps, 10.0)
        print(f"{name}: warm-up {warm.rps:.0f} orders/s at c=16, {warm.errors} errors")
        for concurrency in CONCURRENCY:
            tickets = spread_tickets(world, pool_size(rate, args.duration, concurrency), f"spread:{concurrency}")
            result = run_case(world, base, csrf, "spread", tickets, concurrency, args.duration)
            rate = max(rate, result.rps)
            results.append(progress(result))
        for concurrency, sku in zip(CONCURRENCY, world.spare, strict=False):
            stock = args.hot_stock or hot_stock(rate, args.duration)
            set_stock(world, {sku: stock})
            result = run_case(world, base, csrf, "hot", hot_tickets(world, sku, stock + stock // 2), concurrency,
                              args.duration)
            results.append(progress(result))
            checks.append(HotCheck(name, concurrency, stock, *hot_outcome(world, sku), len(result.latencies)))
    return results, checks, world


def hot_stock(rate: float, duration: float) -> int:
    """Enough units to sell out in about 60 % of the run at the spread cart's rate, so that the rest of the buyers
    are refused; at most 200."""
    return max(20, min(200, int(rate * duration * 0.6)))


def progress(r: CheckoutResult) -> CheckoutResult:
    print(f"{r.database}: {r.name} c={r.concurrency}: {len(r.latencies)} checkouts in {r.elapsed:.1f} s "
          f"({r.rps:.0f}/s), refused {r.refused}, errors {r.errors}, captured {r.captured}/{r.approved}"
          + (" (ticket pool ran out)" if r.exhausted and r.name == "spread" else ""))
    for reason, count in r.reasons.most_common(5):
        print(f"    {count} x {reason}")
    return r


def server(url: str, workers: int) -> tuple[list[str], int, dict[str, str]]:
    port = free_port()
    env = {"MERCATO_SECRET_KEY": SECRET_KEY, "MERCATO_VAR_DIR": str(VAR),
           "MERCATO_SANDBOX_CALLBACK_DELAY_SECONDS": "0"}
    command = [str(BIN / "mercato"), "serve", "--database-url", url, "--port", str(port), "--workers", str(workers)]
    return command, port, env


def ledger_verify(name: str, url: str) -> bool:
    done = subprocess.run([str(BIN / "mercato"), "ledger", "verify", "--database-url", url], capture_output=True,
                          text=True)
    lines = (done.stdout + done.stderr).strip().splitlines()
    print(f"{name}: mercato ledger verify: " + ("; ".join(lines[-5:]) or f"exit {done.returncode}"))
    return done.returncode == 0 and "ledger ok" in done.stdout


# --- the run -------------------------------------------------------------------------------------------------


def database_urls(which: str) -> list[tuple[str, str]]:
    urls: list[tuple[str, str]] = []
    if which in ("sqlite", "both"):
        urls.append(("sqlite", f"sqlite:///{VAR / 'checkout.db'}"))
    if which in ("postgresql", "both"):
        base = os.environ.get("MERCATO_BENCH_POSTGRES_URL") or os.environ.get("MERCATO_TEST_POSTGRES_URL")
        if not base:
            print("postgresql: skipped (set MERCATO_BENCH_POSTGRES_URL or MERCATO_TEST_POSTGRES_URL)")
        else:
            urls.append(("postgresql", _postgres_schema_url(base, SCHEMA)))
    return urls


def report(results: list[CheckoutResult], checks: list[HotCheck]) -> None:
    print(f"\ncheckout benchmark (place order + start payment + approve on the sandbox), {os.cpu_count()} CPUs "
          "(client, servers and database share them)")
    print(f"{'cart':<7} {'database':<11} {'conc':>4} {'orders':>7} {'orders/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'refused':>7} {'errors':>6} {'captured':>9}")
    for r in results:
        print(f"{r.name:<7} {r.database:<11} {r.concurrency:>4} {len(r.latencies):>7} {r.rps:>9.1f} "
              f"{r.percentile(50):>8.1f} {r.percentile(99):>8.1f} {r.refused:>7} {r.errors:>6} "
              f"{r.captured:>4}/{r.approved:<4}")
    for c in checks:
        print(f"hot SKU on {c.database} c={c.concurrency}: stock {c.stock}, sold {c.sold} "
              f"(successful checkouts {c.succeeded}), left {c.available}, reserved {c.reserved}, "
              f"oversold {c.oversold}" + ("" if c.consistent else "  <-- INCONSISTENT"))


def summary(results: list[CheckoutResult], checks: list[HotCheck], statements: dict[str, int],
            replay: ReplayResult | None, ledgers: dict[str, bool]) -> str:
    at16 = {r.database: r for r in results if r.name == "spread" and r.concurrency == 16}
    headline = at16.get("postgresql") or at16.get("sqlite")
    orders = headline.rps if headline else 0.0
    sql = max(statements.values()) if statements else 0
    for db, count in statements.items():
        print(f"place_order statements ({db}): {count} (goal <= {SQL_GOAL}; Saleor's checkout ~{SALEOR_STATEMENTS})")
    ratio = "n/a"
    if replay is not None and "postgresql" in at16:
        value = at16["postgresql"].rps / replay.tps
        ratio = f"{value:.2f}"
        print(f"HTTP spread c=16 on postgresql {at16['postgresql'].rps:.1f} orders/s / pgbench {replay.tps:.1f} "
              f"checkouts/s = {value:.2f} (goal >= {RATIO_GOAL})")
    oversold = sum(c.oversold for c in checks)
    ledger = "ok" if ledgers and all(ledgers.values()) else "failed"
    return (f"checkout: orders_per_s={orders:.1f} sql_per_order={sql} ratio_vs_sql={ratio} oversold={oversold} "
            f"ledger={ledger}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--quick", action="store_true", help="smoke test: 2 s per case, 3 s of pgbench")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up on each database")
    parser.add_argument("--database", default="both", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (each runs a job worker thread)")
    parser.add_argument("--hot-stock", type=int, default=0,
                        help="units of the hot SKU, 1.5x as many buyers (default: what sells out in ~60%% of the run)")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.warmup = 2.0, 1.0
    VAR.mkdir(parents=True, exist_ok=True)
    print(f"load average before the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs "
          "(other processes compete with the client, the servers and the database)")
    urls = database_urls(args.database)
    if not urls:
        sys.exit("no database to measure")
    results: list[CheckoutResult] = []
    checks: list[HotCheck] = []
    statements: dict[str, int] = {}
    ledgers: dict[str, bool] = {}
    replay: ReplayResult | None = None
    for name, url in urls:
        measured, hot, world = bench_database(name, url, args)
        results += measured
        checks += hot
        statements[name] = place_order_statements(world)
        if name == "postgresql":
            replay = replay_with_pgbench(world, 3.0 if args.quick else args.duration)
        world.close()
        ledgers[name] = ledger_verify(name, url)
    report(results, checks)
    print(summary(results, checks, statements, replay, ledgers))
    if not all(ledgers.values()) or any(c.oversold or not c.consistent for c in checks):
        sys.exit(1)


if __name__ == "__main__":
    main()
