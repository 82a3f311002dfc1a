"""Loads the generated demo marketplace into a database, fast, and prepares `mercato demo`.

A data-load tool at the composition root (like a migration): it writes the capabilities' tables directly in bulk.
A finished load leaves an audit entry `demo.seed`; seeding again is then a no-op.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table as RichTable
from rich.text import Text
from sqlalchemy.engine import Connection, Engine

from mercato.accounts.service import hash_password
from mercato.accounts.tables import users
from mercato.audit.tables import audit_log
from mercato.catalog.tables import products
from mercato.demo.activity import play_demo_activity
from mercato.demo.bulk import writer_for
from mercato.demo.generate import OPERATOR_EMAIL, Marketplace, generate, resolve_size
from mercato.demo.generate_goods import GoodsBatch, GoodsPlan
from mercato.demo.generate_parties import DEMO_LOGINS
from mercato.demo.records import DemoLogin, PlainPassword, Row
from mercato.kernel.clock import SystemClock
from mercato.kernel.db import make_engine
from mercato.kernel.errors import StateConflict
from mercato.kernel.idgen import new_id
from mercato.kernel.uow import UnitOfWork
from mercato.migrate import upgrade
from mercato.schema import load_all_tables
from mercato.search.shops import reindex_shops_in
from mercato.search.synonyms import seed_synonyms_in
from mercato.settings import Settings

DEFAULT_SEED = 20261126
SEED_ACTION = "demo.seed"
GOODS_TABLES = ("products", "skus", "stock", "stock_movements")
PRODUCTS_PER_TRANSACTION = 100_000


class DemoDatabaseNotEmpty(StateConflict):
    code = "demo_database_not_empty"
    title = "This database already holds products that are not the demo's; use an empty database"


class DemoSeedIncomplete(StateConflict):
    code = "demo_seed_incomplete"
    title = "An earlier demo load did not finish; drop the database and seed again"


@dataclass
class SeedReport:
    status: str  # seeded | already_seeded
    size: str
    seed: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


def seed_marketplace(settings: Settings, size: str = "small", seed: int = DEFAULT_SEED,
                     console: Console | None = None) -> SeedReport:
    """Migrate the database, then load the demo marketplace unless it is already there."""
    console = console or Console(quiet=True)
    resolve_size(size)  # refuse an unknown size before touching the database
    engine = make_engine(settings.resolved_database_url(), pool_size=2)
    try:
        upgrade(engine)
        report = load_marketplace(engine, generate(seed, size), console)
        _index_for_search(settings, engine, report, console)
        return report
    finally:
        engine.dispose()


def _index_for_search(settings: Settings, engine: Engine, report: SeedReport, console: Console) -> None:
    """Leave the catalog indexed for search: after a fresh load, or when an earlier seed left the index empty."""
    from mercato.kernel.runtime import Runtime
    from mercato.kernel.uow import UnitOfWorkFactory
    from mercato.search.cli import reindex_with_progress
    from mercato.search.service import has_documents_in

    rt = Runtime(settings=settings, engine=engine, uow=UnitOfWorkFactory(engine))
    if report.status != "seeded":
        with rt.uow(read_only=True) as uow:
            if has_documents_in(uow):
                return
    products, shops, rate = reindex_with_progress(rt, console, 1000)
    console.print(f"Search index: {products:,} products ({rate:,.0f} per second), {shops:,} shops")


def prepare_demo(settings: Settings, size: str = "small", console: Console | None = None) -> SeedReport:
    """Migrate, seed and play the shopping story (each once), then print where the data is and the demo logins."""
    console = console or Console(quiet=True)
    report = seed_marketplace(settings, size=size, seed=DEFAULT_SEED, console=console)
    console.print(play_demo_activity(settings, DEFAULT_SEED).line())
    url = sa.engine.make_url(settings.resolved_database_url()).render_as_string(hide_password=True)
    console.print(f"Database: {url}")
    console.print(_logins_table(DEMO_LOGINS))
    console.print("Log in at /login with any of these; every other demo merchant uses demo-merchant-2026.")
    return report


def load_marketplace(engine: Engine, market: Marketplace, console: Console) -> SeedReport:
    report = SeedReport("seeded", market.size.name, market.seed)
    with engine.connect() as conn:
        if _demo_state(conn) == "seeded":
            console.print("[yellow]The demo marketplace is already in this database; nothing to do.[/yellow]")
            return SeedReport("already_seeded", market.size.name, market.seed)
        started = time.perf_counter()
        with _bulk_settings(conn):
            _load_reference(conn, market, report, console)
            _load_goods(conn, market, report, console)
            _index_shops(conn, market, report, console)
            report.seconds = time.perf_counter() - started
            _finish(conn, market, report)
    _print_summary(console, report)
    return report


def _demo_state(conn: Connection) -> str:
    load_all_tables()
    with conn.begin():
        if conn.scalar(sa.select(audit_log.c.id).where(audit_log.c.action == SEED_ACTION).limit(1)):
            return "seeded"
        if conn.scalar(sa.select(users.c.id).where(users.c.email == OPERATOR_EMAIL)):
            raise DemoSeedIncomplete()
        if conn.scalar(sa.select(products.c.id).limit(1)):
            raise DemoDatabaseNotEmpty()
    return "absent"


@contextmanager
def _bulk_settings(conn: Connection) -> Iterator[None]:
    """On SQLite, skip fsync for this connection only while it loads (a crash means: load again)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw: Any = conn.connection.dbapi_connection
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute("PRAGMA cache_size=-65536")


