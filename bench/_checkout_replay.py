"""The database's own limit for the checkout's work: record every SQL statement of whole checkouts on PostgreSQL,
render them with their parameters as literals, and replay them with pgbench.

A checkout is recorded in-process through the real application (httpx's ASGI transport, so the bearer-token and
session lookups are included): POST /api/v1/orders, POST /api/v1/payments/{id}/pay, the approval on the sandbox
gateway's page, then the job worker delivering the gateway's two callbacks (capture, then the duplicate). The
statements keep their transactions (BEGIN ... COMMIT, and ROLLBACK for read-only units of work). Values that must be
new in every transaction (ids made during the checkout, order numbers) are rewritten into pgbench variables;
several checkouts over different SKUs and buyers are recorded and pgbench picks one at random per transaction, so
row-lock contention is like the HTTP run's rather than every client fighting over the same five stock rows.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import psycopg
import sqlalchemy as sa

from _checkout_world import SECRET_KEY, Buyer, World, ensure_buyers, fill_carts, scalar, spread_cart
from browse import VAR
from mercato.app import build_runtime, create_app
from mercato.kernel.clock import FixedClock
from mercato.kernel.idgen import new_id
from mercato.kernel.ids import id_millis
from mercato.kernel.runtime import Runtime
from mercato.kernel.worker import Worker
from mercato.settings import load_settings
from mercato.wiring import job_handlers

RECORDINGS = 32
CLIENTS = 16
ID_PATTERN = re.compile(r"(?<![0-9A-Z])[0-7][0-9A-HJKMNP-TV-Z]{25}(?![0-9A-Z])")
ORDER_NO_PATTERN = re.compile(r"(?<![0-9])[0-9]{20}(?![0-9])")


@dataclass
class Recording:
    statements: list[str] = field(default_factory=list)  # rendered SQL and BEGIN / COMMIT / ROLLBACK
    sql: int = 0  # statements other than transaction control (each row of an executemany counts)
    round_trips: int = 0
    pending_begin: bool = False
    open_connection: int | None = None
    marks: list[tuple[str, int]] = field(default_factory=list)

    def mark(self, step: str) -> None:
        self.marks.append((step, self.sql))

    def steps(self) -> dict[str, int]:
        ends = [at for _, at in self.marks[1:]] + [self.sql]
        return {step: end - at for (step, at), end in zip(self.marks, ends, strict=True)}


@dataclass(frozen=True)
class Script:
    text: str
    recording: Recording


@dataclass(frozen=True)
class ReplayResult:
    tps: float
    transactions: int
    scripts: int


# --- recording -----------------------------------------------------------------------------------------------


@contextmanager
def recording(engine: sa.Engine) -> Iterator[Recording]:
    """Every statement the engine sends, rendered with its parameters as SQL literals, in transactions."""
    rec = Recording()

    def begin(conn: sa.Connection) -> None:
        rec.pending_begin = True

    def execute(conn: sa.Connection, cursor: Any, statement: str, parameters: Any, context: Any,
                executemany: bool) -> None:
        connection = id(cursor.connection)
        if rec.pending_begin:
            if rec.open_connection is not None:
                raise RuntimeError("a transaction began while another was open: the replay would not be faithful")
            rec.statements.append("BEGIN;")
            rec.round_trips += 1
            rec.pending_begin, rec.open_connection = False, connection
        elif rec.open_connection not in (None, connection):
            raise RuntimeError("statements of two transactions interleaved")
        renderer = psycopg.ClientCursor(cursor.connection)
        rendered = [renderer.mogrify(statement, params or None) for params in
                    (parameters if executemany else [parameters])]
        rec.statements.append(" \\;\n".join(rendered) + ";")  # psycopg pipelines an executemany: one round trip
        rec.sql += len(rendered)
        rec.round_trips += 1

    def end(word: str) -> Any:
        def listener(conn: sa.Connection) -> None:
            if rec.pending_begin:
                rec.pending_begin = False  # an empty transaction sends nothing to the server
                return
            if rec.open_connection is not None:
                rec.statements.append(f"{word};")
                rec.round_trips += 1
                rec.open_connection = None
        return listener

    listeners = [("begin", begin), ("before_cursor_execute", execute), ("commit", end("COMMIT")),
                 ("rollback", end("ROLLBACK"))]
    for name, fn in listeners:
        sa.event.listen(engine, name, fn)
    try:
        yield rec
    finally:
        for name, fn in listeners:
            sa.event.remove(engine, name, fn)


def recording_runtime(world: World) -> tuple[Runtime, FixedClock]:
    clock = FixedClock(datetime.now(UTC))
    settings = load_settings(database_url=world.url, secret_key=SECRET_KEY, sandbox_callback_delay_seconds=0,
                             sandbox_duplicate_callbacks=True)
    return build_runtime(settings, clock=clock), clock


async def record_checkouts(world: World, buyers: list[Buyer], fingerprints: dict[str, str]) -> list[Script]:
    """One pgbench script per buyer: its whole checkout, with the values made during it turned into variables."""
    rt, clock = recording_runtime(world)
    worker = Worker(rt, job_handlers(), "bench-replay-worker")
    transport = httpx.ASGITransport(app=create_app(rt, embedded_worker=False))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            csrf_cookie, csrf_token = await _visitor_csrf(client)
            clock.set(datetime.now(UTC) + timedelta(seconds=5))
            worker.drain()  # callbacks the server left due (duplicates) are not part of the recordings
            return [await _record_one(client, worker, clock, buyer, fingerprints[buyer.user_id],
                                      f"mercato_session={buyer.session}; mercato_csrf={csrf_cookie}", csrf_token)
                    for buyer in buyers]
    finally:
        rt.engine.dispose()


async def _visitor_csrf(client: httpx.AsyncClient) -> tuple[str, str]:
    login = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    if token is None:
        raise RuntimeError("the login page carries no CSRF token")
    cookie = login.cookies["mercato_csrf"]
    client.cookies.clear()
    return cookie, token.group(1)


async def _record_one(client: httpx.AsyncClient, worker: Worker, clock: FixedClock, buyer: Buyer, fingerprint: str,
                      cookie: str, csrf: str) -> Script:
    clock.set(datetime.now(UTC))
    auth = {"Authorization": f"Bearer {buyer.token}"}
    (await client.get("/api/v1/addresses", headers=auth)).raise_for_status()  # the token's use is recorded
    await asyncio.sleep(0.005)
    started_ms = int(datetime.now(UTC).timestamp() * 1000)
    with recording(worker.runtime.engine) as rec:
        order_nos = await _checkout(client, buyer, fingerprint, auth, cookie, csrf, rec)
        rec.mark("callbacks")
        _drain(worker, clock)
    return Script(parameterise("\n".join(rec.statements), started_ms, order_nos), rec)


async def _checkout(client: httpx.AsyncClient, buyer: Buyer, fingerprint: str, auth: dict[str, str], cookie: str,
                    csrf: str, rec: Recording) -> list[str]:
    rec.mark("place order")
    placed = await client.post("/api/v1/orders", json={"address_id": buyer.address_id, "fingerprint": fingerprint},
                               headers={**auth, "Idempotency-Key": f"replay-{new_id()}"})
    placed.raise_for_status()
    payment_id = placed.json()["payment_id"]
    rec.mark("pay")
    pay = await client.post(f"/api/v1/payments/{payment_id}/pay",
                            headers={**auth, "Idempotency-Key": f"pay-{payment_id}"})
    pay.raise_for_status()
    rec.mark("approve")
    approve = await client.post(pay.json()["redirect_url"], data={"csrf_token": csrf, "decision": "approve"},
                                headers={"Cookie": cookie})
    if approve.status_code != 303:
        raise RuntimeError(f"the sandbox approval answered {approve.status_code}: {approve.text[:200]}")
    client.cookies.clear()
    return [order["order_no"] for order in placed.json()["orders"]]


def _drain(worker: Worker, clock: FixedClock) -> None:
    """The gateway's callback (due at once), then its duplicate (one second later), as the server's worker runs
    them."""
    if worker.drain() < 1:
        raise RuntimeError("no callback job was due after the approval")
    clock.advance(timedelta(seconds=1, milliseconds=100))
    if worker.drain() < 1:
        raise RuntimeError("no duplicate callback job was due")


# --- the pgbench script --------------------------------------------------------------------------------------


def parameterise(sql: str, started_ms: int, order_nos: list[str]) -> str:
    """Rewrite every id made during the checkout (ids are time-ordered: made at or after `started_ms`) and every
    order number into a value unique per pgbench transaction: `<tag>-<client>-<counter>-`. The trailing dash ends
    the variable name; @RUN@ is replaced per pgbench run so reruns on the same schema never collide."""
    fresh: dict[str, str] = {}

    def renamed(value: str, prefix: str) -> str:
        if value not in fresh:
            fresh[value] = f"{prefix}{len(fresh):02d}@RUN@-:client_id-:bench_k-"
        return fresh[value]

    def on_id(match: re.Match[str]) -> str:
        value = match.group(0)
        return renamed(value, "B") if id_millis(value) >= started_ms else value

    wanted = set(order_nos)
    # The worker's claim locks whichever due job it finds (FOR UPDATE SKIP LOCKED), then updates that job. A replay
    # updates the job its recording claimed (a literal id), so a replayed claim could lock another client's job while
    # updating its own: a deadlock the server cannot have. The claim's query runs without the row lock; the UPDATE
    # that follows takes it.
    sql = sql.replace(" FOR UPDATE SKIP LOCKED;", ";")
    sql = ORDER_NO_PATTERN.sub(lambda m: renamed(m.group(0), "N") if m.group(0) in wanted else m.group(0), sql)
    sql = ID_PATTERN.sub(on_id, sql)
    missing = wanted - set(fresh)
    if missing:
        raise RuntimeError(f"order numbers not found in the recorded statements: {sorted(missing)}")
    return "\\set bench_k :bench_k + 1\n" + sql + "\n"


# --- running pgbench -----------------------------------------------------------------------------------------


def pgbench(scripts: list[Path], conninfo: str, schema: str, duration: float, run: str) -> str:
    command = ["pgbench", "-n", "-M", "simple", "-c", str(CLIENTS), "-j", "2", "-T", str(max(1, round(duration))),
               "-D", "bench_k=0"]
    for script in scripts:
        command += ["-f", str(script)]
    env = {**os.environ, "PGOPTIONS": f"-c search_path={schema} -c jit=off"}
    done = subprocess.run([*command, conninfo], capture_output=True, text=True, env=env)
    output = done.stdout + done.stderr
    failed = re.search(r"number of failed transactions: (\d+)", output)
    if done.returncode != 0 or "aborted" in output or (failed and int(failed.group(1))):
        summary = [line for line in output.splitlines() if not line.startswith((" - ", "SQL script"))]
        raise SystemExit(f"pgbench failed (exit {done.returncode}) on run {run}:\n" + "\n".join(summary[:40]))
    return output


def _conninfo(url: str) -> tuple[str, str]:
    base, _, query = url.partition("?")
    schema = unquote(query).rsplit("search_path=", 1)[1]
    return base, schema


def replay_with_pgbench(world: World, duration: float) -> ReplayResult:
    buyers = ensure_buyers(world, len(world.buyers) + RECORDINGS)[-RECORDINGS:]
    del world.buyers[-RECORDINGS:]  # the recorded buyers stay out of any later HTTP pool
    rng = random.Random("replay")
    fingerprints = fill_carts(world, [(buyer, spread_cart(world, rng)) for buyer in buyers])
    scripts = asyncio.run(record_checkouts(world, buyers, fingerprints))
    describe(scripts[0].recording, len(scripts))
    conninfo, schema = _conninfo(world.url)
    folder = VAR / "checkout-pgbench"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    texts = [script.text for script in scripts]
    pgbench(_write(texts, folder, "warm"), conninfo, schema, 2, "warm")
    run = secrets.token_hex(2)
    output = pgbench(_write(texts, folder, run), conninfo, schema, duration, run)
    processed = int(_figure(r"number of transactions actually processed: (\d+)", output))
    tps = float(_figure(r"tps = ([0-9.]+)", output))
    payments = scalar(world, "SELECT count(*) FROM payments WHERE id LIKE :p AND status = 'captured'",
                      p=f"B%{run}-%")
    if payments != processed:
        raise SystemExit(f"pgbench reported {processed} transactions but {payments} captured payments were written")
    print(f"postgresql: pgbench -c {CLIENTS} -j 2 -M simple -T {duration:.0f}: {processed} checkouts, "
          f"{tps:.1f} checkouts/s, {payments} captured payments written")
    return ReplayResult(tps, processed, len(scripts))


def describe(rec: Recording, count: int) -> None:
    steps = ", ".join(f"{step} {n}" for step, n in rec.steps().items())
    print(f"postgresql: one HTTP checkout issues {rec.sql} SQL statements ({steps}; bearer-token and session "
          f"lookups and job claims included, executemany rows counted) in {rec.round_trips} round trips with "
          f"BEGIN/COMMIT; {count} checkouts recorded for pgbench")


def _figure(pattern: str, output: str) -> str:
    match = re.search(pattern, output)
    if match is None:
        raise SystemExit(f"pgbench printed no {pattern!r}:\n{output[-2000:]}")
    return match.group(1)


def _write(scripts: list[str], folder: Path, run: str) -> list[Path]:
    paths = []
    for n, script in enumerate(scripts):
        path = folder / f"checkout-{run}-{n}.sql"
        path.write_text(script.replace("@RUN@", run))
        paths.append(path)
    return paths
