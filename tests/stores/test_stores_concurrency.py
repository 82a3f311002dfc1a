"""Two operators deciding the same application at the same moment: exactly one decision wins, on both engines.
The use cases commit for real, so each test runs on a private database (`private_engine`)."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine
from stores_helpers import independent_draft, person

from mercato.kernel.clock import FixedClock
from mercato.kernel.errors import DomainError
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.settings import Settings
from mercato.stores import service as stores
from mercato.stores.errors import ApplicationAlreadyDecided
from mercato.wiring import event_bus


def test_two_operators_approving_at_once_open_exactly_one_store(private_engine: Engine, settings: Settings,
                                                                      clock: FixedClock) -> None:
    rt = Runtime(settings=settings, engine=private_engine, uow=UnitOfWorkFactory(private_engine), clock=clock,
                 events=event_bus())
    tag = secrets.token_hex(4)
    operators = [person(rt, f"ops-{i}-{tag}@example.com", operator=True) for i in range(2)]
    applicant = person(rt, f"li-{tag}@example.com")
    application = stores.apply_for_store(rt, applicant, independent_draft(slug=f"race-{tag}"))

    def approve(index: int) -> str:
        # Both would open a store with the same slug: without the row lock the loser hits the unique index (500).
        try:
            stores.approve_application(rt, operators[index], application.id)
        except DomainError as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(approve, range(2)))
    assert outcomes == sorted(["ok", ApplicationAlreadyDecided.code])
    assert [m.store.slug for m in stores.my_stores(rt, applicant)] == [f"race-{tag}"]