def _begin(conn: Connection) -> Any:
    transaction = conn.begin()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
    return transaction


def _load_reference(conn: Connection, market: Marketplace, report: SeedReport, console: Console) -> None:
    metadata = load_all_tables()
    writer = writer_for(conn)
    with console.status("Loading people, stores and categories..."), _begin(conn):
        for name, rows in market.reference:
            source = _with_hashed_passwords(rows) if name == "users" else rows
            report.rows[name] = writer.write(metadata.tables[name], source)


def _with_hashed_passwords(rows: list[Row]) -> list[Row]:
    """Argon2 is slow on purpose, so each distinct demo password is hashed once and shared."""
    hashes: dict[str, str] = {}
    hashed: list[Row] = []
    for row in rows:
        password = row["password_hash"]
        assert isinstance(password, PlainPassword)
        if password.text not in hashes:
            hashes[password.text] = hash_password(password.text)
        hashed.append({**row, "password_hash": hashes[password.text]})
    return hashed


def _load_goods(conn: Connection, market: Marketplace, report: SeedReport, console: Console) -> None:
    metadata = load_all_tables()
    writer = writer_for(conn)
    for name in GOODS_TABLES:
        report.rows[name] = 0
    with _progress(console) as progress:
        task = progress.add_task("Loading products", total=market.size.products, rows=report.total_rows)
        transaction = _begin(conn)
        done_in_transaction = 0
        for batch in goods_batches(market):
            _write_batch(writer, metadata, batch, report)
            done_in_transaction += len(batch.products)
            if done_in_transaction >= PRODUCTS_PER_TRANSACTION:
                transaction.commit()
                transaction, done_in_transaction = _begin(conn), 0
            progress.update(task, advance=len(batch.products), rows=report.total_rows)
        transaction.commit()


# A few bilingual synonyms the operator would keep, so the demo's searches show them at work.
DEMO_SYNONYMS = (
    ("sneakers", ("trainers", "运动鞋", "球鞋")),
    ("phone", ("mobile", "cellphone", "手机")),
    ("laptop", ("notebook", "笔记本电脑")),
    ("sofa", ("couch", "沙发")),
    ("jacket", ("coat", "外套", "夹克")),
    ("headphones", ("earphones", "耳机")),
)


def _index_shops(conn: Connection, market: Marketplace, report: SeedReport, console: Console) -> None:
    """Shop documents for every demo store (names, tags and, once the products are indexed, their goods' terms)
    and the demo synonyms, through search's own use cases. Runs after the product index is built."""
    store_ids = [str(row["id"]) for name, rows in market.reference if name == "stores" for row in rows]
    with console.status("Indexing shops..."):
        uow = UnitOfWork(conn, _begin(conn))
        report.rows["search_shops"] = reindex_shops_in(uow, now=SystemClock().now(), store_ids=store_ids)
        report.rows["search_synonyms"] = seed_synonyms_in(uow, DEMO_SYNONYMS, SystemClock().now())
        uow.commit()


