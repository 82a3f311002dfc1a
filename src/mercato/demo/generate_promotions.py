"""The demo's promotions, pure and deterministic: store full reductions, coupons and an item discount on a few
flagship and independent stores, a cross-store festival with about half the stores opted in, a member price in two
verticals, a red envelope and a new-customer voucher issued to every demo consumer. Rows go through `pricing.rows`,
the one mapping between a promotions row and the engine's `Promotion`."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mercato.demo.records import Row, new_id
from mercato.pricing.model import Kind, PromoClass, Promotion, Requirement, Scope, Tier, Window
from mercato.pricing.model.views import EXPIRE_JOB
from mercato.pricing.rows import columns_of

STORES_WITH_PROMOTIONS = 3  # of each kind
VOUCHER_DAYS = 30
CONSUMER_PREFIX = "consumer"


@dataclass
class PromotionRows:
    promotions: list[Row] = field(default_factory=list)
    promotion_stores: list[Row] = field(default_factory=list)
    held_coupons: list[Row] = field(default_factory=list)
    jobs: list[Row] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Plan:
    rng: random.Random
    as_of: datetime
    operator_id: str


def _row(plan: _Plan, promo: Promotion, names: tuple[str, str], owner: str, store_id: str | None,
         created_by: str, **limits: Any) -> Row:
    row = columns_of(promo)
    row.update(owner=owner, store_id=store_id, name_en=names[0], name_zh=names[1], status="active",
               total_quantity=None, issued=0, per_person=1, valid_days=None, claimable=False,
               created_by=created_by, created_at=plan.as_of - timedelta(days=7),
               updated_at=plan.as_of - timedelta(days=7))
    row.update(limits)
    return row


def _window(plan: _Plan, days: int) -> Window:
    return Window(plan.as_of - timedelta(days=7), plan.as_of + timedelta(days=days))


def _store_promotions(plan: _Plan, store: Row, out: PromotionRows) -> None:
    """A tiered full reduction and a claimable coupon on each chosen store; an item discount on flagships."""
    sid, owner = str(store["id"]), str(store["owner_id"])
    scope = Scope(frozenset({sid}))
    tiers = (Tier(20000, 2000), Tier(30000, 4000))
    reduction = Promotion(new_id(plan.rng, plan.as_of), Kind.STORE_REDUCTION, scope, _window(plan, 60), tiers=tiers)
    out.promotions.append(_row(plan, reduction, ("¥20 off ¥200, ¥40 off ¥300", "满200减20，满300减40"),
                               "store", sid, owner))
    coupon = Promotion(new_id(plan.rng, plan.as_of), Kind.STORE_COUPON, scope, _window(plan, 60),
                       threshold=9900, amount=1000)
    out.promotions.append(_row(plan, coupon, ("¥10 off ¥99", "满99减10"), "store", sid, owner,
                               total_quantity=500, per_person=1, claimable=True))
    if store["kind"] == "flagship":
        discount = Promotion(new_id(plan.rng, plan.as_of), Kind.ITEM_DISCOUNT, Scope(), _window(plan, 14),
                             percent=10)
        out.promotions.append(_row(plan, discount, ("10% off everything", "全场九折"), "store", sid, owner))


def _festival(plan: _Plan, stores: list[Row], out: PromotionRows) -> None:
    """Every ¥300 across stores, ¥50 off (at most ¥500), half paid by the platform; every other store opted in."""
    opted = [str(s["id"]) for i, s in enumerate(stores) if i % 2 == 0]
    promo = Promotion(new_id(plan.rng, plan.as_of), Kind.CROSS_STORE_REDUCTION, Scope(frozenset(opted)),
                      _window(plan, 30), platform_share_bp=5000, every=30000, amount=5000, cap=50000)
    out.promotions.append(_row(plan, promo, ("Winter festival: ¥50 off every ¥300", "冬季购物节：每满300减50"),
                               "platform", None, plan.operator_id))
    out.promotion_stores.extend({"promotion_id": promo.promotion_id, "store_id": sid,
                                 "opted_at": plan.as_of - timedelta(days=7)} for sid in opted)


def _member_price(plan: _Plan, categories: list[Row], out: PromotionRows) -> None:
    roots = [c for c in categories if c["parent_id"] is None]
    verticals = sorted(roots, key=lambda c: int(str(c["position"])))[:2]
    promo = Promotion(new_id(plan.rng, plan.as_of), Kind.MEMBER_PRICE,
                      Scope(vertical_ids=frozenset(str(v["id"]) for v in verticals)), _window(plan, 365),
                      platform_share_bp=10000, percent=5,
                      combines_with=frozenset(PromoClass) - {PromoClass.ITEM})
    out.promotions.append(_row(plan, promo, ("Members 5% off", "会员95折"), "platform", None, plan.operator_id))


def _issued_voucher(plan: _Plan, consumers: list[str], names: tuple[str, str], out: PromotionRows,
                    **rule: Any) -> None:
    """A platform voucher handed to every demo consumer (a red-envelope campaign already run)."""
    promo = Promotion(new_id(plan.rng, plan.as_of), Kind.PLATFORM_VOUCHER, Scope(), _window(plan, 90), **rule)
    out.promotions.append(_row(plan, promo, names, "platform", None, plan.operator_id, issued=len(consumers),
                               valid_days=VOUCHER_DAYS, total_quantity=len(consumers) * 2))
    issued_at = plan.as_of - timedelta(days=1)
    out.held_coupons.extend({
        "id": new_id(plan.rng, issued_at), "promotion_id": promo.promotion_id, "consumer_id": consumer_id,
        "claim_seq": 1, "status": "available", "source": "campaign", "valid_from": issued_at,
        "valid_until": issued_at + timedelta(days=VOUCHER_DAYS), "issued_at": issued_at, "payment_id": None,
        "used_at": None} for consumer_id in consumers)


def build_promotions(rng: random.Random, users: list[Row], stores: list[Row], categories: list[Row],
                     as_of: datetime) -> PromotionRows:
    operator_id = next(str(u["id"]) for u in users if u["is_operator"])
    plan, out = _Plan(rng, as_of, operator_id), PromotionRows()
    active = [s for s in stores if s["status"] == "active"]
    for kind in ("flagship", "independent"):
        for store in [s for s in active if s["kind"] == kind][:STORES_WITH_PROMOTIONS]:
            _store_promotions(plan, store, out)
    _festival(plan, active, out)
    _member_price(plan, categories, out)
    consumers = [str(u["id"]) for u in users if str(u["email"]).startswith(CONSUMER_PREFIX)]
    _issued_voucher(plan, consumers, ("Red envelope: ¥15 off ¥149", "红包：满149减15"), out,
                    threshold=14900, amount=1500)
    _issued_voucher(plan, consumers, ("New customer: ¥20 off your first order of ¥99", "新人首单满99减20"), out,
                    threshold=9900, amount=2000, requirement=Requirement.FIRST_PLATFORM_ORDER)
    out.jobs.append(_expiry_job(plan))
    return out


def _expiry_job(plan: _Plan) -> Row:
    """The hourly voucher expiry, due at once; each run books the next (as `schedule_expiry_in` keys it)."""
    return {"id": new_id(plan.rng, plan.as_of), "kind": EXPIRE_JOB, "key": f"{EXPIRE_JOB}:{plan.as_of.isoformat()}",
            "payload": {}, "status": "queued", "run_at": plan.as_of, "attempts": 0, "max_attempts": 8,
            "locked_by": None, "locked_until": None, "last_error": None, "created_at": plan.as_of,
            "finished_at": None}
