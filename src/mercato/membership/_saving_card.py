"""The monthly saving card: bought for a month at the operator's price; each paid month issues the configured platform
vouchers once (a job keyed per month). Auto-renew: near the month's end a job creates the next month and its payment;
the sandbox gateway cannot charge without the consumer, so the consumer pays it ("renew now") before it expires."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from mercato.audit import service as audit
from mercato.kernel import jobs
from mercato.kernel.errors import AccessDenied
from mercato.kernel.idempotency import remember, replay
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.membership._purchases import (
    activate_in,
    check_vouchers_exist,
    grants_json,
    grants_of,
    issue_grants_in,
    open_pending_in,
    start_purchase_in,
)
from mercato.membership.model import (
    NO_SAVING_CARD,
    NamedGrant,
    Purchase,
    SavingCardNotOffered,
    SavingCardOverview,
    SavingCardPlan,
    SavingCardPlanInvalid,
    VoucherGrant,
    check_saving_card_plan,
    months_after,
)
from mercato.membership.repo import SettingsRepo, SubscriberRepo, saving_months_repo
from mercato.pricing import service as pricing

ISSUE_JOB = "membership.saving_card_issue"
RENEW_JOB = "membership.saving_card_renew"
BUY_SCOPE = "membership.saving_card.buy"
PLAN = "saving_card"
RENEW_AHEAD = timedelta(days=3)  # the renewal payment is created this long before the month ends
RENEW_GRACE = timedelta(days=3)  # and may be paid until this long after


def one_month_after(moment: datetime) -> datetime:
    return months_after(moment, 1)


def plan_in(uow: UnitOfWork) -> SavingCardPlan:
    value = SettingsRepo(uow.conn).get(PLAN)
    return SavingCardPlan(int(value["price"]), grants_of(value["vouchers"])) if value else NO_SAVING_CARD


def set_saving_card_plan(rt: Runtime, principal: Principal, price: int,
                         vouchers: Iterable[VoucherGrant]) -> SavingCardPlan:
    """The operator sets the monthly price (0: not on sale) and the vouchers each month issues. Audited."""
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may do this")
    plan = check_saving_card_plan(price, vouchers)
    check_vouchers_exist(rt, principal, plan.vouchers, SavingCardPlanInvalid)
    now = rt.clock.now()
    value = {"price": plan.price, "vouchers": grants_json(plan.vouchers)}
    with rt.uow() as uow:
        SettingsRepo(uow.conn).put(PLAN, value, now)
        audit.record(uow, principal, "membership.saving_card.set", "membership_settings", PLAN, value, now)
        uow.commit()
    return plan


def saving_card_plan(rt: Runtime) -> SavingCardPlan:
    with rt.uow(read_only=True) as uow:
        return plan_in(uow)


def saving_card_overview(rt: Runtime, principal: Principal) -> SavingCardOverview:
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        repo, consumer = saving_months_repo(uow.conn), principal.user_id
        plan = plan_in(uow)
        return SavingCardOverview(plan=plan, vouchers=_named_in(uow, plan), current=repo.in_force(consumer, now),
                                  paid_until=repo.paid_until(consumer, now),
                                  pending=open_pending_in(uow, repo, consumer, now),
                                  auto_renew=SubscriberRepo(uow.conn).auto_renew(consumer))


def _named_in(uow: UnitOfWork, plan: SavingCardPlan) -> tuple[NamedGrant, ...]:
    names = pricing.promotion_names_in(uow, [g.promotion_id for g in plan.vouchers])
    return tuple(NamedGrant(g.promotion_id, g.quantity, *names.get(g.promotion_id, (g.promotion_id, g.promotion_id)))
                 for g in plan.vouchers)


def buy_saving_card(rt: Runtime, principal: Principal, idempotency_key: str | None = None) -> Purchase:
    """Buy one month (after the month in force, if any) at the plan's price; an unpaid month is returned again."""
    now = rt.clock.now()
    with rt.uow() as uow:
        stored = replay(uow, owner=principal.user_id, scope=BUY_SCOPE, key=idempotency_key, request={}, now=now)
        if stored is not None:
            found = saving_months_repo(uow.conn).get(str(stored["id"]))
            assert found is not None
            return found
        purchase = open_pending_in(uow, saving_months_repo(uow.conn), principal.user_id, now) or \
            _start_month_in(rt, uow, principal.user_id, now, renewal=False)
        remember(uow, owner=principal.user_id, scope=BUY_SCOPE, key=idempotency_key, request={},
                 response={"id": purchase.id})
        uow.commit()
    return purchase


