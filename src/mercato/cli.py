"""The `mercato` command: serve, worker, db upgrade, seed, demo, user create-operator, ledger verify, jobs purge.

Every command takes --database-url.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from mercato.credit.cli import app as credit_app
from mercato.kernel.commands import DatabaseUrl
from mercato.recommend.cli import app as recommend_app
from mercato.search.cli import app as search_app
from mercato.settings import Settings, load_settings

if TYPE_CHECKING:
    from mercato.kernel.worker import WorkerThreads

app = typer.Typer(help="Mercato marketplace", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema", no_args_is_help=True)
user_app = typer.Typer(help="People", no_args_is_help=True)
ledger_app = typer.Typer(help="The double-entry ledger", no_args_is_help=True)
jobs_app = typer.Typer(help="The durable job queue", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(ledger_app, name="ledger")
app.add_typer(jobs_app, name="jobs")
app.add_typer(recommend_app, name="recommend")
app.add_typer(search_app, name="search")
app.add_typer(credit_app, name="credit")
console = Console()

def _settings(database_url: str | None) -> Settings:
    return load_settings(database_url=database_url)


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None, revision: str = "head") -> None:
    """Apply schema migrations up to REVISION."""
    from mercato.kernel.db import make_engine
    from mercato.migrate import upgrade

    settings = _settings(database_url)
    engine = make_engine(settings.resolved_database_url())
    upgrade(engine, revision)
    console.print(f"[green]database at {revision}[/green]")
    engine.dispose()


@app.command()
def serve(
    database_url: DatabaseUrl = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = typer.Option(1, help="uvicorn worker processes"),
) -> None:
    """Serve the marketplace (pages, API at /api/v1, OpenAPI at /docs) and run its jobs.

    Each server process runs one job worker thread unless MERCATO_EMBEDDED_WORKER=false.
    """
    import os

    import uvicorn

    settings = _settings(database_url)
    os.environ["MERCATO_DATABASE_URL"] = settings.resolved_database_url()
    settings.resolved_secret_key()  # create it once, before worker processes race for it
    uvicorn.run("mercato.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False)


@app.command()
def seed(
    database_url: DatabaseUrl = None,
    size: str = typer.Option("small", help="small | medium | large"),
    seed_value: int = typer.Option(20261126, "--seed", help="random seed; the same seed gives the same data"),
) -> None:
    """Generate a realistic bilingual demo marketplace (deterministic from --seed)."""
    from mercato.demo.load import seed_marketplace
    from mercato.kernel.errors import DomainError

    try:
        seed_marketplace(_settings(database_url), size=size, seed=seed_value, console=console)
    except DomainError as refused:  # an unknown size, or a database that holds other data
        console.print(f"[red]{refused.message}[/red]")
        raise typer.Exit(1) from None


@app.command()
def demo(
    database_url: DatabaseUrl = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    size: str = typer.Option("small", help="small | medium | large"),
) -> None:
    """Migrate, seed (once) and serve the demo marketplace, printing the demo logins."""
    from mercato.demo.load import prepare_demo
    from mercato.kernel.errors import DomainError

    settings = _settings(database_url)
    try:
        prepare_demo(settings, size=size, console=console)
    except DomainError as refused:
        console.print(f"[red]{refused.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"[bold]Mercato is at http://{host}:{port}[/bold]  (Ctrl-C to stop)")
    serve(database_url=settings.resolved_database_url(), host=host, port=port, workers=1)


@user_app.command("create-operator")
def create_operator(
    email: str,
    display_name: str = typer.Option("Operator", "--name"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    database_url: DatabaseUrl = None,
) -> None:
    """Create a platform operator account."""
    from mercato.accounts import service as accounts
    from mercato.app import build_runtime

    rt = build_runtime(_settings(database_url))
    user = accounts.create_operator(rt, email=email, password=password, display_name=display_name)
    console.print(f"[green]operator {user.email} created[/green]")


@app.command()
def worker(
    database_url: DatabaseUrl = None,
    concurrency: int = typer.Option(1, min=1, max=64, help="worker threads in this process"),
    drain: bool = typer.Option(False, help="exit once no job is due, instead of waiting for more"),
) -> None:
    """Run background jobs until SIGTERM or Ctrl-C (the jobs in hand finish first).

    Run as many workers as you like: on PostgreSQL they claim with SKIP LOCKED, on SQLite through its single writer.
    """
    import logging

    from mercato.app import build_runtime
    from mercato.kernel.worker import WorkerThreads
    from mercato.wiring import job_handlers

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    rt = build_runtime(_settings(database_url))
    threads = WorkerThreads(rt, job_handlers(), concurrency)
    try:
        if drain:
            ran = _drain(threads)
        else:
            console.print(f"[bold]{concurrency} job worker(s) on {rt.database}[/bold]  (SIGTERM or Ctrl-C to stop)")
            ran = _run_until_signalled(threads)
    finally:
        rt.engine.dispose()
    console.print(f"worker stopped: {ran} job(s) run")


def _drain(threads: WorkerThreads) -> int:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(threads.workers)) as pool:
        return sum(pool.map(lambda w: w.drain(threads.stop_event), threads.workers))


def _run_until_signalled(threads: WorkerThreads) -> int:
    """Start the threads; the first SIGTERM/SIGINT asks them to stop after the job in hand, a second one kills."""
    import signal

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def stop(_signum: int, _frame: Any) -> None:
        threads.stop_event.set()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    for sig in previous:
        signal.signal(sig, stop)
    try:
        threads.start()
        while threads.alive():
            threads.join(timeout=0.5)
    finally:
        threads.stop_event.set()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return threads.ran


@ledger_app.command("verify")
def ledger_verify(database_url: DatabaseUrl = None) -> None:
    """Check the ledger; prints "ledger ok", or each problem and exits with 1.

    Checks conservation, escrow against paid-but-unsettled orders, merchant balances against settlements less payouts.
    """
    from mercato.aftersales.service import verify_aftersales
    from mercato.app import build_runtime
    from mercato.trade.service import verify_ledger

    rt = build_runtime(_settings(database_url))
    try:
        problems = verify_ledger(rt) + verify_aftersales(rt)
    finally:
        rt.engine.dispose()
    if not problems:
        typer.echo("ledger ok")
        return
    for problem in problems:  # plain lines, never wrapped: scripts grep them
        typer.echo(describe_problem(problem))
    typer.echo(f"ledger: {len(problems)} problem(s)")
    raise typer.Exit(1)


def describe_problem(problem: Any) -> str:
    """One line per problem: `check where: detail (expected X, actual Y)`, from whichever fields it has."""
    head = " ".join(str(v) for v in (getattr(problem, "check", None), getattr(problem, "where", None)) if v)
    detail = getattr(problem, "detail", None) or ""
    figures = [f"{name} {getattr(problem, name)}" for name in ("expected", "actual")
               if getattr(problem, name, None) is not None]
    line = f"{head}: {detail}" if head and detail else head or str(detail) or str(problem)
    return f"{line} ({', '.join(figures)})" if figures else line


@jobs_app.command("purge")
def jobs_purge(
    database_url: DatabaseUrl = None,
    days: int = typer.Option(30, min=1, help="delete done jobs that finished more than this many days ago"),
) -> None:
    """Delete old done jobs (dead ones stay for an operator to see)."""
    from datetime import timedelta

    from mercato.app import build_runtime
    from mercato.kernel.jobs import purge_done

    rt = build_runtime(_settings(database_url))
    try:
        with rt.uow() as uow:
            purged = purge_done(uow, rt.clock.now() - timedelta(days=days))
            uow.commit()
    finally:
        rt.engine.dispose()
    console.print(f"{purged} done job(s) purged")


def main() -> None:
    app()
