"""Loading the demo into a fresh SQLite file and a fresh PostgreSQL schema: every row lands, reads back as the
generator made it, the demo logins work, and seeding again changes nothing."""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from rich.console import Console
from sqlalchemy.engine import Engine

from mercato.accounts.passwords import verify_password
from mercato.accounts.tables import users
from mercato.catalog.tables import products, skus
from mercato.demo.generate import Marketplace, generate
from mercato.demo.load import DemoSeedIncomplete, load_marketplace, prepare_demo, seed_marketplace
from mercato.inventory.tables import stock
from mercato.kernel.db import make_engine
from mercato.migrate import upgrade
from mercato.settings import Settings
from mercato.stores.tables import stores

POSTGRES_URL = os.environ.get("MERCATO_TEST_POSTGRES_URL")
SEED = 11


def _fresh_postgres(schema: str) -> Engine:
    assert POSTGRES_URL
    with make_engine(POSTGRES_URL, pool_size=1).begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = POSTGRES_URL + ("&" if "?" in POSTGRES_URL else "?") + f"options=-csearch_path%3D{schema}"
    return make_engine(url, pool_size=2)


def _drop_postgres(schema: str) -> None:
    assert POSTGRES_URL
    base = make_engine(POSTGRES_URL, pool_size=1)
    with base.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    base.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database of each kind, private to the test (the loader commits for real)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}", pool_size=2)
    elif not POSTGRES_URL:
        pytest.skip("set MERCATO_TEST_POSTGRES_URL to load the demo into PostgreSQL")
    else:
        schema = f"mercato_demo_test_{secrets.token_hex(4)}"
        engine = _fresh_postgres(schema)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        if request.param == "postgresql":
            _drop_postgres(schema)


@pytest.fixture(scope="module")
def market() -> Marketplace:
    return generate(SEED, "small")


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.scalar(sa.select(sa.func.count()).select_from(t)) or 0
                for t in (users, stores, products, skus, stock)}


def _quiet() -> Console:
    return Console(file=io.StringIO(), width=120)


def test_loading_small_writes_every_generated_row_and_a_second_seed_is_a_no_op(fresh_engine: Engine,
                                                                                market: Marketplace) -> None:
    report = load_marketplace(fresh_engine, market, _quiet())
    expected = {"users": len(market.table("users")), "stores": 100, "products": 2_000,
                "skus": report.rows["skus"], "stock": report.rows["skus"]}
    assert report.status == "seeded" and _counts(fresh_engine) == expected
    again = load_marketplace(fresh_engine, generate(SEED, "small"), _quiet())
    assert again.status == "already_seeded"
    assert _counts(fresh_engine) == expected


def test_loaded_rows_read_back_exactly_as_generated(fresh_engine: Engine, market: Marketplace) -> None:
    load_marketplace(fresh_engine, market, _quiet())
    first = market.goods.batch(0)
    with fresh_engine.connect() as conn:
        product = conn.execute(sa.select(products).order_by(products.c.id).limit(1)).mappings().one()
        sku_rows = conn.execute(sa.select(skus).where(skus.c.product_id == product["id"])
                                .order_by(skus.c.position)).mappings().all()
    assert dict(product) == first.products[0]
    assert [dict(row) for row in sku_rows] == [s for s in first.skus if s["product_id"] == product["id"]]


def test_demo_logins_verify_and_their_merchants_own_stores_with_goods(fresh_engine: Engine,
                                                                       market: Marketplace) -> None:
    load_marketplace(fresh_engine, market, _quiet())
    with fresh_engine.connect() as conn:
        for login in market.logins:
            password_hash = conn.scalar(sa.select(users.c.password_hash).where(users.c.email == login.email))
            assert password_hash is not None and verify_password(password_hash, login.password)
        for email, kind in (("flagship@demo.mercato", "flagship"), ("indie@demo.mercato", "independent")):
            owned = sa.select(stores.c.id).join(users, users.c.id == stores.c.owner_id) \
                .where(users.c.email == email, stores.c.kind == kind)
            assert (conn.scalar(sa.select(sa.func.count()).where(products.c.store_id.in_(owned))) or 0) > 0


def test_a_half_finished_earlier_load_is_refused_and_nothing_is_written(fresh_engine: Engine,
                                                                        market: Marketplace) -> None:
    with fresh_engine.begin() as conn:
        conn.execute(users.insert().values(market.table("users")[0] | {"password_hash": "x"}))
    with pytest.raises(DemoSeedIncomplete) as refused:
        load_marketplace(fresh_engine, market, _quiet())
    assert refused.value.code == "demo_seed_incomplete"
    assert _counts(fresh_engine) == {"users": 1, "stores": 0, "products": 0, "skus": 0, "stock": 0}


def test_prepare_demo_migrates_an_empty_sqlite_file_seeds_it_once_and_prints_the_logins(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'fresh.db'}", secret_key="k" * 32)
    out = io.StringIO()
    first = prepare_demo(settings, console=Console(file=out, width=160))
    second = seed_marketplace(settings, console=_quiet())
    printed = out.getvalue()
    assert (first.status, second.status) == ("seeded", "already_seeded")
    assert "consumer@demo.mercato" in printed and "demo-operator-2026" in printed and "rows/s" in printed
