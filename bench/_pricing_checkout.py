"""Checkout over HTTP with and without promotions: the world of bench/checkout.py with a festival's promotions on its
30 stores (full reductions, item discounts and special prices, store coupons and platform vouchers held by every
buyer, a cross-store reduction), driven with the promotions running and paused in turn, same carts' shape,
concurrency and duration."""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from _checkout_world import World, build_world, ensure_buyers, fill_carts, scalar, spread_cart
from browse import VAR, _postgres_schema_url, serving
from checkout import CheckoutResult, Csrf, Ticket, ledger_verify, page_csrf, pool_size, progress, run_case
from checkout import server as serve_command
from mercato.kernel.idgen import new_id
from mercato.pricing.model import Kind, Promotion, Scope, Tier
from mercato.pricing.rows import columns_of
from mercato.pricing.tables import held_coupons, promotion_stores, promotions

SCHEMA = "mercato_bench_pricing"
TRADE = Path(__file__).resolve().parent.parent / "src" / "mercato" / "trade"
CHECKOUT_GOAL = 0.8
RATE_FLOOR = 40.0  # checkouts/s the ticket pool is sized for at least (bench/checkout.py saw up to 43)
EXTRA_COUPON_STORES = 2  # each buyer also holds coupons of stores not in the cart


@dataclass
class Festival:
    """The promotions running in the world (the bench's and the demo's), the bench's store coupons per store and
    its platform vouchers."""

    ids: list[str]
    coupons: dict[str, str]
    vouchers: list[str]
    seats: Iterator[int] = field(default_factory=lambda: itertools.count(1))


