"""The checkout benchmark's world, built in-process against the database the server will use: the small demo
marketplace, the stores and SKUs the carts draw on (stock set through inventory), buyers with a page session, an
API token and a default address, their carts, and the SQL statement count of one place-order."""

from __future__ import annotations

import random
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from browse import BIN, VAR
from mercato.accounts import service as accounts
from mercato.accounts.model import UserView, principal_of
from mercato.accounts.repo import AccountsRepo
from mercato.accounts.sessions import open_session_in
from mercato.accounts.tokens import create_api_token_in
from mercato.app import build_runtime
from mercato.inventory import service as inventory
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.settings import load_settings
from mercato.trade import service as trade
from mercato.trade.model import AddressInput
from mercato.trade.tables import cart_lines

SECRET_KEY = "bench-secret-key-not-for-production"
SPREAD_STORES = 30
SKUS_PER_STORE = 20
SPREAD_STOCK = 1_000_000  # inventory's maximum: the spread cart never runs out
CART_STORES = 3
CART_LINES = 5
BUYER_PASSWORD = "Bench-buyer-2026"


@dataclass(frozen=True, slots=True)
class Buyer:
    user_id: str
    email: str
    token: str
    session: str
    address_id: str
    principal: Principal


@dataclass
class World:
    name: str
    url: str
    rt: Runtime
    spread: dict[str, list[str]]  # store id -> SKU ids on sale with ample stock
    spare: list[str]  # SKUs of the other stores on sale: the hot SKUs come from here
    buyers: list[Buyer] = field(default_factory=list)
    made: int = 0
    password_hash: str = ""

    def close(self) -> None:
        self.rt.engine.dispose()


# --- the database --------------------------------------------------------------------------------------------


