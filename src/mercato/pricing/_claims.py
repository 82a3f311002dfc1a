"""The consumer's side of coupons: the store coupons one may claim, claiming one, "my vouchers" (available, used,
expired), and the periodic job that marks held coupons past their validity as expired, in batches."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from mercato.kernel import jobs
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.pricing._holdings import issue_held_in
from mercato.pricing._manage_common import views_in
from mercato.pricing.manage_repo import ManageRepo
from mercato.pricing.model import Kind, PromotionNotFound
from mercato.pricing.model.views import (
    EXPIRE_JOB,
    CouponNotClaimable,
    HeldStatus,
    HeldView,
    PromotionView,
    VoucherNotFound,
)
from mercato.stores import service as stores

EXPIRE_EVERY = timedelta(hours=1)
EXPIRE_BATCH = 1000
MY_VOUCHERS_LIMIT = 200
HELD_KINDS = ("store_coupon", "platform_voucher")


def store_coupons(rt: Runtime, store_id: str) -> list[PromotionView]:
    """The store's coupons consumers may claim now (anyone may look)."""
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        return views_in(uow, ManageRepo(uow.conn).claimable_coupons(store_id, now))


def claim_coupon(rt: Runtime, principal: Principal, promotion_id: str) -> HeldView:
    """Claim one coupon for oneself. A platform-issued voucher is `coupon_not_claimable`; the limits are kept by
    `issue_held_in` (`coupon_sold_out`, `coupon_limit_reached`, `promotion_not_issuable`)."""
    now = rt.clock.now()
    with rt.uow() as uow:
        row = ManageRepo(uow.conn).row(promotion_id)
        if row is None or row.kind not in HELD_KINDS:
            raise PromotionNotFound(promotion_id=promotion_id)
        if not row.claimable:
            raise CouponNotClaimable(promotion_id=promotion_id)
        held_id = issue_held_in(uow, promotion_id=promotion_id, consumer_id=principal.user_id, source="claim",
                                now=now)
        schedule_expiry_in(uow, now)
        held = next(h for h in _held_in(uow, principal.user_id, now) if h.id == held_id)
        uow.commit()
    return held


def my_vouchers(rt: Runtime, principal: Principal) -> list[HeldView]:
    """The consumer's own coupons and vouchers, newest first (at most 200); past their validity they show as
    expired even before the expiry job has run."""
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        return _held_in(uow, principal.user_id, now)


def my_voucher(rt: Runtime, principal: Principal, held_id: str) -> HeldView:
    """One of the consumer's own coupons or vouchers; someone else's is 404, as if it did not exist."""
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        row = ManageRepo(uow.conn).held_one(principal.user_id, held_id)
        if row is None:
            raise VoucherNotFound(held_id=held_id[:26])
        store = stores.stores_by_ids_in(uow, [row.store_id]).get(row.store_id) if row.store_id else None
        return _held_view(row, store, now)


def _held_in(uow: UnitOfWork, consumer_id: str, now: datetime) -> list[HeldView]:
    rows = ManageRepo(uow.conn).held_of(consumer_id, MY_VOUCHERS_LIMIT)
    found = stores.stores_by_ids_in(uow, {row.store_id for row in rows if row.store_id})
    return [_held_view(row, found.get(row.store_id) if row.store_id else None, now) for row in rows]


def _held_view(row: Any, store: Any, now: datetime) -> HeldView:
    rule: Mapping[str, Any] = row.rule or {}
    status = HeldStatus(row.status)
    if status is HeldStatus.AVAILABLE and row.valid_until is not None and row.valid_until <= now:
        status = HeldStatus.EXPIRED
    return HeldView(
        id=row.id, promotion_id=row.promotion_id, kind=Kind(row.kind), name_en=row.name_en, name_zh=row.name_zh,
        store_id=row.store_id, store_name_en=store.name_en if store else "",
        store_name_zh=store.name_zh if store else "",
        threshold=int(rule.get("threshold", 0)), amount=int(rule.get("amount", 0)),
        percent=int(rule.get("percent", 0)), cap=rule.get("cap"), status=status, valid_until=row.valid_until,
        issued_at=row.issued_at, used_at=row.used_at)


# --- expiry -------------------------------------------------------------------------------------------------------

def _next_period(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0) + EXPIRE_EVERY


def schedule_expiry_in(uow: UnitOfWork, now: datetime) -> None:
    """Make sure an expiry run is due at the next full hour: one job per period (its key), however many ask."""
    at = _next_period(now)
    jobs.enqueue(uow, EXPIRE_JOB, {}, now=now, run_at=at, key=f"{EXPIRE_JOB}:{at.isoformat()}")


def expire_held_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """Expire available coupons past their validity, one transaction per batch, then book the next hourly run."""
    now = rt.clock.now()
    while True:
        with rt.uow() as uow:
            expired = ManageRepo(uow.conn).expire_batch(now, EXPIRE_BATCH)
            uow.commit()
        if expired < EXPIRE_BATCH:
            break
    with rt.uow() as uow:
        schedule_expiry_in(uow, now)
        uow.commit()