def _start_month_in(rt: Runtime, uow: UnitOfWork, consumer_id: str, now: datetime, *, renewal: bool,
                    expires_at: datetime | None = None) -> Purchase:
    plan = plan_in(uow)
    if plan.price <= 0:
        raise SavingCardNotOffered()
    return start_purchase_in(rt, uow, "saving_card", consumer_id, plan.price, now, expires_at=expires_at,
                             vouchers=grants_json(plan.vouchers), renewal=renewal)


def set_auto_renew(rt: Runtime, principal: Principal, on: bool) -> bool:
    """Switch auto-renew; switched on after the renewal time of the last paid month (its job found it off), the
    next month is prepared at once."""
    now = rt.clock.now()
    with rt.uow() as uow:
        SubscriberRepo(uow.conn).set_auto_renew(principal.user_id, on, now)
        last = saving_months_repo(uow.conn).last_paid(principal.user_id, now)
        if on and last is not None and last.ends_at is not None and now >= last.ends_at - RENEW_AHEAD:
            _renew_in(rt, uow, last, now)
        uow.commit()
    return on


def activate_month_in(uow: UnitOfWork, purchase: Purchase, now: datetime) -> Purchase | None:
    """Its payment was captured: the month starts (after the one in force); its vouchers and its renewal are
    queued, each keyed by the month so a repeat queues nothing."""
    month = activate_in(saving_months_repo(uow.conn), purchase, one_month_after, now)
    if month is None or month.ends_at is None:
        return None
    jobs.enqueue(uow, ISSUE_JOB, {"month_id": month.id}, now=now, key=f"{ISSUE_JOB}:{month.id}")
    jobs.enqueue(uow, RENEW_JOB, {"month_id": month.id}, now=now, run_at=month.ends_at - RENEW_AHEAD,
                 key=f"{RENEW_JOB}:{month.id}")
    return month


def issue_month_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """Job `membership.saving_card_issue`: issue a paid month's vouchers, valid until the month ends, once (the
    month's issued_at decides)."""
    now = rt.clock.now()
    with rt.uow() as uow:
        repo = saving_months_repo(uow.conn)
        month = repo.get(str(payload["month_id"]))
        if month is not None and repo.mark_issued(month.id, now):
            grants = grants_of(repo.vouchers_of(month.id))
            issue_grants_in(uow, month.consumer_id, grants, "saving_card", now, valid_until=month.ends_at)
        uow.commit()


def renew_month_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """Job `membership.saving_card_renew`: with auto-renew on, the next month is created with its payment, due
    by a few days after this month ends. Nothing when auto-renew is off, the card is no longer sold, or a later
    month already exists (bought by hand, or this job ran before)."""
    now = rt.clock.now()
    with rt.uow() as uow:
        month = saving_months_repo(uow.conn).get(str(payload["month_id"]))
        if month is not None:
            _renew_in(rt, uow, month, now)
        uow.commit()


def _renew_in(rt: Runtime, uow: UnitOfWork, month: Purchase, now: datetime) -> None:
    ends_at = month.ends_at
    if ends_at is None or not SubscriberRepo(uow.conn).auto_renew(month.consumer_id) or plan_in(uow).price <= 0:
        return
    if not saving_months_repo(uow.conn).later_than(month.consumer_id, ends_at):
        _start_month_in(rt, uow, month.consumer_id, now, renewal=True, expires_at=ends_at + RENEW_GRACE)
