"""Coupons and vouchers consumers hold: issue one (limits kept by conditional updates and a unique seat), spend
them atomically at placement, give them back when an unpaid payment closes, and list the usable ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from mercato.kernel.idgen import new_id
from mercato.kernel.uow import UnitOfWork
from mercato.pricing.model import (
    CouponLimitReached,
    CouponSoldOut,
    CouponUnavailable,
    Held,
    Kind,
    PromotionNotFound,
    PromotionNotIssuable,
)
from mercato.pricing.repo import ACTIVE, AVAILABLE, HeldRepo

ISSUABLE_KINDS = frozenset({Kind.STORE_COUPON.value, Kind.PLATFORM_VOUCHER.value})


def issue_held_in(uow: UnitOfWork, *, promotion_id: str, consumer_id: str, source: str, now: datetime,
                  valid_until: datetime | None = None) -> str:
    """Issue one coupon or voucher of the promotion to the consumer; the held id.

    The total quantity is kept by a conditional increment and the per-person limit by the unique seat
    (promotion, consumer, claim_seq): a concurrent duplicate claim loses on the key. Both run in a savepoint, so a
    refusal rolls back the increment and leaves the caller's transaction usable.
    """
    repo = HeldRepo(uow.conn)
    promo = _issuable(repo, promotion_id, now)
    seat = repo.count_held(promotion_id, consumer_id) + 1
    if seat > promo.per_person:
        raise CouponLimitReached(promotion_id=promotion_id, per_person=promo.per_person)
    held_id = new_id()
    row = {"id": held_id, "promotion_id": promotion_id, "consumer_id": consumer_id, "claim_seq": seat,
           "status": AVAILABLE, "source": source, "valid_from": now,
           "valid_until": valid_until or _default_until(promo, now), "issued_at": now}
    try:
        with uow.conn.begin_nested():
            if not repo.take_unit(promotion_id):
                raise CouponSoldOut(promotion_id=promotion_id)
            repo.insert(row)
    except IntegrityError:
        raise CouponLimitReached(promotion_id=promotion_id, per_person=promo.per_person) from None
    return held_id


def _issuable(repo: HeldRepo, promotion_id: str, now: datetime) -> Any:
    promo = repo.promotion(promotion_id)
    if promo is None:
        raise PromotionNotFound(promotion_id=promotion_id)
    started = promo.starts_at is None or promo.starts_at <= now
    ended = promo.ends_at is not None and promo.ends_at <= now
    if promo.kind not in ISSUABLE_KINDS or promo.status != ACTIVE or not started or ended:
        raise PromotionNotIssuable(promotion_id=promotion_id, status=promo.status)
    return promo


def _default_until(promo: Any, now: datetime) -> datetime | None:
    """`valid_days` from the issue when the promotion has them, else until the promotion ends."""
    if promo.valid_days:
        return now + timedelta(days=int(promo.valid_days))
    ended: datetime | None = promo.ends_at
    return ended


def spend_held_in(uow: UnitOfWork, *, consumer_id: str, held_ids: Sequence[str], payment_id: str,
                  now: datetime) -> None:
    """Mark the coupons used by this payment, all or none: one conditional UPDATE whose row count must be all of
    them (another checkout that spent one first wins; this placement then rolls back whole)."""
    ids = sorted(set(held_ids))
    if not ids:
        return
    if HeldRepo(uow.conn).spend(consumer_id, ids, payment_id, now) != len(ids):
        raise CouponUnavailable(held_ids=ids)


def return_held_in(uow: UnitOfWork, *, payment_id: str, now: datetime) -> int:
    """An unpaid payment closed: its coupons come back (expired instead when their validity passed); how many."""
    return HeldRepo(uow.conn).give_back(payment_id, now)


def held_in(uow: UnitOfWork, consumer_id: str, now: datetime) -> tuple[Held, ...]:
    """The consumer's coupons and vouchers usable now (available, valid, of a running promotion)."""
    return tuple(HeldRepo(uow.conn).usable(consumer_id, now))
