"""Helpers for the crash-recovery test: a market of shoppers with filled carts, a real `mercato serve` process in
its own process group (frozen, thawed and killed as a whole), shopper threads that check out over HTTP and record
every answer (and every request the kill cut off), and a read of the payment states at the moment of the kill."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from trade_helpers import World, build_world, list_skus

from mercato.accounts import service as accounts
from mercato.kernel.jobs import jobs
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments.tables import payments, sandbox_sessions
from mercato.trade import service as trade
from mercato.trade.model import AddressInput
from support import PASSWORD, csrf_from, person

MERCATO = Path(sys.executable).with_name("mercato")  # the command of the environment running the tests
SECRET = "crash-recovery-secret-key-0123456789"
ADDRESS = AddressInput("Wang Fang", "13800000000", "Zhejiang", "Hangzhou", "1 West Lake Road", "310000")


# --- the market --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shopper:
    """A consumer with an address, an API token (the API) and a page session (the gateway's page)."""

    index: int
    principal: Principal
    token: str
    session_secret: str
    address_id: str
    basket: tuple[tuple[str, int], ...]  # put in the cart again before every checkout after the first
    scarce: str | None  # in the first cart only: a SKU with fewer units than shoppers who want it


@dataclass(frozen=True)
class Market:
    world: World
    shoppers: list[Shopper]


def build_market(rt: Runtime, count: int) -> Market:
    """The three stores of trade_helpers plus a running shoe in two sizes (200 units each), a bulk tea (1,000) and a
    last-three tea bowl that every even shopper has in the first cart; `count` shoppers with their carts filled."""
    world = build_world(rt)
    shoes = list_skus(rt, world.shops["nike"], world.tree, "RUN", [(39900, 200), (59900, 200)])
    bulk = list_skus(rt, world.shops["farm"], world.tree, "BULK", [(1250, 1000)])[0]
    bowl = list_skus(rt, world.shops["tea"], world.tree, "BOWL", [(990, 3)])[0]
    shoppers = []
    for i in range(count):
        principal = person(rt, f"shopper{i}@example.com", name=f"Shopper {i}")
        address = trade.add_address(rt, principal, ADDRESS)
        basket = ((bulk, 1 + i % 2), (shoes[i % 2], 1))
        scarce = bowl if i % 2 == 0 else None
        for sku_id, quantity in basket + (((scarce, 1),) if scarce else ()):
            trade.add_to_cart(rt, principal, sku_id, quantity)
        token, _ = accounts.create_api_token(rt, principal, "load")
        session = accounts.login(rt, principal.email, PASSWORD)
        shoppers.append(Shopper(i, principal, token, session.session_secret, address.id, basket, scarce))
    return Market(world, shoppers)


# --- the server --------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def mercato_env(var_dir: Path, **settings: str) -> dict[str, str]:
    """This process's environment without any MERCATO_ setting of its own, plus `settings` (MERCATO_<NAME>)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERCATO_")}
    env.update({"MERCATO_VAR_DIR": str(var_dir), "MERCATO_SECRET_KEY": SECRET})
    env.update({f"MERCATO_{name.upper()}": value for name, value in settings.items()})
    return env


@dataclass
class Server:
    """`mercato serve` in a process group of its own: a signal to the group reaches every uvicorn worker."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def signal(self, sig: signal.Signals) -> None:
        os.killpg(self.proc.pid, sig)

    def kill(self) -> None:
        """SIGKILL every process of the group and wait until none is left."""
        try:
            self.signal(signal.SIGKILL)
        except ProcessLookupError:
            return
        self.proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while True:  # uvicorn's worker processes are reaped by init, not by us
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return
            assert time.monotonic() < deadline, "server processes survived SIGKILL"
            time.sleep(0.02)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]


@contextmanager
def serving(database_url: str, var_dir: Path, *, workers: int, **settings: str) -> Iterator[Server]:
    """`mercato serve` on a free port, healthy; its process group is killed on the way out."""
    server = _start(database_url, var_dir, workers, settings)
    try:
        yield server
    finally:
        server.kill()


