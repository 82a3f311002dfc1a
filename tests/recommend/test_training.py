"""Training from the event log on both databases: the batches read, the horizon, the stages reported, the stored
model, the hourly refresh job and the `mercato recommend train` command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from mercato.cli import app as mercato_cli
from mercato.kernel import jobs
from mercato.kernel.runtime import Runtime
from mercato.recommend import service
from mercato.recommend.jobs import REFRESH_JOB, needs_refresh_in, refresh_model
from mercato.recommend.model import Event
from mercato.recommend.models_store import load_latest_in
from mercato.recommend.tables import recommend_events, recommend_models
from mercato.recommend.training import fit, read_log_in
from mercato.wiring import job_handlers

KINDS = ("view", "favourite", "cart", "buy", "search_click")


def rows(start: datetime, n: int, seed: int = 0) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    return [{"actor_id": f"u{rng.integers(25)}", "product_id": f"p{rng.integers(30):02d}", "store_id": "s1",
             "kind": KINDS[rng.integers(5)], "at": start + timedelta(minutes=int(rng.integers(600)))}
            for _ in range(n)]


def insert(rt: Runtime, events: list[dict[str, object]]) -> None:
    with rt.uow() as uow:
        uow.conn.execute(recommend_events.insert(), events)
        uow.commit()


def as_model_events(events: list[dict[str, object]]) -> list[Event]:
    kind = {"search_click": "view"}
    return [Event(str(e["actor_id"]), str(e["product_id"]), kind.get(str(e["kind"]), str(e["kind"])),
                  e["at"].timestamp()) for e in events]  # type: ignore[attr-defined]


def test_the_log_is_read_in_batches_from_the_horizon_in_id_order(rt: Runtime) -> None:
    now = rt.clock.now()
    old = rows(now - timedelta(days=200), 5, seed=1)
    recent = rows(now - timedelta(days=2), 230, seed=2)
    insert(rt, old + recent)
    seen: list[tuple[str, int, int | None]] = []
    with rt.uow(read_only=True) as uow:
        log = read_log_in(uow, now - timedelta(days=120), lambda *step: seen.append(step), batch=100)
        last_id = uow.conn.execute(sa.select(sa.func.max(recommend_events.c.id))).scalar_one()
    expected = as_model_events(recent)
    assert [(e.user, e.item, e.kind) for e in log.events] == [(e.user, e.item, e.kind) for e in expected]
    assert [e.at for e in log.events] == pytest.approx([e.at for e in expected], abs=1e-3)  # SQLite keeps ms
    assert log.last_id == last_id
    assert seen == [("reading", 0, 230), ("reading", 100, 230), ("reading", 200, 230), ("reading", 230, 230)]


def test_training_stores_a_model_that_scores_like_fitting_the_same_events(rt: Runtime) -> None:
    events = rows(rt.clock.now() - timedelta(days=3), 400, seed=3)
    insert(rt, events)
    stages: list[str] = []
    outcome = service.train_model(rt, progress=lambda stage, done, total: stages.append(stage))
    assert outcome.model_id is not None
    assert outcome.events_used == 400
    assert list(dict.fromkeys(stages)) == ["reading", "co-visitation", "EASE", "saving"]
    expected = fit(as_model_events(events), rt.clock.now().timestamp())
    with rt.uow(read_only=True) as uow:
        stored = load_latest_in(uow)
    assert stored is not None
    assert stored.items == expected.items
    history = [e for e in as_model_events(events) if e.user == "u3"]
    assert stored.score_vector(history) == pytest.approx(expected.score_vector(history), rel=1e-6, abs=1e-9)
    assert service.model_status(rt).events_used == 400  # type: ignore[union-attr]


def test_no_events_train_nothing(rt: Runtime) -> None:
    outcome = service.train_model(rt)
    assert (outcome.model_id, outcome.events_used) == (None, 0)
    with rt.uow(read_only=True) as uow:
        assert uow.conn.execute(sa.select(sa.func.count()).select_from(recommend_models)).scalar_one() == 0


def test_the_refresh_retrains_only_when_enough_new_events_arrived(rt: Runtime) -> None:
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        assert not needs_refresh_in(uow, now)  # nothing to learn from
    insert(rt, rows(now - timedelta(days=1), 50, seed=4))
    first = refresh_model(rt, min_events=100)
    assert first is not None  # no model yet: any events will do
    assert first.events_used == 50
    insert(rt, rows(now - timedelta(hours=1), 99, seed=5))
    assert refresh_model(rt, min_events=100) is None
    insert(rt, rows(now - timedelta(hours=1), 1, seed=6))
    second = refresh_model(rt, min_events=100)
    assert second is not None
    assert second.events_used == 150


def test_the_hourly_job_trains_and_books_the_next_hour(rt: Runtime) -> None:
    insert(rt, rows(rt.clock.now() - timedelta(hours=5), 60, seed=7))
    with rt.uow() as uow:
        service.schedule_refresh_in(uow, rt.clock.now())
        uow.commit()
    rt.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    assert jobs.run_due(rt, job_handlers(), "test-worker") == 1
    assert service.model_status(rt).events_used == 60  # type: ignore[union-attr]
    with rt.uow(read_only=True) as uow:
        queued = list(uow.conn.execute(sa.select(jobs.jobs.c.key).where(jobs.jobs.c.kind == REFRESH_JOB,
                                                                          jobs.jobs.c.status == "queued")).scalars())
    next_hour = rt.clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    assert queued == [f"{REFRESH_JOB}:{next_hour.isoformat()}"]


def test_the_train_command_shows_its_stages_and_stores_a_model(private_engine: Engine, tmp_path: Path) -> None:
    url = private_engine.url.render_as_string(hide_password=False)
    start = datetime.now(UTC) - timedelta(days=1)
    with private_engine.begin() as conn:
        conn.execute(recommend_events.insert(), rows(start, 300, seed=8))
    result = CliRunner().invoke(mercato_cli, ["recommend", "train", "--database-url", url, "--ease-max-items", "10"],
                                env={"MERCATO_VAR_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "reading" in result.output
    assert "EASE" in result.output
    assert "300 events, 30 items (10 in EASE)" in result.output
    with private_engine.connect() as conn:
        assert conn.execute(sa.select(recommend_models.c.events_used)).scalars().all() == [300]


def test_pruning_keeps_each_rows_strongest_neighbours_and_the_lower_columns_on_a_tie() -> None:
    from scipy import sparse

    from mercato.recommend.training import strongest_neighbours

    counts = sparse.csr_matrix(np.array([[0.0, 5.0, 1.0, 5.0, 3.0], [2.0, 0.0, 2.0, 2.0, 0.0],
                                         [0.0, 1.0, 0.0, 0.0, 0.0]]))
    assert strongest_neighbours(counts, 2).toarray().tolist() == [
        [0.0, 5.0, 0.0, 5.0, 0.0], [2.0, 0.0, 2.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0, 0.0]]
    assert strongest_neighbours(counts, 3).toarray().tolist() == [
        [0.0, 5.0, 0.0, 5.0, 3.0], [2.0, 0.0, 2.0, 2.0, 0.0], [0.0, 1.0, 0.0, 0.0, 0.0]]
