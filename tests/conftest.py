"""Shared fixtures: every data-layer test runs on SQLite and, when MERCATO_TEST_POSTGRES_URL is set, PostgreSQL.

Each test runs inside an outer transaction that is rolled back afterwards; the code under test commits
savepoints through the ordinary unit of work.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import Engine

from mercato.accounts.passwords import use_fast_hashing_for_tests
from mercato.app import create_app
from mercato.kernel.clock import FixedClock
from mercato.kernel.db import make_engine
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import SavepointUnitOfWorkFactory
from mercato.migrate import upgrade
from mercato.settings import Settings
from mercato.wiring import event_bus, segment_sources

POSTGRES_URL = os.environ.get("MERCATO_TEST_POSTGRES_URL")

# No per-example deadline (a shared 2-core machine is not a stopwatch); in CI the examples are derandomised, so a
# run is repeatable and a property failure found locally is fixed rather than met by chance on a submission.
hypothesis_settings.register_profile("mercato", deadline=None)
hypothesis_settings.register_profile("ci", parent=hypothesis_settings.get_profile("mercato"), derandomize=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "mercato")

# argon2 is slow by design; tests create many people, so they hash with cheap parameters (the production
# parameters are tested in tests/accounts).
use_fast_hashing_for_tests()
START = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)


def _postgres_engine(schema: str) -> Engine:
    assert POSTGRES_URL
    base = make_engine(POSTGRES_URL, pool_size=2)
    with base.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    base.dispose()
    url = POSTGRES_URL + ("&" if "?" in POSTGRES_URL else "?") + f"options=-csearch_path%3D{schema}"
    return make_engine(url, pool_size=20)


def _drop_postgres_schema(schema: str) -> None:
    assert POSTGRES_URL
    base = make_engine(POSTGRES_URL, pool_size=1)
    with base.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    base.dispose()


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("db") / "mercato.db"
    engine = make_engine(f"sqlite:///{path}", pool_size=20)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests skipped: set MERCATO_TEST_POSTGRES_URL (for example "
                    "postgresql://postgres@127.0.0.1:5432/test) to run them")
    schema = f"mercato_test_{secrets.token_hex(4)}"
    engine = _postgres_engine(schema)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        _drop_postgres_schema(schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def private_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database of each kind, private to the test: for tests that commit for real
    (concurrency), so they leave no rows behind for other tests."""
    if request.param == "postgresql" and not POSTGRES_URL:
        pytest.skip("PostgreSQL tests skipped: set MERCATO_TEST_POSTGRES_URL to run them")
    schema = f"mercato_private_{secrets.token_hex(4)}"
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'private.db'}", pool_size=25)
    else:
        engine = _postgres_engine(schema)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        if request.param == "postgresql":
            _drop_postgres_schema(schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The session's migrated engine of each kind; data committed here is seen by later tests (prefer `rt`)."""
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def client(rt: Runtime) -> Iterator[TestClient]:
    """The whole app over httpx (Starlette's TestClient is an httpx client with an ASGI transport)."""
    with TestClient(create_app(rt), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path, secret_key="test-secret-key-0123456789", login_max_failures=5)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def rt(engine: Engine, settings: Settings, clock: FixedClock) -> Iterator[Runtime]:
    """A runtime whose units of work are savepoints in one transaction rolled back after the test."""
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield Runtime(settings=settings, engine=engine, uow=SavepointUnitOfWorkFactory(conn), clock=clock,
                      events=event_bus(), segments=segment_sources())
    finally:
        outer.rollback()
        conn.close()