def _start(database_url: str, var_dir: Path, workers: int, settings: Mapping[str, str], attempts: int = 3) -> Server:
    """Start the server and wait for its health check; again on another port if another process took this one
    between our probe and the server's bind."""
    for attempt in range(1, attempts + 1):
        port = free_port()
        log = var_dir / f"serve-{port}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [str(MERCATO), "serve", "--database-url", database_url, "--host", "127.0.0.1", "--port", str(port),
                 "--workers", str(workers)],
                cwd=var_dir, env=mercato_env(var_dir, **settings), stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        server = Server(proc, port, log)
        if _healthy(server):
            return server
        server.kill()
        port_taken = "address already in use" in server.log_text().lower()
        assert port_taken and attempt < attempts, f"mercato serve exited early:\n{server.log_text()}"
    raise AssertionError("unreachable")


def _healthy(server: Server, seconds: float = 60.0) -> bool:
    """True once the health check answers; False if the server exits first."""
    deadline = time.monotonic() + seconds
    while server.proc.poll() is None:
        try:
            if httpx.get(f"{server.url}/api/v1/health", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"mercato serve never became healthy:\n{server.log_text()}"
        time.sleep(0.1)
    return False


# --- the load ----------------------------------------------------------------------------------------------------

class _Stopped(Exception):
    """The shopper stops: the server is gone (or the test is over)."""


@dataclass(frozen=True)
class Lost:
    """A request the kill cut off: sent before the kill, never answered."""

    kind: str  # place | pay | approve | cart | preview | gateway
    shopper: Shopper
    key: str | None = None
    fingerprint: str | None = None
    payment_id: str | None = None


@dataclass
class Load:
    """Shopper threads checking out over HTTP until stopped, each round: refill the cart, preview, place (with an
    Idempotency-Key), then by turn leave it unpaid, open the gateway's checkout and walk away, or approve there."""

    base_url: str
    shoppers: list[Shopper]
    rounds: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    in_flight: Counter[str] = field(default_factory=Counter)  # requests sent and not yet answered, by kind
    killed_at: float | None = None
    placed: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # payment -> (consumer, orders)
    started: set[str] = field(default_factory=set)  # payments whose checkout opened at the gateway
    approved: set[str] = field(default_factory=set)  # payments approved on the gateway's page
    refused: list[str] = field(default_factory=list)  # codes of placements refused
    replays: list[tuple[str, str]] = field(default_factory=list)  # (first payment id, the replay's)
    lost: list[Lost] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> Load:
        self.threads = [threading.Thread(target=self._shop, args=(s,), name=f"shopper{s.index}", daemon=True)
                        for s in self.shoppers]
        for thread in self.threads:
            thread.start()
        return self

    def join(self, seconds: float = 60.0) -> None:
        self.stop.set()
        deadline = time.monotonic() + seconds
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self.threads), "a shopper thread did not stop"

    def on_the_wire(self) -> Counter[str]:
        """Requests in flight by kind (counted before they are sent, so a frozen server has seen no other)."""
        with self.lock:
            return Counter(self.in_flight)

    # --- one shopper ---------------------------------------------------------------------------------------------

    def _shop(self, shopper: Shopper) -> None:
        headers = {"Authorization": f"Bearer {shopper.token}"}
        with httpx.Client(base_url=self.base_url, headers=headers, timeout=60.0,
                          cookies={"mercato_session": shopper.session_secret}) as client:
            try:
                for round_no in range(self.rounds):
                    if self.stop.is_set():
                        return
                    self._round(client, shopper, round_no)
            except _Stopped:
                return
            except Exception as exc:  # any other failure is the test's to report, not the thread's to swallow
                self._unexpected(shopper, f"{type(exc).__name__}: {exc}")

    def _round(self, client: httpx.Client, shopper: Shopper, round_no: int) -> None:
        if round_no > 0:
            for sku_id, quantity in shopper.basket:
                self._call(client, shopper, Lost("cart", shopper), "POST", "/api/v1/cart/lines", {200},
                           json={"sku_id": sku_id, "quantity": quantity})
        placed = self._place(client, shopper, retry_without=shopper.scarce if round_no == 0 else None,
                             replay=round_no == 1)
        turn = (shopper.index + round_no) % 4
        if placed is None or turn == 0:
            return  # left unpaid: the reservation waits for the payment timeout
        redirect = self._pay(client, shopper, placed)
        if turn != 1:
            self._approve(client, shopper, placed, redirect)

    def _place(self, client: httpx.Client, shopper: Shopper, *, retry_without: str | None,
               replay: bool) -> str | None:
        preview = self._call(client, shopper, Lost("preview", shopper), "GET", "/api/v1/checkout/preview", {200})
        fingerprint = preview.json()["fingerprint"]
        key = uuid.uuid4().hex
        body = {"address_id": shopper.address_id, "fingerprint": fingerprint}
        lost = Lost("place", shopper, key=key, fingerprint=fingerprint)
        answer = self._call(client, shopper, lost, "POST", "/api/v1/orders", {201, 409}, json=body,
                            headers={"Idempotency-Key": key})
        if answer.status_code == 409:
            with self.lock:
                self.refused.append(answer.json().get("code", "?"))
            if retry_without is None:
                return None
            self._call(client, shopper, Lost("cart", shopper), "DELETE", f"/api/v1/cart/lines/{retry_without}",
                       {200})
            return self._place(client, shopper, retry_without=None, replay=replay)
        payment_id = str(answer.json()["payment_id"])
        with self.lock:
            self.placed[payment_id] = (shopper.principal.user_id,
                                       tuple(o["order_id"] for o in answer.json()["orders"]))
        if replay:  # a client that lost the answer sends the same request again
            again = self._call(client, shopper, lost, "POST", "/api/v1/orders", {201}, json=body,
                               headers={"Idempotency-Key": key})
            with self.lock:
                self.replays.append((payment_id, str(again.json()["payment_id"])))
        return payment_id

    def _pay(self, client: httpx.Client, shopper: Shopper, payment_id: str) -> str:
        key = uuid.uuid4().hex
        answer = self._call(client, shopper, Lost("pay", shopper, key=key, payment_id=payment_id), "POST",
                            f"/api/v1/payments/{payment_id}/pay", {200}, headers={"Idempotency-Key": key})
        with self.lock:
            self.started.add(payment_id)
        return str(answer.json()["redirect_url"])

    def _approve(self, client: httpx.Client, shopper: Shopper, payment_id: str, redirect: str) -> None:
        page = self._call(client, shopper, Lost("gateway", shopper, payment_id=payment_id), "GET", redirect, {200})
        self._call(client, shopper, Lost("approve", shopper, payment_id=payment_id), "POST", redirect, {303},
                   data={"csrf_token": csrf_from(page.text), "decision": "approve"})
        with self.lock:
            self.approved.add(payment_id)

    # --- one request ---------------------------------------------------------------------------------------------

    def _call(self, client: httpx.Client, shopper: Shopper, lost: Lost, method: str, url: str,
              expected: set[int], **kwargs: Any) -> httpx.Response:
        sent = time.monotonic()
        with self.lock:
            self.in_flight[lost.kind] += 1
        try:
            answer = client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            self._cut_off(shopper, lost, sent, exc)
            raise _Stopped() from exc
        finally:
            with self.lock:
                self.in_flight[lost.kind] -= 1
        if answer.status_code not in expected:
            self._unexpected(shopper, f"{method} {url} -> {answer.status_code} {answer.text[:300]}")
            raise _Stopped()
        return answer

    def _cut_off(self, shopper: Shopper, lost: Lost, sent: float, exc: Exception) -> None:
        with self.lock:
            if self.killed_at is None:
                self.unexpected.append(f"shopper{shopper.index}: {lost.kind} failed before the kill: {exc!r}")
            elif sent < self.killed_at:
                self.lost.append(lost)

    def _unexpected(self, shopper: Shopper, what: str) -> None:
        with self.lock:
            if self.killed_at is None:
                self.unexpected.append(f"shopper{shopper.index}: {what}")


