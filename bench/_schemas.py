"""A private PostgreSQL schema for one benchmark run: made fresh and migrated, dropped afterwards, so nothing is
left in the database the run was pointed at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato.kernel.db import make_engine
from mercato.migrate import upgrade


@contextmanager
def private_postgres(url: str, schema: str, pool_size: int = 4) -> Iterator[Engine]:
    admin = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
    private = sa.engine.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(private.render_as_string(hide_password=False), pool_size=pool_size)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