_worker_plan: GoodsPlan | None = None


def _init_worker(plan: GoodsPlan) -> None:
    global _worker_plan
    _worker_plan = plan


def _worker_batch(chunk: int) -> GoodsBatch:
    assert _worker_plan is not None
    return _worker_plan.batch(chunk)


def goods_batches(market: Marketplace, ahead: int = 3) -> Iterator[GoodsBatch]:
    """The goods in order, generated a few chunks ahead in a second process while this one writes, so a
    large load keeps two cores busy. Small loads skip the process (forking costs more than it saves)."""
    chunks = market.goods.chunks()
    if chunks <= 4:
        yield from market.batches()
        return
    with ProcessPoolExecutor(1, initializer=_init_worker, initargs=(market.goods,)) as pool:
        pending: deque[Future[GoodsBatch]] = deque()
        for chunk in range(chunks):
            pending.append(pool.submit(_worker_batch, chunk))
            if len(pending) > ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _write_batch(writer: Any, metadata: sa.MetaData, batch: GoodsBatch, report: SeedReport) -> None:
    for name in GOODS_TABLES:
        report.rows[name] += writer.write(metadata.tables[name], getattr(batch, name))


class RowsPerSecond(ProgressColumn):
    """Every row written (products, SKUs, stock, movements) per second since the load began."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.fields.get("rows", 0) / elapsed if elapsed else 0.0
        return Text(f"{rate:,.0f} rows/s", style="progress.data.speed")


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    RowsPerSecond(), TimeElapsedColumn(), TimeRemainingColumn(), console=console)


def _finish(conn: Connection, market: Marketplace, report: SeedReport) -> None:
    """Refresh planner statistics, then leave the marker that makes the next seed a no-op."""
    if conn.dialect.name == "postgresql":
        # VACUUM too: a bulk load leaves the visibility map empty, and index-only scans (the listings') would read
        # the heap until autovacuum comes round. VACUUM cannot run inside a transaction.
        conn.commit()
        autocommit = conn.execution_options(isolation_level="AUTOCOMMIT")
        for name in ("users", "stores", "categories", *GOODS_TABLES):
            autocommit.exec_driver_sql(f"VACUUM (ANALYZE) {name}")
        autocommit.commit()  # ends SQLAlchemy's bookkeeping transaction; the server ran each VACUUM on its own
        conn.execution_options(isolation_level="READ COMMITTED")
    else:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    with conn.begin():
        operator = conn.scalar(sa.select(users.c.id).where(users.c.email == OPERATOR_EMAIL))
        conn.execute(audit_log.insert().values(
            id=new_id(), at=SystemClock().now(), actor_id=operator, action=SEED_ACTION, target_type="demo",
            target_id=f"{market.size.name}:{market.seed}",
            detail={"size": market.size.name, "seed": market.seed, "rows": report.rows,
                    "seconds": round(report.seconds, 2)},
        ))


def _print_summary(console: Console, report: SeedReport) -> None:
    table = RichTable(title=f"Demo marketplace ({report.size}, seed {report.seed})")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in report.rows.items():
        table.add_row(name, f"{count:,}")
    table.add_row("[bold]total[/bold]", f"[bold]{report.total_rows:,}[/bold]")
    console.print(table)
    console.print(f"Loaded in {report.seconds:.1f} s ({report.rows_per_second:,.0f} rows/s)")


def _logins_table(logins: tuple[DemoLogin, ...]) -> RichTable:
    table = RichTable(title="Demo logins")
    # Emails and passwords are what people copy: never truncated, whatever the terminal's width.
    for column in ("role", "email", "password"):
        table.add_column(column, no_wrap=True, overflow="fold", min_width=len(column))
    table.add_column("what for", overflow="fold")
    for login in logins:
        table.add_row(login.role, login.email, login.password, login.note)
    return table