@dataclass
class Mode:
    name: str
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    errors: int = 0
    discounted: int = 0
    orders: int = 0
    spent: int = 0

    server_cpu: float = 0.0

    @property
    def checkouts(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.checkouts / self.elapsed if self.elapsed else math.nan

    @property
    def cpu_ms(self) -> float:
        """The servers' CPU time per checkout, callbacks included (on SQLite the database's work is in it too)."""
        return self.server_cpu * 1000 / self.checkouts if self.checkouts else math.nan

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else math.nan


# --- the promotions ------------------------------------------------------------------------------------------


def _prices(world: World) -> dict[str, int]:
    ids = sorted(sku for skus in world.spread.values() for sku in skus)
    query = sa.text("SELECT id, price_minor FROM skus WHERE id IN :ids").bindparams(sa.bindparam("ids", expanding=True))
    with world.rt.uow(read_only=True) as uow:
        return {sku: int(price) for sku, price in uow.conn.execute(query, {"ids": ids})}


def _round(amount: float) -> int:
    return max(1000, int(amount) // 1000 * 1000)


def store_promotions(rng: random.Random, store: str, prices: Sequence[tuple[str, int]]) -> list[Promotion]:
    """A tiered or repeating full reduction sized to the store's prices, a coupon, and item promotions on a
    quarter of its SKUs (10 % off, or a special price 15 % below)."""
    typical = sorted(p for _, p in prices)[len(prices) // 2]
    scope = Scope(store_ids=frozenset({store}))
    if rng.random() < 0.5:
        first = _round(typical * 1.5)
        rule: dict[str, Any] = {"tiers": (Tier(first, _round(first * 0.08)), Tier(first * 2, _round(first * 0.2)))}
    else:
        every = _round(typical)
        rule = {"every": every, "amount": _round(every * 0.06), "cap": _round(every * 0.3)}
    found = [Promotion(new_id(), Kind.STORE_REDUCTION, scope=scope, **rule),
             Promotion(new_id(), Kind.STORE_COUPON, scope=scope, threshold=_round(typical),
                       amount=_round(typical * 0.05))]
    for sku, price in rng.sample(list(prices), k=len(prices) // 4):
        sku_scope = Scope(sku_ids=frozenset({sku}))
        if rng.random() < 0.5:
            found.append(Promotion(new_id(), Kind.ITEM_DISCOUNT, scope=sku_scope, percent=10))
        else:
            found.append(Promotion(new_id(), Kind.SPECIAL_PRICE, scope=sku_scope, price=price * 85 // 100))
    return found


def platform_promotions(typical: int) -> list[Promotion]:
    """The festival ("every 300 across stores, get 30 off", half platform-funded) and two red envelopes, one
    stackable."""
    every = _round(typical * 3)
    return [
        Promotion(new_id(), Kind.CROSS_STORE_REDUCTION, scope=Scope(), every=every, amount=_round(every * 0.1),
                  platform_share_bp=5000),
        Promotion(new_id(), Kind.PLATFORM_VOUCHER, threshold=_round(typical * 2), amount=_round(typical * 0.1)),
        Promotion(new_id(), Kind.PLATFORM_VOUCHER, threshold=_round(typical), amount=_round(typical * 0.03),
                  stackable=True),
    ]


def _row(promo: Promotion, owner: str, store_id: str | None, created_by: str, now: datetime) -> dict[str, Any]:
    columns = columns_of(promo)
    columns["store_id"] = store_id if owner == "store" else None
    return {**columns, "owner": owner, "name_en": f"Bench {promo.kind.value}", "name_zh": "基准促销",
            "status": "active", "total_quantity": None, "issued": 0, "per_person": 1000, "valid_days": None,
            "claimable": promo.is_held, "created_by": created_by, "created_at": now, "updated_at": now}


def _festival_rows(world: World, rng: random.Random, now: datetime) -> tuple[list[dict[str, Any]], list[str]]:
    """The promotions rows of every spread store, then the platform's (cross-store reduction first)."""
    prices = _prices(world)
    owners = _store_owners(world)
    rows = [_row(promo, "store", store, owners[store], now)
            for store, skus in sorted(world.spread.items())
            for promo in store_promotions(rng, store, [(sku, prices[sku]) for sku in skus])]
    platform = platform_promotions(sorted(prices.values())[len(prices) // 2])
    rows += [_row(p, "platform", None, next(iter(owners.values())), now) for p in platform]
    return rows, [p.promotion_id for p in platform]


def seed_festival(world: World, seed: int) -> Festival:
    """Insert the promotions rows (through pricing.rows.columns_of) and the cross-store opt-ins of every store."""
    now = world.rt.clock.now()
    rows, platform = _festival_rows(world, random.Random(f"{seed}:checkout"), now)
    opt_ins = [{"promotion_id": platform[0], "store_id": s, "opted_at": now} for s in world.spread]
    with world.rt.uow() as uow:
        uow.conn.execute(promotions.insert(), rows)
        uow.conn.execute(promotion_stores.insert(), opt_ins)
        uow.commit()
    coupons = {r["store_id"]: r["id"] for r in rows if r["kind"] == Kind.STORE_COUPON.value}
    running = _running(world)
    kinds = Counter(str(r["kind"]) for r in rows)
    print(f"{world.name}: {len(rows)} promotions on {len(world.spread)} stores ({dict(kinds)}), and the demo's "
          f"own {len(running) - len(rows)}: all paused for the runs without promotions")
    return Festival(running, coupons, platform[1:])


def _running(world: World) -> list[str]:
    with world.rt.uow(read_only=True) as uow:
        return list(uow.conn.execute(sa.select(promotions.c.id).where(promotions.c.status == "active")).scalars())


def _store_owners(world: World) -> dict[str, str]:
    query = sa.text("SELECT id, owner_id FROM stores WHERE id IN :ids").bindparams(
        sa.bindparam("ids", expanding=True))
    with world.rt.uow(read_only=True) as uow:
        return {str(s): str(o) for s, o in uow.conn.execute(query, {"ids": sorted(world.spread)})}


def set_running(world: World, festival: Festival, running: bool) -> None:
    status = "active" if running else "paused"
    with world.rt.uow() as uow:
        uow.conn.execute(promotions.update().where(promotions.c.id.in_(festival.ids)).values(status=status))
        uow.commit()


# --- tickets: carts, coupons held, fingerprints ---------------------------------------------------------------


def _held_rows(consumer_id: str, promotion_ids: Sequence[str], festival: Festival,
               now: datetime) -> list[dict[str, Any]]:
    return [{"id": new_id(), "promotion_id": p, "consumer_id": consumer_id, "claim_seq": next(festival.seats),
             "status": "available", "source": "claim", "valid_from": now, "valid_until": None, "issued_at": now,
             "payment_id": None, "used_at": None} for p in promotion_ids]


def hand_out(world: World, festival: Festival, carts: Sequence[tuple[Any, dict[str, int]]], rng: random.Random) -> int:
    """Each buyer's earlier bench coupons revoked; then a coupon of each cart store and of two other stores, and one
    of each red envelope, as a claim would have issued them."""
    store_of = {sku: store for store, skus in world.spread.items() for sku in skus}
    now = world.rt.clock.now()
    rows = []
    for buyer, cart in carts:
        stores = {store_of[sku] for sku in cart}
        stores |= set(rng.sample(sorted(set(festival.coupons) - stores), EXTRA_COUPON_STORES))
        rows += _held_rows(buyer.user_id, [festival.coupons[s] for s in sorted(stores)] + festival.vouchers,
                           festival, now)
    ids = [buyer.user_id for buyer, _ in carts]
    with world.rt.uow() as uow:
        uow.conn.execute(held_coupons.update().where(held_coupons.c.consumer_id.in_(ids),
                                                     held_coupons.c.status == "available").values(status="revoked"))
        uow.conn.execute(held_coupons.insert(), rows)
        uow.commit()
    return len(rows)


def tickets(world: World, festival: Festival, count: int, seed: str) -> list[Ticket]:
    rng = random.Random(seed)
    carts = [(buyer, spread_cart(world, rng)) for buyer in ensure_buyers(world, count)]
    hand_out(world, festival, carts, rng)
    prints = fill_carts(world, carts)
    return [Ticket(buyer, prints[buyer.user_id]) for buyer, _ in carts]


# --- the servers' CPU time ----------------------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process readable in /proc."""
    found: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            found[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), command)
    return found


def server_pids(port: int) -> list[int]:
    """The `mercato serve` process listening on `port` and its descendants (the uvicorn workers)."""
    processes = _processes()
    pids = [pid for pid, (_, command) in processes.items() if "serve" in command and f"--port {port}" in command]
    for pid in pids:
        pids += [child for child, (parent, _) in processes.items() if parent == pid and child not in pids]
    return pids


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of these processes so far (utime and stime of /proc/<pid>/stat)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


# --- the run -------------------------------------------------------------------------------------------------


def wired() -> bool:
    """Whether trade's checkout calls the pricing service in this tree (the run checks that orders got discounts)."""
    return any("from mercato.pricing import service" in path.read_text() for path in TRADE.glob("*.py"))


def outcome(world: World, since: datetime) -> tuple[int, int, int]:
    """(orders placed since `since`, those with a discount, coupons and vouchers spent since `since`)."""
    orders = scalar(world, "SELECT count(*) FROM orders WHERE created_at >= :t", t=since)
    discounted = scalar(world, "SELECT count(*) FROM orders WHERE created_at >= :t AND discount > 0", t=since)
    spent = scalar(world, "SELECT count(*) FROM held_coupons WHERE used_at >= :t", t=since)
    return orders, discounted, spent


@dataclass(frozen=True)
class Server:
    base: str
    csrf: Csrf
    pids: list[int]


def measure(world: World, festival: Festival, server: Server, mode: Mode, rate: float, concurrency: int,
            duration: float, round_no: int) -> float:
    """One case of `duration` seconds with the promotions running or paused; the next pool's rate estimate."""
    set_running(world, festival, mode.name == "with")
    pool = tickets(world, festival, pool_size(max(rate, RATE_FLOOR), duration, concurrency), f"{mode.name}:{round_no}")
    since = world.rt.clock.now()
    cpu = cpu_seconds(server.pids)
    result: CheckoutResult = progress(run_case(world, server.base, server.csrf, f"{mode.name} promotions", pool,
                                               concurrency, duration))
    mode.server_cpu += cpu_seconds(server.pids) - cpu
    if result.exhausted:
        print(f"{world.name}: the ticket pool ran out before the time was up (the rate is still checkouts / elapsed)")
    mode.latencies += result.latencies
    mode.elapsed += result.elapsed
    mode.errors += result.errors
    orders, discounted, spent = outcome(world, since)
    mode.orders, mode.discounted, mode.spent = mode.orders + orders, mode.discounted + discounted, mode.spent + spent
    return max(rate, result.rps)


def bench_database(name: str, url: str, args: argparse.Namespace) -> tuple[Mode, Mode, bool]:
    print(f"\n{name}: building the checkout world (small demo marketplace) with the festival's promotions")
    world = build_world(name, url, 0)
    festival = seed_festival(world, args.seed)
    modes = {"without": Mode("without"), "with": Mode("with")}
    command, port, env = serve_command(url, args.workers)
    with serving(command, port, env) as base:
        running = Server(base, page_csrf(base), server_pids(port))
        rate = measure(world, festival, running, Mode("with"), 10.0, args.concurrency, args.warmup, 0)
        for round_no in range(1, args.rounds + 1):
            order = ("without", "with") if round_no % 2 else ("with", "without")
            for which in order:
                rate = measure(world, festival, running, modes[which], rate, args.concurrency, args.duration,
                               round_no)
    world.close()
    return modes["without"], modes["with"], ledger_verify(name, url)


def database_urls(args: argparse.Namespace) -> list[tuple[str, str]]:
    urls: list[tuple[str, str]] = []
    if args.database in ("sqlite", "both"):
        urls.append(("sqlite", f"sqlite:///{VAR / 'pricing-checkout.db'}"))
    if args.database in ("postgresql", "both"):
        found = args.postgres or os.environ.get("MERCATO_BENCH_POSTGRES_URL") or os.environ.get(
            "MERCATO_TEST_POSTGRES_URL")
        if found:
            urls.append(("postgresql", _postgres_schema_url(found, SCHEMA)))
        else:
            print("postgresql: skipped (give --postgres or set MERCATO_BENCH_POSTGRES_URL / MERCATO_TEST_POSTGRES_URL)")
    return urls


def report(rows: Sequence[tuple[str, Mode, Mode, bool]], args: argparse.Namespace) -> float:
    print(f"\ncheckout with promotions against without (place order + pay + approve over HTTP, c={args.concurrency}, "
          f"{args.rounds} x {args.duration:g} s each, alternating), {os.cpu_count()} CPUs shared by client, "
          f"servers and database; load average now {os.getloadavg()[0]:.2f}")
    print(f"{'database':<11} {'promotions':<10} {'checkouts':>9} {'per s':>7} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'errors':>6} {'orders':>6} {'discounted':>10} {'coupons spent':>13} {'server cpu ms':>13}")
    ratios = []
    for name, without, with_, ledger in rows:
        for mode in (without, with_):
            print(f"{name:<11} {mode.name:<10} {mode.checkouts:>9} {mode.rate:>7.1f} {mode.percentile(50):>7.0f} "
                  f"{mode.percentile(99):>7.0f} {mode.errors:>6} {mode.orders:>6} {mode.discounted:>10} "
                  f"{mode.spent:>13} {mode.cpu_ms:>13.1f}")
        ratio = with_.rate / without.rate if without.rate else math.nan
        ratios.append(ratio)
        print(f"{name}: with / without = {ratio:.2f} checkouts/s (goal >= {CHECKOUT_GOAL}); server CPU per checkout "
              f"without / with = {without.cpu_ms / with_.cpu_ms:.2f}; ledger verify {'ok' if ledger else 'FAILED'}")
        if with_.discounted == 0:
            print(f"{name}: no order placed with promotions running got a discount: the checkout does not apply them")
            return math.nan
    return min(ratios) if ratios else math.nan


def checkout_ratio(args: argparse.Namespace) -> float:
    """with / without on the worse database, or nan (with the reason printed) when it cannot be measured."""
    if not wired():
        print("\ncheckout_ratio=nan: trade's checkout does not call the pricing service (src/mercato/trade/*.py), so "
              "promotions would not change a checkout; part 4 not measured")
        return math.nan
    VAR.mkdir(parents=True, exist_ok=True)
    rows = [(name, *bench_database(name, url, args)) for name, url in database_urls(args)]
    return report(rows, args)
