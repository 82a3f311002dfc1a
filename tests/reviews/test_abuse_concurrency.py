"""Abuse actions under real concurrency on both engines (committed for real on a private database): two sanctions
of one reviewer at once make one and one `reviewer_already_sanctioned`; two reports of one review by the store at
once make one and one `review_already_reported`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato.kernel.clock import FixedClock
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.reviews import abuse_service as abuse
from mercato.reviews.model.abuse_views import ReviewAlreadyReported, ReviewerAlreadySanctioned
from mercato.settings import Settings
from mercato.stores import service as stores
from mercato.stores.model import Permission
from mercato.wiring import event_bus
from reviews.test_abuse_service import add_review
from support import person
from trade.trade_helpers import build_world


@pytest.fixture
def real_rt(private_engine: Engine, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32), engine=private_engine,
                   uow=UnitOfWorkFactory(private_engine), clock=FixedClock(datetime(2026, 6, 18, tzinfo=UTC)),
                   events=event_bus())


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment; each one's result or exception."""
    start = threading.Barrier(len(calls))
    outcomes: list[Any] = []

    def run(call: Callable[[], Any]) -> None:
        start.wait()
        try:
            outcomes.append(call())
        except Exception as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def count(rt: Runtime, sql: str) -> int:
    with rt.uow(read_only=True) as uow:
        return int(uow.conn.execute(sa.text(sql)).scalar_one())


def test_two_sanctions_of_one_reviewer_at_once_make_exactly_one(real_rt: Runtime) -> None:
    world = build_world(real_rt)
    critic = person(real_rt, "critic@example.com")
    until = real_rt.clock.now() + timedelta(days=30)
    outcomes = race(lambda: abuse.sanction_reviewer(real_rt, world.operator, critic.user_id, until, "first"),
                    lambda: abuse.sanction_reviewer(real_rt, world.operator, critic.user_id, until, "second"))
    assert sorted(type(o).__name__ for o in outcomes) == ["ReviewerAlreadySanctioned", "SanctionView"]
    assert any(isinstance(o, ReviewerAlreadySanctioned) for o in outcomes)
    assert count(real_rt, "SELECT count(*) FROM reviewer_sanctions") == 1
    assert count(real_rt, "SELECT count(*) FROM audit_log WHERE action = 'reviewer.sanction'") == 1


def test_two_reports_of_one_review_by_the_store_at_once_make_exactly_one(real_rt: Runtime) -> None:
    world = build_world(real_rt)
    tea = world.shops["tea"]
    helper = person(real_rt, "helper@example.com")
    stores.add_staff(real_rt, tea.owner, tea.store_id, helper.email, [Permission.ORDERS])
    critic = person(real_rt, "critic@example.com")
    review_id = add_review(real_rt, critic.user_id, tea.store_id, 1, real_rt.clock.now())
    outcomes = race(lambda: abuse.report_review(real_rt, tea.owner, tea.store_id, review_id, "extortion"),
                    lambda: abuse.report_review(real_rt, helper, tea.store_id, review_id, "abusive"))
    assert sorted(type(o).__name__ for o in outcomes) == ["ReportView", "ReviewAlreadyReported"]
    assert any(isinstance(o, ReviewAlreadyReported) for o in outcomes)
    assert count(real_rt, "SELECT count(*) FROM review_reports") == 1
    assert count(real_rt, "SELECT count(*) FROM audit_log WHERE action = 'review.report'") == 1
