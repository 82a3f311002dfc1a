"""Helpers for membership tests: paying a platform sale as the gateway would, platform vouchers to issue, reading
the rows a refusal must not change, and running due jobs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from mercato.kernel import jobs
from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.membership.tables import invitations, memberships, saving_card_months
from mercato.payments import service as payments
from mercato.payments.model import GatewayEvent
from mercato.pricing.model import Kind, Promotion, Window
from mercato.pricing.tables import held_coupons
from mercato.wiring import job_handlers
from pricing.pricing_helpers import add_promotion


def capture(rt: Runtime, payment_id: str, event_id: str | None = None) -> str:
    """The gateway says the payment's money arrived (payments publishes PaymentCaptured); the event id."""
    event_id = event_id or f"evt-{new_id()}"
    with rt.uow() as uow:
        view = payments.payment_status_in(uow, payment_id)
        assert view is not None
        event = GatewayEvent(event_id, "charge.succeeded", payment_id, f"sess-{new_id()}", view.amount, view.currency)
        payments.capture_in(rt, uow, event, rt.clock.now())
        uow.commit()
    return event_id


def run_jobs(rt: Runtime, after: timedelta | None = None) -> int:
    if after is not None:
        rt.clock.advance(after)  # type: ignore[attr-defined]
    ran = 0
    while (batch := jobs.run_due(rt, job_handlers(), "test-worker")) > 0:
        ran += batch
    return ran


def voucher(rt: Runtime, *, per_person: int = 50, amount: int = 500, threshold: int = 3900) -> str:
    """A platform voucher promotion the platform issues (not claimable), valid for a year."""
    now = rt.clock.now()
    promo = Promotion(new_id(), Kind.PLATFORM_VOUCHER, window=Window(None, now + timedelta(days=400)),
                      threshold=threshold, amount=amount)
    with rt.uow() as uow:
        add_promotion(uow.conn, promo, owner="platform", per_person=per_person, claimable=False)
        uow.commit()
    return promo.promotion_id


def held(rt: Runtime, consumer_id: str) -> list[tuple[str, str]]:
    """(promotion_id, source) of every coupon or voucher the consumer holds, sorted."""
    with rt.uow(read_only=True) as uow:
        rows = uow.conn.execute(sa.select(held_coupons.c.promotion_id, held_coupons.c.source)
                                .where(held_coupons.c.consumer_id == consumer_id))
        return sorted((r.promotion_id, r.source) for r in rows)


def rows(rt: Runtime, table: sa.Table) -> list[Any]:
    with rt.uow(read_only=True) as uow:
        return [tuple(r) for r in uow.conn.execute(sa.select(table).order_by(*table.primary_key.columns))]


def snapshot(rt: Runtime) -> dict[str, list[Any]]:
    return {t.name: rows(rt, t) for t in (memberships, saving_card_months, invitations, held_coupons)}
