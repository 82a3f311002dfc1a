"""Reviewing twice under real concurrency on both engines (committed for real on a private database): two
requests for the same order line at once make one review and one `review_duplicate`, and the scores count it once;
two buyers reviewing one product at once are both counted in its rating."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from reviews_helpers import GOOD, Bought, buy
from sqlalchemy.engine import Engine

from mercato.catalog import service as catalog
from mercato.kernel.clock import FixedClock
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.reviews import service as reviews
from mercato.reviews.model import ReviewDuplicate, ReviewView
from mercato.reviews.tables import reviews as reviews_table
from mercato.settings import Settings
from mercato.trade import service as trade
from mercato.trade.model import AddressInput
from mercato.wiring import event_bus
from support import person
from trade.trade_helpers import build_world


@pytest.fixture
def real_rt(private_engine: Engine, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32), engine=private_engine,
                   uow=UnitOfWorkFactory(private_engine), clock=FixedClock(datetime(2026, 6, 18, tzinfo=UTC)),
                   events=event_bus())


def test_two_reviews_of_one_line_at_once_make_exactly_one(real_rt: Runtime) -> None:
    world = build_world(real_rt)
    bought = buy(real_rt, world)
    start = threading.Barrier(2)
    outcomes: list[ReviewView | Exception] = []

    def submit(rating: int) -> None:
        start.wait()
        try:
            outcomes.append(reviews.submit_review(real_rt, world.buyer, bought.order_no, bought.line_ids[0], rating,
                                                  f"Take {rating}", GOOD))
        except Exception as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=submit, args=(rating,)) for rating in (2, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    made = [o for o in outcomes if isinstance(o, ReviewView)]
    refused = [o for o in outcomes if not isinstance(o, ReviewView)]
    assert len(made) == 1 and [type(r) for r in refused] == [ReviewDuplicate]
    with real_rt.uow(read_only=True) as uow:
        stored = uow.conn.execute(sa.select(reviews_table.c.id, reviews_table.c.rating)).all()
        assert [tuple(row) for row in stored] == [(made[0].id, made[0].rating)]
        assert catalog.ratings_in(uow, [bought.product_ids[0]])[bought.product_ids[0]] == (made[0].rating * 100, 1)


def test_two_buyers_reviewing_one_product_at_once_are_both_counted(real_rt: Runtime) -> None:
    world = build_world(real_rt)
    other = person(real_rt, "second-buyer@example.com")
    trade.add_address(real_rt, other, AddressInput("Li Lei", "13900000000", "Zhejiang", "Hangzhou", "2 Road",
                                                   "310000"))
    orders = [buy(real_rt, world), buy(real_rt, world, buyer=other)]
    start = threading.Barrier(2)
    failures: list[Exception] = []

    def submit(who: Principal, bought: Bought, rating: int) -> None:
        start.wait()
        try:
            reviews.submit_review(real_rt, who, bought.order_no, bought.line_ids[0], rating, "Racing words", GOOD)
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=submit, args=args)
               for args in ((world.buyer, orders[0], 2), (other, orders[1], 4))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    product_id = orders[0].product_ids[0]
    with real_rt.uow(read_only=True) as uow:
        assert catalog.ratings_in(uow, [product_id])[product_id] == (300, 2)
