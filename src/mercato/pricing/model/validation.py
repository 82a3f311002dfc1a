"""Checks on the engine's inputs: each broken rule raises an error that names the promotion and the field."""

from __future__ import annotations

from collections.abc import Sequence

from mercato.pricing.model.errors import CartLineInvalid, HeldUnknown, PromotionInvalid
from mercato.pricing.model.types import BASIS_POINTS, Context, Kind, Line, PromoClass, Promotion

THRESHOLD_KINDS = frozenset({Kind.STORE_REDUCTION, Kind.CROSS_STORE_REDUCTION})


def _refuse(promo: Promotion, field: str, rule: str) -> PromotionInvalid:
    return PromotionInvalid(
        f"promotion {promo.promotion_id}: {field} {rule}", promotion_id=promo.promotion_id, field=field
    )


def _check_percent(promo: Promotion) -> None:
    if not 1 <= promo.percent <= 99:
        raise _refuse(promo, "percent", "must be from 1 to 99")


def _check_common(promo: Promotion) -> None:
    if not 0 <= promo.platform_bp <= BASIS_POINTS:
        raise _refuse(promo, "platform_share_bp", "must be from 0 to 10000")
    if promo.cap is not None and promo.cap < 0:
        raise _refuse(promo, "cap", "must not be negative")
    window = promo.window
    if window.starts_at and window.ends_at and window.ends_at <= window.starts_at:
        raise _refuse(promo, "window", "must end after it starts")
    if promo.promo_class is PromoClass.STORE and len(promo.scope.store_ids) != 1:
        raise _refuse(promo, "scope.store_ids", "must name exactly one store")
    if promo.kind is Kind.CROSS_STORE_REDUCTION and not promo.scope.store_ids:
        raise _refuse(promo, "scope.store_ids", "must name the stores that opted in")


def _check_tiers(promo: Promotion) -> None:
    previous_threshold, previous_amount = 0, 0
    for tier in promo.tiers:
        if tier.threshold <= 0:
            raise _refuse(promo, "tiers.threshold", "must be positive")
        if not 0 < tier.amount < tier.threshold:
            raise _refuse(promo, "tiers.amount", "must be positive and below its threshold")
        if tier.threshold <= previous_threshold or tier.amount <= previous_amount:
            raise _refuse(promo, "tiers", "must increase in threshold and amount")
        previous_threshold, previous_amount = tier.threshold, tier.amount


def _check_reduction(promo: Promotion) -> None:
    if promo.tiers:
        _check_tiers(promo)
        return
    if promo.every <= 0:
        raise _refuse(promo, "tiers", "are empty and no positive `every` is given")
    if not 0 < promo.amount < promo.every:
        raise _refuse(promo, "amount", "must be positive and below `every`")


def _check_coupon(promo: Promotion) -> None:
    if promo.threshold <= 0:
        raise _refuse(promo, "threshold", "must be positive")
    if promo.percent:
        _check_percent(promo)
    elif not 0 < promo.amount < promo.threshold:
        raise _refuse(promo, "amount", "must be positive and below the threshold")


def _check_item(promo: Promotion) -> None:
    if promo.kind is Kind.ITEM_DISCOUNT and promo.percent == 0:
        if promo.amount <= 0:
            raise _refuse(promo, "amount", "must be positive (or give a percent)")
    elif promo.kind in (Kind.ITEM_DISCOUNT, Kind.MEMBER_PRICE, Kind.NTH_ITEM):
        _check_percent(promo)
    if promo.kind in (Kind.SPECIAL_PRICE, Kind.SUBSIDY_PRICE) and promo.price < 0:
        raise _refuse(promo, "price", "must not be negative")
    if promo.kind is Kind.BUY_X_GET_Y and (promo.buy < 1 or promo.get < 1):
        raise _refuse(promo, "buy/get", "must both be at least 1")
    if promo.kind is Kind.NTH_ITEM and promo.nth < 2:
        raise _refuse(promo, "nth", "must be at least 2")
    if promo.kind is Kind.BUNDLE:
        _check_bundle(promo)


def _check_bundle(promo: Promotion) -> None:
    if promo.price <= 0:
        raise _refuse(promo, "price", "must be positive")
    if len(promo.scope.sku_ids) < 2:
        raise _refuse(promo, "scope.sku_ids", "must name at least two SKUs")
    if len(promo.scope.store_ids) != 1:
        raise _refuse(promo, "scope.store_ids", "must name exactly one store")


def validate_promotion(promo: Promotion) -> None:
    _check_common(promo)
    if promo.kind in THRESHOLD_KINDS:
        _check_reduction(promo)
    elif promo.is_held:
        _check_coupon(promo)
    else:
        _check_item(promo)


def validate_lines(lines: Sequence[Line]) -> None:
    seen: set[str] = set()
    for line in lines:
        if line.unit_price < 0 or line.quantity < 1:
            raise CartLineInvalid(f"line {line.line_id}: price must be >= 0 and quantity >= 1", line_id=line.line_id)
        if line.line_id in seen:
            raise CartLineInvalid(f"line {line.line_id} appears twice", line_id=line.line_id)
        seen.add(line.line_id)


def validate_inputs(lines: Sequence[Line], context: Context, promotions: Sequence[Promotion]) -> None:
    validate_lines(lines)
    ids = [p.promotion_id for p in promotions]
    if len(set(ids)) != len(ids):
        raise PromotionInvalid("two promotions share an id", field="promotion_id")
    for promo in promotions:
        validate_promotion(promo)
    by_id = {p.promotion_id: p for p in promotions}
    held_ids = [h.held_id for h in context.held]
    if len(set(held_ids)) != len(held_ids):
        raise HeldUnknown("two held coupons or vouchers share an id")
    for held in context.held:
        if held.promotion_id not in by_id or not by_id[held.promotion_id].is_held:
            raise HeldUnknown(f"held {held.held_id} names no coupon or voucher", held_id=held.held_id)
