"""The demo's shopping story on a fresh database of each kind: after `prepare_demo` the demo consumer has completed
orders, reviews, a refund done and one waiting, and a credit score; the demo merchants have their refund queue and
replies, the operator a dispute; the ledger balances; and preparing the demo again changes nothing."""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console
from sqlalchemy.engine import Engine

from mercato import wiring
from mercato.accounts import service as accounts
from mercato.accounts.model import principal_of
from mercato.aftersales import service as aftersales
from mercato.credit import service as credit
from mercato.demo.activity import ActivityReport, Story, play
from mercato.demo.generate_parties import DEMO_LOGINS
from mercato.demo.load import prepare_demo
from mercato.kernel.clock import FixedClock
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.reviews import service as reviews
from mercato.settings import Settings
from mercato.stores import service as stores
from mercato.trade import service as trade
from mercato.trade.model import OrderStatus

STORY_TABLES = ("orders", "order_lines", "payments", "refund_requests", "refund_events", "reviews", "review_replies",
                "review_helpful_votes", "credit_scores", "ledger_entries", "ledger_lines", "jobs", "audit_log")


def _settings(engine: Engine, tmp_path: Path) -> Settings:
    url = engine.url.render_as_string(hide_password=False)
    return Settings(var_dir=tmp_path, database_url=url, secret_key="demo-activity-test-secret-0123456789")


def _runtime(engine: Engine, settings: Settings) -> Runtime:
    return Runtime(settings=settings, engine=engine, uow=UnitOfWorkFactory(engine), events=wiring.event_bus(),
                   segments=wiring.segment_sources())


def _who(rt: Runtime, index: int) -> Principal:
    user = accounts.find_user_by_email(rt, DEMO_LOGINS[index].email)
    assert user is not None
    return principal_of(user, "session", "test")


def _store_of(rt: Runtime, owner: Principal) -> str:
    return stores.my_stores(rt, owner)[0].store.id


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: int(conn.scalar(sa.text(f"SELECT count(*) FROM {name}")) or 0) for name in STORY_TABLES}


def _prepare(settings: Settings) -> str:
    out = io.StringIO()
    prepare_demo(settings, console=Console(file=out, width=200))
    return out.getvalue()


def test_the_prepared_demo_shows_orders_reviews_refunds_disputes_and_credit_and_a_second_run_changes_nothing(
        private_engine: Engine, tmp_path: Path) -> None:
    settings = _settings(private_engine, tmp_path)
    printed = _prepare(settings)
    rt = _runtime(private_engine, settings)
    consumer, flagship, indie, operator = (_who(rt, i) for i in range(4))
    flagship_store, indie_store = _store_of(rt, flagship), _store_of(rt, indie)

    assert ("Demo activity: 11 orders, 13 reviews, refund requests (1 escalated, 1 refunded, 2 requested)"
            in printed)
    orders = trade.my_orders(rt, consumer).items
    assert [o.status for o in orders] == [OrderStatus.COMPLETED] * 3
    assert {flagship_store, indie_store} <= {o.store_id for o in orders}

    mine = reviews.my_reviews(rt, consumer).items
    assert sorted(r.rating for r in mine)[0] == 2 and len(mine) == 5
    assert sum(r.store_scores is not None for r in mine) == 3
    assert sum(r.helpful_count for r in mine) == 4

    requests = aftersales.my_requests(rt, consumer).items
    assert Counter((r.status.value, r.store_id) for r in requests) == {("refunded", indie_store): 1,
                                                                     ("requested", flagship_store): 1}
    waiting = aftersales.store_requests(rt, indie, indie_store, status="requested").items
    assert len(waiting) == 1 and waiting[0].consumer_id != consumer.user_id
    assert waiting[0].due_at is not None and waiting[0].due_at > datetime.now(UTC) + timedelta(hours=40)
    assert [r.status.value for r in aftersales.store_requests(rt, flagship, flagship_store).items] == \
        ["requested", "escalated"]
    assert [(d.store_id, d.status.value) for d in aftersales.disputes(rt, operator).items] == \
        [(flagship_store, "escalated")]

    overview = credit.credit_overview(rt, consumer)
    assert overview.score is not None and overview.facts is not None
    assert overview.facts.completed_orders_12m == 3 and overview.facts.refunds_12m == 1

    for store_id in (flagship_store, indie_store):
        overall = reviews.store_ratings(rt, store_id).overall
        assert overall is not None and 100 <= overall <= 500
        assert reviews.store_reviews(rt, flagship if store_id == flagship_store else indie, store_id).items
    product = reviews.product_reviews(rt, mine[0].product_id)
    stars = [r.rating for r in product.page.items]
    assert product.rating.count == len(stars) >= 1
    assert product.rating.rating == (200 * sum(stars) + len(stars)) // (2 * len(stars))
    assert product.store_scores.overall is not None

    assert trade.verify_ledger(rt) == []

    before = _counts(private_engine)
    again = _prepare(settings)
    assert "Demo activity: already there; nothing to do." in again
    assert _counts(private_engine) == before


def test_the_story_is_skipped_where_the_demo_consumer_does_not_exist(private_engine: Engine,
                                                                     tmp_path: Path) -> None:
    settings = _settings(private_engine, tmp_path)
    clock = FixedClock(datetime(2026, 11, 20, tzinfo=UTC))
    rt = _runtime(private_engine, settings)
    rt.clock = clock
    before = _counts(private_engine)
    report = play(Story(rt, clock, random.Random(1)), clock.now())
    assert report == ActivityReport("no_demo")
    assert report.line() == "Demo activity: no demo consumer in this database; skipped."
    assert _counts(private_engine) == before