# --- the moment of the kill ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mix:
    """Payments by state, and the jobs a worker holds, as committed in the database."""

    captured: int
    awaiting_callback: int  # approved at the gateway, its notice not yet delivered
    unpaid: int  # open, never approved
    running_jobs: frozenset[str]


def observe(engine: Engine) -> Mix:
    approved = sa.exists().where(sandbox_sessions.c.payment_id == payments.c.id,
                                 sandbox_sessions.c.status == "succeeded")
    count = sa.select(sa.func.count()).select_from(payments)
    with engine.connect() as conn:
        conn = conn.execution_options(mercato_read_only=True)
        with conn.begin():
            captured = conn.execute(count.where(payments.c.status == "captured")).scalar_one()
            awaiting = conn.execute(count.where(payments.c.status == "open", approved)).scalar_one()
            unpaid = conn.execute(count.where(payments.c.status == "open", ~approved)).scalar_one()
            running = conn.execute(sa.select(jobs.c.id).where(jobs.c.status == "running")).scalars()
            return Mix(int(captured), int(awaiting), int(unpaid), frozenset(running))


def kill_in_the_middle(server: Server, load: Load, engine: Engine, ready: Callable[[Mix, Counter[str]], bool], *,
                       prefer_running_job_for: float, seconds: float) -> None:
    """Wait until `ready(mix, requests on the wire)`, then freeze the server's process group (SIGSTOP), read both
    again and, if they still hold, SIGKILL the group; otherwise thaw it and keep waiting. For
    `prefer_running_job_for` seconds after the first ready moment, also wait for one when a server worker holds a
    claimed job.

    Frozen, the server starts nothing new, but a statement it had already sent to PostgreSQL (a COMMIT) may still
    finish there: `ready` must leave room for what the requests on the wire and the job workers can still change.
    """
    deadline = time.monotonic() + seconds
    first_ready: float | None = None
    while True:
        assert time.monotonic() < deadline, f"the load never reached the mix to kill in:\n{server.log_text()}"
        assert not load.unexpected, load.unexpected
        time.sleep(0.02)
        if not ready(observe(engine), load.on_the_wire()):
            continue
        first_ready = first_ready or time.monotonic()
        want_job = time.monotonic() - first_ready < prefer_running_job_for
        server.signal(signal.SIGSTOP)
        mix = observe(engine)
        if ready(mix, load.on_the_wire()) and (mix.running_jobs or not want_job):
            with load.lock:
                load.killed_at = time.monotonic()
            server.kill()
            return
        server.signal(signal.SIGCONT)


