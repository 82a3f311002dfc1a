"""What every `mercato` command shares: the --database-url option and a runtime for a one-off command (a small
pool; no web app, no embedded worker)."""

from __future__ import annotations

from typing import Annotated

import typer

from mercato.kernel.db import make_engine
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.settings import load_settings

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", envvar="MERCATO_DATABASE_URL", help="SQLAlchemy URL (default: SQLite under ./var/)"),
]


def command_runtime(database_url: str | None) -> Runtime:
    settings = load_settings(database_url=database_url)
    engine = make_engine(settings.resolved_database_url(), pool_size=2)
    return Runtime(settings=settings, engine=engine, uow=UnitOfWorkFactory(engine))
