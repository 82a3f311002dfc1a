"""`mercato credit rescore` on a temporary SQLite file: it queues one consumer's rescore or a pass over everyone,
and `mercato worker --drain` then stores their scores."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from mercato.accounts import service as accounts
from mercato.cli import app
from mercato.credit.tables import credit_scores
from mercato.kernel.commands import command_runtime
from mercato.kernel.db import make_engine
from mercato.kernel.jobs import jobs

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MERCATO_VAR_DIR", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    rt = command_runtime(url)
    try:
        for email in ("a@example.com", "b@example.com"):
            accounts.register(rt, email, "Secret-2026-pass", "Someone")
    finally:
        rt.engine.dispose()
    return url


def rows(url: str, query: sa.Select[tuple[str]]) -> list[str]:
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(query).scalars())
    finally:
        engine.dispose()


def test_rescore_all_queues_a_pass_that_the_worker_runs_for_every_consumer(db: str) -> None:
    queued = runner.invoke(app, ["credit", "rescore", "--all", "--database-url", db])
    assert queued.exit_code == 0, queued.output
    assert "queued a pass over every consumer (manual-" in queued.output
    assert [k.split(":")[0] for k in rows(db, sa.select(jobs.c.kind))] == ["credit.nightly"]
    drained = runner.invoke(app, ["worker", "--drain", "--database-url", db])
    assert drained.exit_code == 0, drained.output
    assert rows(db, sa.select(credit_scores.c.tier)) == ["fair", "fair"]


def test_rescore_without_ids_or_all_is_refused_and_queues_nothing(db: str) -> None:
    refused = runner.invoke(app, ["credit", "rescore", "--database-url", db])
    assert refused.exit_code == 2
    assert rows(db, sa.select(jobs.c.kind)) == []
