"""The `mercato` command: serve, db upgrade, seed, demo, user create-operator. Every command takes --database-url."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from mercato.settings import Settings, load_settings

app = typer.Typer(help="Mercato marketplace", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema", no_args_is_help=True)
user_app = typer.Typer(help="People", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
console = Console()

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", envvar="MERCATO_DATABASE_URL", help="SQLAlchemy URL (default: SQLite under ./var/)"),
]


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
    """Serve the marketplace (pages, API at /api/v1, OpenAPI at /docs)."""
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


def main() -> None:
    app()
