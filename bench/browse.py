"""Shopper browsing over HTTP on the large demo catalog: the filtered listing API and the product page HTML.

Seeds (or reuses) the demo marketplace with `mercato seed`, serves it with `mercato serve` on a loopback port and
drives it with an async httpx client at concurrency 1 and 16 after a warm-up. In the same run it serves a bare
FastAPI app returning one captured product page as constant bytes (the framework ceiling, bench/_ceiling_app.py)
and compares. The last line is machine-readable:

    browse: product_ratio=<product page req/s / ceiling req/s> listing_p99_ms=<worst listing p99 at c=16>

Usage: python bench/browse.py [--size large] [--duration 10] [--database sqlite|postgresql|both] [--skip-seed]
PostgreSQL uses MERCATO_BENCH_POSTGRES_URL or MERCATO_TEST_POSTGRES_URL (schema mercato_bench_<size>).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VAR = ROOT / "var" / "bench"
CONCURRENCY = (1, 16)
LISTING_GOAL_P99_MS = 50.0
PRODUCT_GOAL_RATIO = 0.5


@dataclass
class Result:
    name: str
    database: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    errors: int = 0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


@dataclass
class Workload:
    categories: list[str]
    brands: list[str]
    products: list[str]


# --- databases -------------------------------------------------------------------------------------------------


def database_urls(which: str, size: str) -> list[tuple[str, str]]:
    urls: list[tuple[str, str]] = []
    if which in ("sqlite", "both"):
        urls.append(("sqlite", f"sqlite:///{VAR / f'browse-{size}.db'}"))
    if which in ("postgresql", "both"):
        base = os.environ.get("MERCATO_BENCH_POSTGRES_URL") or os.environ.get("MERCATO_TEST_POSTGRES_URL")
        if not base:
            print("postgresql: skipped (set MERCATO_BENCH_POSTGRES_URL or MERCATO_TEST_POSTGRES_URL)")
        else:
            urls.append(("postgresql", _postgres_schema_url(base, f"mercato_bench_{size}")))
    return urls


def _postgres_schema_url(base: str, schema: str) -> str:
    engine = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()
    return base + ("&" if "?" in base else "?") + f"options=-csearch_path%3D{schema}"


def _engine(url: str) -> sa.Engine:
    from mercato.kernel.db import make_engine

    return make_engine(url, pool_size=2)


def active_products(url: str) -> int:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM products WHERE status = 'active'")).scalar_one())
    except sa.exc.DBAPIError:
        return 0
    finally:
        engine.dispose()


def ensure_seeded(name: str, url: str, size: str, skip: bool) -> None:
    found = active_products(url)
    if found or skip:
        print(f"{name}: reusing {found:,} active products")
    else:
        print(f"{name}: seeding the {size} demo marketplace (this takes a while the first time)")
        started = time.perf_counter()
        subprocess.run([str(BIN / "mercato"), "db", "upgrade", "--database-url", url], check=True)
        subprocess.run([str(BIN / "mercato"), "seed", "--size", size, "--database-url", url], check=True)
        print(f"{name}: seeded {active_products(url):,} active products in {time.perf_counter() - started:.0f} s")
    if name == "postgresql":
        _vacuum(url)
    warm_os_cache(name, url)


def warm_os_cache(name: str, url: str) -> None:
    """Read the data into the OS page cache first: the figures are for a warm server whose catalog fits in RAM,
    not for whatever an earlier process happened to leave cached (random product pages touch the whole file)."""
    started = time.perf_counter()
    if name == "sqlite":
        with open(url.split("///", 1)[1], "rb") as handle:
            while handle.read(1 << 22):
                pass
    else:
        engine = _engine(url)
        with engine.begin() as conn:
            try:
                conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
            except sa.exc.DBAPIError:
                print("postgresql: pg_prewarm is not available; the first seconds run on a cold cache")
                return
            schema = conn.execute(sa.text(
                "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_prewarm'")).scalar_one()
            conn.execute(sa.text(
                f"SELECT {schema}.pg_prewarm(c.oid, 'read') FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')"))
        engine.dispose()
    print(f"{name}: OS cache warmed in {time.perf_counter() - started:.1f} s")


def _vacuum(url: str) -> None:
    """A bulk load leaves PostgreSQL's visibility map empty, so index-only scans still read the heap until
    autovacuum gets round to it; vacuum now so the figures do not depend on when that happens."""
    engine = _engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for table in ("products", "skus", "stock", "stores", "store_tags", "brands", "categories"):
            conn.execute(sa.text(f"VACUUM (ANALYZE) {table}"))
    engine.dispose()


def sample_workload(url: str, rng: random.Random) -> Workload:
    engine = _engine(url)
    with engine.connect() as conn:
        categories = list(conn.execute(sa.text("SELECT id FROM categories WHERE active")).scalars())
        brands = list(conn.execute(sa.text(
            "SELECT brand_id FROM stores WHERE kind = 'flagship' AND brand_id IS NOT NULL")).scalars())
        products = _random_active_ids(conn, rng, 2000)
    engine.dispose()
    return Workload(sorted(categories), sorted(brands), products)


def _random_active_ids(conn: sa.Connection, rng: random.Random, count: int) -> list[str]:
    """A uniform sample of active product ids (reads every id once: a second or two on a million)."""
    ids = list(conn.execute(sa.text("SELECT id FROM products WHERE status = 'active'")).scalars())
    return sorted(rng.sample(ids, min(count, len(ids))))


# --- request mixes ---------------------------------------------------------------------------------------------

PRICE_RANGES = [(None, 10_000), (5_000, 30_000), (10_000, 100_000), (20_000, None), (0, 500_000)]


def listing_params(rng: random.Random, work: Workload) -> dict[str, object]:
    """A realistic filter combination: a category, usually a price range, sometimes kind, stock and brand."""
    params: dict[str, object] = {"category": rng.choice(work.categories), "limit": 24}
    if rng.random() < 0.7:
        low, high = rng.choice(PRICE_RANGES)
        params.update({k: v for k, v in (("min_price", low), ("max_price", high)) if v is not None})
    if rng.random() < 0.5:
        params["store_kind"] = rng.choice(["flagship", "independent"])
    if rng.random() < 0.5:
        params["in_stock"] = "true"
    if work.brands and rng.random() < 0.2:
        params["brand"] = rng.choice(work.brands)
    params["sort"] = rng.choices(["newest", "price_asc", "price_desc", "sales"], [50, 20, 15, 15])[0]
    return params


async def listing_session(client: httpx.AsyncClient, rng: random.Random, work: Workload,
                          record: Callable[[float, bool], None]) -> None:
    """Page 1 of a filtered listing, then up to two more pages following the cursor."""
    params = listing_params(rng, work)
    for _ in range(rng.choice([1, 1, 2, 3])):
        started = time.perf_counter()
        response = await client.get("/api/v1/products?" + urlencode(params, doseq=True))
        record(time.perf_counter() - started, response.status_code == 200)
        cursor = response.json().get("next_cursor") if response.status_code == 200 else None
        if not cursor:
            return
        params["cursor"] = cursor


async def product_visit(client: httpx.AsyncClient, rng: random.Random, work: Workload,
                        record: Callable[[float, bool], None]) -> None:
    started = time.perf_counter()
    response = await client.get(f"/p/{rng.choice(work.products)}")
    record(time.perf_counter() - started, response.status_code == 200)


Scenario = Callable[[httpx.AsyncClient, random.Random, Workload, Callable[[float, bool], None]], Awaitable[None]]


async def drive(base: str, scenario: Scenario, work: Workload, concurrency: int, duration: float,
                result: Result) -> None:
    deadline = time.perf_counter() + duration

    def record(latency: float, ok: bool) -> None:
        if ok:
            result.latencies.append(latency)
        else:
            result.errors += 1

    async def worker(n: int) -> None:
        rng = random.Random(f"bench:{result.name}:{concurrency}:{n}")
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while time.perf_counter() < deadline:
                await scenario(client, rng, work, record)

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    result.elapsed = time.perf_counter() - started


def measure(base: str, name: str, database: str, scenario: Scenario, work: Workload, duration: float,
            warmup: float) -> list[Result]:
    asyncio.run(drive(base, scenario, work, 16, warmup, Result(name, database, 16)))
    results = []
    for concurrency in CONCURRENCY:
        result = Result(name, database, concurrency)
        asyncio.run(drive(base, scenario, work, concurrency, duration, result))
        results.append(result)
    return results


# --- servers ---------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(command: list[str], port: int, env: dict[str, str], cwd: Path = ROOT) -> Iterator[str]:
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=cwd)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            httpx.get(base + "/api/v1/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def mercato_server(url: str, workers: int) -> tuple[list[str], int, dict[str, str]]:
    port = free_port()
    secret = {"MERCATO_SECRET_KEY": "bench-secret-key-not-for-production", "MERCATO_VAR_DIR": str(VAR)}
    command = [str(BIN / "mercato"), "serve", "--database-url", url, "--port", str(port), "--workers", str(workers)]
    return command, port, secret


def ceiling_server(body: Path, workers: int) -> tuple[list[str], int, dict[str, str]]:
    port = free_port()
    command = [str(BIN / "uvicorn"), "_ceiling_app:app", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    return command, port, {"MERCATO_CEILING_BODY": str(body)}


def capture_product_page(base: str, product_id: str, path: Path) -> None:
    response = httpx.get(f"{base}/p/{product_id}", timeout=30)
    response.raise_for_status()
    path.write_bytes(response.content)


# --- query plans ---------------------------------------------------------------------------------------------


def plan_cases(conn: sa.Connection) -> list[tuple[str, dict[str, object]]]:
    """The common filter combinations, on the biggest vertical / L2 / L3 and the biggest flagship brand."""
    from mercato.catalog.browse_repo import CategoryRef

    def biggest(column: str) -> str:
        return str(conn.execute(sa.text(f"SELECT {column} FROM products WHERE status = 'active' AND {column} IS NOT "
                                        f"NULL GROUP BY {column} ORDER BY count(*) DESC LIMIT 1")).scalar_one())

    def ref(category_id: str) -> CategoryRef:
        row = conn.execute(sa.text("SELECT id, parent_id, level, slug, name_en, name_zh FROM categories "
                                   "WHERE id = :i"), {"i": category_id}).one()
        return CategoryRef(*row)

    from mercato.catalog.browse import CategoryTree
    from mercato.catalog.browse_repo import BrowseRepo

    tree = CategoryTree(BrowseRepo(conn).active_categories())
    vertical, l2, l3 = (ref(biggest(c)) for c in ("vertical_id", "category_l2_id", "category_l3_id"))
    brand = biggest("brand_id")
    price = {"min_price": 5_000, "max_price": 30_000}
    paths = {c.id: tuple(p.id for p in tree.path(c)) for c in (vertical, l2, l3)}
    cases: list[tuple[str, dict[str, object]]] = [
        ("all, newest", {}),
        ("all, sales", {"sort": "sales"}),
        ("all, price asc", {"sort": "price_asc"}),
        ("vertical, newest", {"category": vertical}),
        ("vertical + price + kind + stock, newest", {"category": vertical, **price, "store_kind": "independent",
                                                     "in_stock": True}),
        ("vertical + price, price asc", {"category": vertical, **price, "sort": "price_asc"}),
        ("vertical + kind + stock, price desc", {"category": vertical, "store_kind": "flagship", "in_stock": True,
                                                 "sort": "price_desc"}),
        ("vertical + stock, sales", {"category": vertical, "in_stock": True, "sort": "sales"}),
        ("l2 + price + stock, newest", {"category": l2, **price, "in_stock": True}),
        ("l2 + price, price asc", {"category": l2, **price, "sort": "price_asc"}),
        ("l2 + kind, sales", {"category": l2, "store_kind": "independent", "sort": "sales"}),
        ("l3 + price + kind + stock, price desc", {"category": l3, **price, "store_kind": "flagship",
                                                   "in_stock": True, "sort": "price_desc"}),
        ("l3, sales", {"category": l3, "sort": "sales"}),
        ("brand, newest", {"brand_ids": (brand,)}),
        ("brand + price, price asc", {"brand_ids": (brand,), **price, "sort": "price_asc"}),
        ("vertical + brand + stock, newest", {"category": vertical, "brand_ids": (brand,), "in_stock": True}),
        ("l2 + brand + price, sales", {"category": l2, "brand_ids": (brand,), **price, "sort": "sales"}),
    ]
    for _, spec in cases:
        if "category" in spec:
            spec["category_path"] = paths[spec["category"].id]  # type: ignore[attr-defined]
    return cases


def explain(name: str, url: str) -> None:
    """Print, for each common listing, the driver the repo picks, the plan and the median time (probe included)."""
    from mercato.catalog.browse_repo import BrowseRepo, ListingQuery, Sort, listing_statement

    engine = _engine(url)
    with engine.connect() as conn:
        print(f"\n== {name}: listing query plans ==")
        for label, spec in plan_cases(conn):
            spec = dict(spec)
            query = ListingQuery(sort=Sort(spec.pop("sort", "newest")), **spec)  # type: ignore[arg-type]
            repo = BrowseRepo(conn)
            driver = repo.choose_driver(query)
            stmt = listing_statement(query, driver, hide=name == "sqlite")
            sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
            prefix = "EXPLAIN QUERY PLAN " if name == "sqlite" else "EXPLAIN "
            plan = [str(row[-1]).strip() for row in conn.execute(sa.text(prefix + sql))]
            timings = []
            for _ in range(5):
                started = time.perf_counter()
                repo.list_cards(query)
                timings.append((time.perf_counter() - started) * 1000)
            steps = [p for p in plan if not p.startswith(("Limit", "->  Limit"))][:3]
            print(f"{label:<42} {sorted(timings)[2]:7.2f} ms  {driver.value:<6} " + " / ".join(steps))
    engine.dispose()


# --- the run ---------------------------------------------------------------------------------------------------


def bench_database(name: str, url: str, args: argparse.Namespace, body: Path) -> list[Result]:
    ensure_seeded(name, url, args.size, args.skip_seed)
    work = sample_workload(url, random.Random(20261126))
    print(f"{name}: {len(work.categories)} categories, {len(work.brands)} flagship brands, "
          f"{len(work.products)} sampled products")
    command, port, env = mercato_server(url, args.workers)
    with serving(command, port, env) as base:
        if not body.exists():
            capture_product_page(base, work.products[0], body)
        results = measure(base, "listing", name, listing_session, work, args.duration, args.warmup)
        results += measure(base, "product", name, product_visit, work, args.duration, args.warmup)
    return results


def bench_ceiling(body: Path, work: Workload, args: argparse.Namespace) -> list[Result]:
    command, port, env = ceiling_server(body, args.workers)
    with serving(command, port, env, cwd=Path(__file__).resolve().parent) as base:
        return measure(base, "ceiling", "-", product_visit, work, args.duration, args.warmup)


def report(results: list[Result], size: str) -> None:
    print(f"\nbrowse benchmark, {size} catalog, {os.cpu_count()} CPUs (client and servers share them)")
    print(f"{'scenario':<9} {'database':<11} {'conc':>4} {'requests':>9} {'req/s':>8} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'errors':>6}")
    for r in results:
        print(f"{r.name:<9} {r.database:<11} {r.concurrency:>4} {len(r.latencies):>9} {r.rps:>8.0f} "
              f"{r.percentile(50):>8.2f} {r.percentile(99):>8.2f} {r.errors:>6}")


def summary(results: list[Result]) -> str:
    def at16(name: str) -> list[Result]:
        return [r for r in results if r.name == name and r.concurrency == 16]

    ceiling = at16("ceiling")[0].rps
    ratios = {r.database: r.rps / ceiling for r in at16("product")}
    p99s = {r.database: r.percentile(99) for r in at16("listing")}
    worst_ratio_db = min(ratios, key=lambda db: ratios[db])
    worst_p99_db = max(p99s, key=lambda db: p99s[db])
    for db in ratios:
        print(f"product/ceiling at c=16 on {db}: {ratios[db]:.2f} (goal >= {PRODUCT_GOAL_RATIO}); "
              f"listing p99 at c=16 on {db}: {p99s[db]:.1f} ms (goal <= {LISTING_GOAL_P99_MS:.0f} ms)")
    print(f"worst: product ratio on {worst_ratio_db}, listing p99 on {worst_p99_db}")
    return f"browse: product_ratio={ratios[worst_ratio_db]:.2f} listing_p99_ms={p99s[worst_p99_db]:.1f}"


def _urls(args: argparse.Namespace) -> list[tuple[str, str]]:
    if args.database_url:
        return [("sqlite" if args.database_url.startswith("sqlite") else "postgresql", args.database_url)]
    return database_urls(args.database, args.size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up before each scenario")
    parser.add_argument("--database", default="both", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers for both servers")
    parser.add_argument("--skip-seed", action="store_true", help="never seed; use whatever the database holds")
    parser.add_argument("--explain", action="store_true", help="print the listing query plans and timings only")
    parser.add_argument("--database-url", help="measure this database instead (with --database naming its kind)")
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    if args.explain:
        for name, url in _urls(args):
            explain(name, url)
        return
    results: list[Result] = []
    work: Workload | None = None
    with tempfile.TemporaryDirectory() as tmp:
        body = Path(tmp) / "product.html"
        for name, url in _urls(args):
            results += bench_database(name, url, args, body)
            work = work or sample_workload(url, random.Random(20261126))
        if work is None:
            sys.exit("no database to measure")
        results += bench_ceiling(body, work, args)
    report(results, args.size)
    print(summary(results))


if __name__ == "__main__":
    main()