def wait_until_disconnected(engine: Engine, application_name: str, seconds: float = 30.0) -> None:
    """On PostgreSQL, wait until no session of `application_name` is left: the dead server's last transactions
    have ended (committed, or rolled back when their client vanished), so the database no longer changes."""
    if engine.dialect.name != "postgresql":
        return  # SQLite: a dead process holds no transaction
    query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
    deadline = time.monotonic() + seconds
    while True:
        with engine.connect() as conn:
            if conn.execute(query, {"name": application_name}).scalar_one() == 0:
                return
        assert time.monotonic() < deadline, "the killed server's database sessions never ended"
        time.sleep(0.05)


def with_application_name(url: str, name: str) -> str:
    """`url`, with PostgreSQL told which application connects (so its sessions can be found); SQLite unchanged."""
    if not url.startswith("postgresql"):
        return url
    return sa.engine.make_url(url).update_query_dict({"application_name": name}).render_as_string(
        hide_password=False)


def quantities(rows: Iterator[Any] | list[Any]) -> Mapping[str, int]:
    """sku_id -> the sum of quantity, from rows of (sku_id, quantity)."""
    totals: dict[str, int] = {}
    for sku_id, quantity in rows:
        totals[sku_id] = totals.get(sku_id, 0) + int(quantity)
    return totals
