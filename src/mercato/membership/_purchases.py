"""What a membership year and a saving-card month share: bought with a platform-sale payment, active the moment its
capture arrives (extending what is in force), cancelled when the payment closes unpaid; and issuing voucher grants."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from mercato.kernel import jobs
from mercato.kernel.errors import DomainError, InputInvalid
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.membership.model import MembershipStatus, Purchase, VoucherGrant, extended_start
from mercato.membership.repo import PurchaseRepo, memberships_repo, saving_months_repo
from mercato.payments import service as payments
from mercato.pricing import service as pricing
from mercato.pricing.model import Kind
from mercato.pricing.model.views import PromotionView

CLOSE_JOB = "membership.close_purchase"
KINDS: dict[str, Callable[[Any], PurchaseRepo]] = {"membership": memberships_repo, "saving_card": saving_months_repo}
log = logging.getLogger(__name__)


def start_purchase_in(rt: Runtime, uow: UnitOfWork, kind: str, consumer_id: str, price: int, now: datetime,
                      expires_at: datetime | None = None, **extra: Any) -> Purchase:
    """A pending purchase and, when it costs something, its payment (closed by a job if unpaid at expiry)."""
    purchase_id, repo = new_id(), KINDS[kind](uow.conn)
    expires_at = expires_at or now + timedelta(minutes=rt.settings.payment_timeout_minutes)
    payment_id = None
    if price > 0:
        payment_id = payments.create_platform_sale_in(uow, consumer_id=consumer_id, sale_id=purchase_id,
                                                      amount=price, now=now, expires_at=expires_at).id
        jobs.enqueue(uow, CLOSE_JOB, {"kind": kind, "purchase_id": purchase_id, "payment_id": payment_id},
                     now=now, run_at=expires_at, key=f"{CLOSE_JOB}:{purchase_id}")
    repo.insert({"id": purchase_id, "consumer_id": consumer_id, "status": MembershipStatus.PENDING.value,
                 "price": price, "payment_id": payment_id, "created_at": now, **extra})
    found = repo.get(purchase_id)
    assert found is not None
    return found


def open_pending_in(uow: UnitOfWork, repo: PurchaseRepo, consumer_id: str, now: datetime) -> Purchase | None:
    """The consumer's purchase still awaiting a payment that can be paid now, if any."""
    pending = repo.pending(consumer_id)
    if pending is None or pending.payment_id is None:
        return None
    payment = payments.payment_status_in(uow, pending.payment_id)
    payable = payment is not None and payment.status.value == "open" and now < payment.expires_at
    return pending if payable else None


def activate_in(repo: PurchaseRepo, purchase: Purchase, length: Callable[[datetime], datetime],
                now: datetime) -> Purchase | None:
    """pending -> active from now, or from the end of what is in force; None when it was not pending."""
    repo.lock_consumer(purchase.consumer_id)
    starts_at = extended_start(now, repo.paid_until(purchase.consumer_id, now))
    if not repo.activate(purchase.id, starts_at, length(starts_at)):
        return None
    return repo.get(purchase.id)


def captured_purchase_in(uow: UnitOfWork, payment_id: str) -> tuple[str, Purchase] | None:
    """Which purchase (kind, row) a captured payment paid for, if it is one of membership's."""
    for kind, make in KINDS.items():
        found = make(uow.conn).by_payment(payment_id)
        if found is not None:
            return kind, found
    return None


def close_purchase_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """Job `membership.close_purchase`: the payment's time is up. An unpaid one closes and its purchase is
    cancelled; a captured one (closing refuses) is left alone, so a repeat changes nothing."""
    now = rt.clock.now()
    with rt.uow() as uow:
        if payments.close_payment_in(uow, str(payload["payment_id"]), now):
            KINDS[str(payload["kind"])](uow.conn).cancel(str(payload["purchase_id"]))
        uow.commit()


def issue_grants_in(uow: UnitOfWork, consumer_id: str, grants: Iterable[VoucherGrant], source: str,
                    now: datetime, valid_until: datetime | None = None) -> int:
    """Issue every voucher of the grants; one the promotion refuses (ended, sold out, per-person limit) is skipped
    and logged, so the others still arrive. How many were issued."""
    issued = 0
    for grant in grants:
        for _ in range(grant.quantity):
            try:
                pricing.issue_held_in(uow, promotion_id=grant.promotion_id, consumer_id=consumer_id, source=source,
                                      now=now, valid_until=valid_until)
            except DomainError as exc:
                log.warning("%s voucher %s for %s not issued: %s", source, grant.promotion_id, consumer_id, exc.code)
                break
            issued += 1
    if issued:
        pricing.schedule_expiry_in(uow, now)  # these vouchers expire too, even if no claim booked the hourly run
    return issued


def platform_vouchers(rt: Runtime, principal: Principal) -> list[PromotionView]:
    """The platform voucher promotions an operator may put in a saving card or an invite reward."""
    return [p for p in pricing.platform_promotions(rt, principal) if p.kind is Kind.PLATFORM_VOUCHER]


def check_vouchers_exist(rt: Runtime, principal: Principal, grants: Iterable[VoucherGrant],
                         error: type[InputInvalid]) -> None:
    """Every grant names a platform voucher promotion."""
    known = {p.id for p in platform_vouchers(rt, principal)}
    unknown = sorted({g.promotion_id for g in grants} - known)
    if unknown:
        raise error(f"Not a platform voucher promotion: {', '.join(unknown)}", field="vouchers")


def grants_of(value: Any) -> tuple[VoucherGrant, ...]:
    """[[promotion_id, quantity], ...] as stored in settings JSON."""
    return tuple(VoucherGrant(str(pid), int(qty)) for pid, qty in value or ())


def grants_json(grants: Iterable[VoucherGrant]) -> list[list[Any]]:
    return [[g.promotion_id, g.quantity] for g in grants]