def fresh_database(name: str, url: str) -> None:
    """An empty SQLite file or PostgreSQL schema, migrated and seeded with the small demo marketplace."""
    if name == "sqlite":
        path = url.split("///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            (VAR / (path.rsplit("/", 1)[1] + suffix)).unlink(missing_ok=True)
    else:
        _recreate_schema(url)
    subprocess.run([str(BIN / "mercato"), "db", "upgrade", "--database-url", url], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([str(BIN / "mercato"), "seed", "--size", "small", "--database-url", url], check=True,
                   stdout=subprocess.DEVNULL)


def _recreate_schema(url: str) -> None:
    schema = url.rsplit("search_path%3D", 1)[1]
    base = url.split("?", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def runtime(url: str) -> Runtime:
    return build_runtime(load_settings(database_url=url, secret_key=SECRET_KEY, var_dir=str(VAR),
                                       sandbox_callback_delay_seconds=0))


def build_world(name: str, url: str, hot_count: int) -> World:
    fresh_database(name, url)
    rt = runtime(url)
    stores = _stores_with_skus(rt)
    if len(stores) < SPREAD_STORES + 1:
        raise SystemExit(f"{name}: only {len(stores)} stores with {SKUS_PER_STORE} SKUs on sale")
    chosen = dict(list(stores.items())[:SPREAD_STORES])
    spare = [sku for skus in list(stores.values())[SPREAD_STORES:] for sku in skus]
    world = World(name, url, rt, chosen, spare, password_hash=accounts.hash_password(BUYER_PASSWORD))
    _set_stock(rt, {sku: SPREAD_STOCK for skus in chosen.values() for sku in skus})
    if len(spare) < hot_count:
        raise SystemExit(f"{name}: not enough spare SKUs for {hot_count} hot SKUs")
    return world


def _stores_with_skus(rt: Runtime) -> dict[str, list[str]]:
    """Active stores and their first SKUs on sale (active SKU, product and store), stores in a stable order."""
    query = sa.text(
        "SELECT k.store_id, k.id FROM skus k JOIN products p ON p.id = k.product_id "
        "JOIN stores s ON s.id = k.store_id WHERE k.status = 'active' AND p.status = 'active' "
        "AND s.status = 'active' ORDER BY k.store_id, k.id")
    found: dict[str, list[str]] = {}
    with rt.uow(read_only=True) as uow:
        for store_id, sku_id in uow.conn.execute(query):
            found.setdefault(store_id, []).append(sku_id)
    ordered = sorted(((s, skus) for s, skus in found.items() if len(skus) >= SKUS_PER_STORE),
                     key=lambda item: item[0])
    rng = random.Random(20261126)
    rng.shuffle(ordered)
    return {store_id: skus[:SKUS_PER_STORE] for store_id, skus in ordered}


def _set_stock(rt: Runtime, levels: dict[str, int]) -> None:
    """Set each SKU's stock as its store's owner would (inventory.set_stock)."""
    owners = _owners_of(rt, levels)
    for sku_id, quantity in levels.items():
        inventory.set_stock(rt, owners[sku_id], sku_id, quantity)


def set_stock(world: World, levels: dict[str, int]) -> None:
    _set_stock(world.rt, levels)


def _owners_of(rt: Runtime, sku_ids: Iterable[str]) -> dict[str, Principal]:
    ids = sorted(set(sku_ids))
    query = sa.text("SELECT k.id, s.owner_id FROM skus k JOIN stores s ON s.id = k.store_id "
                    "WHERE k.id IN :ids").bindparams(sa.bindparam("ids", expanding=True))
    with rt.uow(read_only=True) as uow:
        pairs = list(uow.conn.execute(query, {"ids": ids}))
    users = accounts.users_by_ids(rt, {owner for _, owner in pairs})
    return {sku: principal_of(users[owner], "token", "bench") for sku, owner in pairs}


# --- buyers and carts ----------------------------------------------------------------------------------------


def ensure_buyers(world: World, count: int, chunk: int = 200) -> list[Buyer]:
    """At least `count` buyers, each with a page session, an API token and a default address.

    Argon2 is slow on purpose, so the buyers share one password hash (as the demo loader does).
    """
    while len(world.buyers) < count:
        wanted = min(count - len(world.buyers), chunk)
        world.buyers.extend(_new_buyers(world, range(world.made, world.made + wanted)))
        world.made += wanted
    return world.buyers[:count]


def _new_buyers(world: World, numbers: range) -> list[Buyer]:
    rt = world.rt
    now = rt.clock.now()
    made: list[tuple[UserView, str, str]] = []
    with rt.uow() as uow:
        repo = AccountsRepo(uow.conn)
        for n in numbers:
            user = UserView(id=new_id(), email=f"bench-buyer-{n}@example.com", display_name=f"Buyer {n}",
                            is_operator=False, locale="en", status="active", created_at=now)
            repo.insert_user(user, world.password_hash)
            login = open_session_in(uow, user, now, rt.settings.session_days)
            token, _ = create_api_token_in(uow, user.id, "bench", None, now)
            made.append((user, token, login.session_secret))
        uow.commit()
    return [_with_address(rt, user, token, session) for user, token, session in made]


def _with_address(rt: Runtime, user: UserView, token: str, session: str) -> Buyer:
    principal = principal_of(user, "token", "bench")
    address = trade.add_address(rt, principal, AddressInput("Wang Fang", "13800000000", "Zhejiang", "Hangzhou",
                                                            "1 West Lake Road", "310000"))
    return Buyer(user.id, user.email, token, session, address.id, principal)


def spread_cart(world: World, rng: random.Random) -> dict[str, int]:
    """Five lines from three different stores, one unit each, drawn at random over every spread SKU."""
    stores = rng.sample(sorted(world.spread), CART_STORES)
    per_store = [2, 2, 1]
    cart: dict[str, int] = {}
    for store_id, lines in zip(stores, per_store, strict=True):
        for sku_id in rng.sample(world.spread[store_id], lines):
            cart[sku_id] = 1
    return cart


def fill_carts(world: World, carts: Sequence[tuple[Buyer, dict[str, int]]]) -> dict[str, str]:
    """Empty the buyers' carts, put the given lines in and preview each, as their own requests would have (the
    rows are written in one batch, the tokens used and the previews priced through the services): buyer id ->
    checkout fingerprint."""
    now = world.rt.clock.now()
    rows = [{"consumer_id": buyer.user_id, "sku_id": sku, "quantity": qty, "added_at": now}
            for buyer, cart in carts for sku, qty in cart.items()]
    ids = [buyer.user_id for buyer, _ in carts]
    with world.rt.uow() as uow:
        for part in _chunks(ids, 500):
            uow.conn.execute(cart_lines.delete().where(cart_lines.c.consumer_id.in_(part)))
        if rows:
            uow.conn.execute(cart_lines.insert(), rows)
        uow.commit()
    for buyer, _ in carts:
        accounts.principal_for_token(world.rt, buyer.token)  # the cart's requests used the token (once a minute)
    return {buyer.user_id: trade.checkout_preview(world.rt, buyer.principal).fingerprint for buyer, _ in carts}


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- reading the outcome -------------------------------------------------------------------------------------


def scalar(world: World, sql: str, **params: Any) -> int:
    with world.rt.uow(read_only=True) as uow:
        return int(uow.conn.execute(sa.text(sql), params).scalar_one() or 0)


def captured_payments(world: World) -> int:
    return scalar(world, "SELECT count(*) FROM payments WHERE status = 'captured'")


def pending_callbacks(world: World) -> int:
    return scalar(world, "SELECT count(*) FROM jobs WHERE kind = 'payments.sandbox_deliver' "
                         "AND status IN ('queued', 'running')")


def hot_outcome(world: World, sku_id: str) -> tuple[int, int, int]:
    """(units in orders not cancelled, available, reserved) of a SKU."""
    sold = scalar(world, "SELECT sum(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id "
                         "WHERE l.sku_id = :s AND o.status <> 'cancelled'", s=sku_id)
    available = scalar(world, "SELECT available FROM stock WHERE sku_id = :s", s=sku_id)
    reserved = scalar(world, "SELECT reserved FROM stock WHERE sku_id = :s", s=sku_id)
    return sold, available, reserved


# --- statements per place-order ------------------------------------------------------------------------------


@contextmanager
def counting(engine: sa.Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs (an executemany counts once)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def place_order_statements(world: World) -> int:
    """Statements one in-process `trade.service.place_order` issues for a fresh 3-store, 5-line cart."""
    buyer = ensure_buyers(world, len(world.buyers) + 1)[-1]
    world.buyers.remove(buyer)  # a buyer of its own, kept out of the HTTP pool
    fingerprint = fill_carts(world, [(buyer, spread_cart(world, random.Random(7)))])[buyer.user_id]
    with counting(world.rt.engine) as statements:
        trade.place_order(world.rt, buyer.principal, address_id=buyer.address_id, fingerprint=fingerprint,
                          idempotency_key=f"bench-count-{new_id()}")
    return len(statements)
