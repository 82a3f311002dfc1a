"""The monthly saving card through the membership service, on both databases: the operator's plan, a paid month
issuing its vouchers once (a re-run of the job issues nothing more), auto-renew creating the next month's payment,
and the refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from membership_helpers import capture, held, rows, run_jobs, voucher

from mercato.kernel.errors import AccessDenied
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.membership import service as membership
from mercato.membership.model import (
    MembershipStatus,
    SavingCardNotOffered,
    SavingCardPlan,
    SavingCardPlanInvalid,
    VoucherGrant,
)
from mercato.membership.tables import membership_settings, saving_card_months
from mercato.payments import service as payments
from mercato.pricing.tables import held_coupons
from mercato.trade import service as trade

START = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)
MONTH_END = datetime(2026, 12, 11, 10, 0, tzinfo=UTC)


@pytest.fixture
def plan(rt: Runtime, operator: Principal) -> tuple[str, str]:
    """¥10 a month: 4 x ¥5 off ¥39 and 1 x ¥10 off ¥99."""
    five, ten = voucher(rt), voucher(rt, amount=1000, threshold=9900)
    membership.set_saving_card_plan(rt, operator, 1000, [VoucherGrant(five, 4), VoucherGrant(ten, 1)])
    return five, ten


def test_the_operator_sets_the_monthly_plan(rt: Runtime, plan: tuple[str, str]) -> None:
    five, ten = plan
    assert membership.saving_card_plan(rt) == SavingCardPlan(1000, (VoucherGrant(five, 4), VoucherGrant(ten, 1)))


@pytest.mark.parametrize(("price", "grants"), [
    (-1, []), (1000, [VoucherGrant("p1", 0)]), (1000, [VoucherGrant("p1", 21)]),
    (1000, [VoucherGrant("p1", 1), VoucherGrant("p1", 2)])])
def test_a_bad_plan_is_refused_and_nothing_changes(rt: Runtime, operator: Principal, price: int,
                                                   grants: list[VoucherGrant]) -> None:
    with pytest.raises(SavingCardPlanInvalid):
        membership.set_saving_card_plan(rt, operator, price, grants)
    assert rows(rt, membership_settings) == []


def test_only_operators_set_the_plan(rt: Runtime, consumer: Principal) -> None:
    with pytest.raises(AccessDenied):
        membership.set_saving_card_plan(rt, consumer, 1000, [])
    assert rows(rt, membership_settings) == []


def test_the_card_cannot_be_bought_before_it_is_offered(rt: Runtime, consumer: Principal) -> None:
    with pytest.raises(SavingCardNotOffered):
        membership.buy_saving_card(rt, consumer)
    assert rows(rt, saving_card_months) == []


def test_a_paid_month_issues_its_vouchers_once(rt: Runtime, consumer: Principal, plan: tuple[str, str]) -> None:
    five, ten = plan
    month = membership.buy_saving_card(rt, consumer)
    assert (month.status, month.price) == (MembershipStatus.PENDING, 1000)
    run_jobs(rt)
    assert held(rt, consumer.user_id) == []
    capture(rt, str(month.payment_id))
    run_jobs(rt)
    expected = sorted([(five, "saving_card")] * 4 + [(ten, "saving_card")])
    assert held(rt, consumer.user_id) == expected
    membership.issue_month_job(rt, {"month_id": month.id})  # the job delivered again
    capture(rt, str(month.payment_id))  # and the gateway's notice again
    run_jobs(rt)
    assert held(rt, consumer.user_id) == expected
    overview = membership.saving_card_overview(rt, consumer)
    assert (overview.current and overview.current.id, overview.paid_until) == (month.id, MONTH_END)
    with rt.uow(read_only=True) as uow:
        until = uow.conn.execute(sa.select(held_coupons.c.valid_until).distinct()).scalars().all()
    assert until == [MONTH_END]


def test_a_second_month_bought_starts_when_the_first_ends(rt: Runtime, consumer: Principal,
                                                           plan: tuple[str, str]) -> None:
    capture(rt, str(membership.buy_saving_card(rt, consumer).payment_id))
    capture(rt, str(membership.buy_saving_card(rt, consumer).payment_id))
    run_jobs(rt)
    assert membership.saving_card_overview(rt, consumer).paid_until == datetime(2027, 1, 11, 10, 0, tzinfo=UTC)
    assert len(held(rt, consumer.user_id)) == 10


def test_without_auto_renew_the_month_just_ends(rt: Runtime, consumer: Principal, plan: tuple[str, str]) -> None:
    capture(rt, str(membership.buy_saving_card(rt, consumer).payment_id))
    run_jobs(rt)
    rt.clock.set(MONTH_END)  # type: ignore[attr-defined]
    run_jobs(rt)
    assert [r[2] for r in rows(rt, saving_card_months)] == ["active"]
    assert membership.saving_card_overview(rt, consumer).current is None


def test_auto_renew_creates_the_next_month_and_its_payment_before_the_end(
        rt: Runtime, consumer: Principal, plan: tuple[str, str]) -> None:
    capture(rt, str(membership.buy_saving_card(rt, consumer).payment_id))
    membership.set_auto_renew(rt, consumer, True)
    run_jobs(rt)
    rt.clock.set(MONTH_END - timedelta(days=3))  # type: ignore[attr-defined]
    run_jobs(rt)
    overview = membership.saving_card_overview(rt, consumer)
    renewal = overview.pending
    assert renewal is not None and overview.auto_renew
    payment = payments.get_payment(rt, consumer, str(renewal.payment_id))
    assert (payment.amount, payment.expires_at) == (1000, MONTH_END + timedelta(days=3))
    membership.renew_month_job(rt, {"month_id": overview.current.id if overview.current else ""})
    assert len(rows(rt, saving_card_months)) == 2  # a re-run makes no second renewal
    capture(rt, str(renewal.payment_id))
    run_jobs(rt)
    assert membership.saving_card_overview(rt, consumer).paid_until == datetime(2027, 1, 11, 10, 0, tzinfo=UTC)
    assert len(held(rt, consumer.user_id)) == 10


def test_an_unpaid_renewal_expires_and_the_card_lapses(rt: Runtime, consumer: Principal,
                                                        plan: tuple[str, str]) -> None:
    capture(rt, str(membership.buy_saving_card(rt, consumer).payment_id))
    membership.set_auto_renew(rt, consumer, True)
    rt.clock.set(MONTH_END - timedelta(days=3))  # type: ignore[attr-defined]
    run_jobs(rt)
    rt.clock.set(MONTH_END + timedelta(days=3))  # type: ignore[attr-defined]
    run_jobs(rt)
    assert sorted(r[2] for r in rows(rt, saving_card_months)) == ["active", "cancelled"]
    overview = membership.saving_card_overview(rt, consumer)
    assert (overview.current, overview.pending) == (None, None)


def test_the_ledger_verifies_clean_after_saving_card_months(rt: Runtime, consumer: Principal,
                                                            plan: tuple[str, str]) -> None:
    capture(rt, str(membership.buy_saving_card(rt, consumer).payment_id))
    run_jobs(rt)
    assert trade.verify_ledger(rt) == []


def test_a_plan_naming_no_platform_voucher_is_refused(rt: Runtime, operator: Principal) -> None:
    with pytest.raises(SavingCardPlanInvalid, match="Not a platform voucher promotion: 01NOSUCHPROMOTION"):
        membership.set_saving_card_plan(rt, operator, 1000, [VoucherGrant("01NOSUCHPROMOTION", 2)])
    assert rows(rt, membership_settings) == []


def test_auto_renew_switched_on_after_the_renewal_time_prepares_the_next_month_at_once(
        rt: Runtime, consumer: Principal, plan: tuple[str, str]) -> None:
    capture(rt, str(membership.buy_saving_card(rt, consumer).payment_id))
    run_jobs(rt, timedelta(days=28))
    assert membership.saving_card_overview(rt, consumer).pending is None
    membership.set_auto_renew(rt, consumer, True)
    membership.set_auto_renew(rt, consumer, True)
    renewal = membership.saving_card_overview(rt, consumer).pending
    assert renewal is not None and len(rows(rt, saving_card_months)) == 2
    assert payments.get_payment(rt, consumer, str(renewal.payment_id)).expires_at == MONTH_END + timedelta(days=3)
