"""What one promotion takes off: per line for item-class promotions, from a base amount for threshold promotions.

Percentages round down to the fen (in the merchant's favour); every discount is capped at what it discounts.
"""

from __future__ import annotations

from mercato.pricing.model.types import Kind, Line, Promotion


def _percent_of(amount: int, percent: int) -> int:
    return amount * percent // 100


def _capped(promo: Promotion, discount: int) -> int:
    return discount if promo.cap is None else min(discount, promo.cap)


def line_discount(promo: Promotion, line: Line, remaining: int) -> int:
    """The item- or member-class discount on one line whose amount left is `remaining`."""
    return min(remaining, _raw_line_discount(promo, line, remaining))


def _raw_line_discount(promo: Promotion, line: Line, remaining: int) -> int:
    if promo.kind is Kind.ITEM_DISCOUNT and promo.percent == 0:
        return min(promo.amount, line.unit_price) * line.quantity
    if promo.kind in (Kind.ITEM_DISCOUNT, Kind.MEMBER_PRICE):
        return _percent_of(remaining, promo.percent)
    if promo.kind in (Kind.SPECIAL_PRICE, Kind.SUBSIDY_PRICE):
        return max(0, line.unit_price - promo.price) * line.quantity
    if promo.kind is Kind.BUY_X_GET_Y:
        return line.quantity // (promo.buy + promo.get) * promo.get * line.unit_price
    if promo.kind is Kind.NTH_ITEM:
        return _percent_of(line.quantity // promo.nth * line.unit_price, promo.percent)
    if promo.kind is Kind.BUNDLE:
        return promo.amount  # the line's share, set by `bundles.joined`
    return 0


def threshold_discount(promo: Promotion, base: int) -> int:
    """The discount of a full reduction, coupon or voucher on an eligible amount `base`; 0 below its threshold."""
    return min(base, _raw_threshold_discount(promo, base))


def _raw_threshold_discount(promo: Promotion, base: int) -> int:
    if promo.tiers:
        met = [t.amount for t in promo.tiers if t.threshold <= base]
        return max(met, default=0)
    if promo.every:
        return _capped(promo, base // promo.every * promo.amount)
    if base < promo.threshold:
        return 0
    return _capped(promo, _percent_of(base, promo.percent)) if promo.percent else promo.amount


def next_step(promo: Promotion, base: int) -> tuple[int, int] | None:
    """The nearest threshold above `base` that would raise the discount: (missing amount, discount gained)."""
    current = threshold_discount(promo, base)
    if promo.tiers:
        targets = [t.threshold for t in promo.tiers if t.threshold > base]
    elif promo.every:
        targets = [(base // promo.every + 1) * promo.every]
    else:
        targets = [promo.threshold] if base < promo.threshold else []
    for target in targets:
        gained = threshold_discount(promo, target) - current
        if gained > 0:
            return target - base, gained
    return None
