"""Helpers for the promotion management tests: drafts of each kind, every pricing row and audit entry to compare
before and after a refusal, and running due jobs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from mercato.kernel.runtime import Runtime
from mercato.pricing.model import Kind, Tier
from mercato.pricing.model.drafts import PromotionDraft
from mercato.pricing.tables import held_coupons, promotion_stores, promotions

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def coupon(**overrides: Any) -> PromotionDraft:
    """A store coupon: 20 off 200, 10 in all, one per person, claimable."""
    values: dict[str, Any] = {"kind": Kind.STORE_COUPON, "name_en": "20 off 200", "name_zh": "满200减20",
                              "threshold": 20000, "amount": 2000, "total_quantity": 10}
    values.update(overrides)
    return PromotionDraft(**values)


def reduction(**overrides: Any) -> PromotionDraft:
    """A tiered store full reduction: 20 off 200, 40 off 300."""
    values: dict[str, Any] = {"kind": Kind.STORE_REDUCTION, "name_en": "Tiered", "name_zh": "满减",
                              "tiers": (Tier(20000, 2000), Tier(30000, 4000))}
    values.update(overrides)
    return PromotionDraft(**values)


def voucher(**overrides: Any) -> PromotionDraft:
    """A platform red envelope: 10 off 99, issued by campaigns only."""
    values: dict[str, Any] = {"kind": Kind.PLATFORM_VOUCHER, "name_en": "Red envelope", "name_zh": "红包",
                              "threshold": 9900, "amount": 1000, "claimable": False}
    values.update(overrides)
    return PromotionDraft(**values)


def festival(**overrides: Any) -> PromotionDraft:
    """Every 300 across stores, 50 off, the platform paying half."""
    values: dict[str, Any] = {"kind": Kind.CROSS_STORE_REDUCTION, "name_en": "Double 11", "name_zh": "双十一",
                              "every": 30000, "amount": 5000, "platform_share_bp": 5000}
    values.update(overrides)
    return PromotionDraft(**values)


def pricing_snapshot(rt: Runtime) -> dict[str, Any]:
    """Every promotions, opt-in and held-coupon row, and the number of audit entries."""
    with rt.uow(read_only=True) as uow:
        rows: dict[str, Any] = {t.name: sorted(tuple(str(v) for v in r) for r in uow.conn.execute(sa.select(t)))
                                for t in (promotions, promotion_stores, held_coupons)}
        rows["audit"] = uow.conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()
    return rows


def held_statuses(rt: Runtime, consumer_id: str) -> list[str]:
    with rt.uow(read_only=True) as uow:
        query = sa.select(held_coupons.c.status).where(held_coupons.c.consumer_id == consumer_id)
        return sorted(uow.conn.execute(query).scalars())
