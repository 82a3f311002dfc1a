"""Two operators deciding the same application at the same moment: exactly one decision wins, on both engines.
The use cases commit for real, so each test gets a private database and leaves no rows behind for other tests."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from stores_helpers import independent_draft, person

from mercato.kernel.clock import FixedClock
from mercato.kernel.db import make_engine
from mercato.kernel.errors import DomainError
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.migrate import upgrade
from mercato.settings import Settings
from mercato.stores import service as stores
from mercato.stores.errors import ApplicationAlreadyDecided
from mercato.wiring import event_bus

POSTGRES_URL = os.environ.get("MERCATO_TEST_POSTGRES_URL")


def _postgres_schema_engine(schema: str) -> Engine:
    assert POSTGRES_URL
    base = make_engine(POSTGRES_URL, pool_size=1)
    with base.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    base.dispose()
    url = POSTGRES_URL + ("&" if "?" in POSTGRES_URL else "?") + f"options=-csearch_path%3D{schema}"
    return make_engine(url, pool_size=4)


def _drop_postgres_schema(schema: str) -> None:
    assert POSTGRES_URL
    base = make_engine(POSTGRES_URL, pool_size=1)
    with base.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    base.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def private_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database of each kind, private to the test."""
    schema = f"mercato_stores_race_{secrets.token_hex(4)}"
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'race.db'}", pool_size=4)
    elif not POSTGRES_URL:
        pytest.skip("set MERCATO_TEST_POSTGRES_URL to race on PostgreSQL")
    else:
        engine = _postgres_schema_engine(schema)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        if request.param == "postgresql":
            _drop_postgres_schema(schema)


def test_two_operators_approving_at_once_open_exactly_one_store(private_engine: Engine, settings: Settings,
                                                                      clock: FixedClock) -> None:
    rt = Runtime(settings=settings, engine=private_engine, uow=UnitOfWorkFactory(private_engine), clock=clock,
                 events=event_bus())
    tag = secrets.token_hex(4)
    operators = [person(rt, f"ops-{i}-{tag}@example.com", operator=True) for i in range(2)]
    applicant = person(rt, f"li-{tag}@example.com")
    application = stores.apply_for_store(rt, applicant, independent_draft(slug=f"race-{tag}"))

    def approve(index: int) -> str:
        # Both would open a store with the same slug: without the row lock the loser hits the unique index (500).
        try:
            stores.approve_application(rt, operators[index], application.id)
        except DomainError as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(approve, range(2)))
    assert outcomes == sorted(["ok", ApplicationAlreadyDecided.code])
    assert [m.store.slug for m in stores.my_stores(rt, applicant)] == [f"race-{tag}"]
