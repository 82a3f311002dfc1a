"""Pricing refusals, each a `DomainError` with a stable code.

    PromotionInvalid   400  promotion_invalid    a promotion's field breaks its rule (the message names the field)
    CartLineInvalid    400  cart_line_invalid    a cart line has a negative price, a quantity below 1 or a repeated id
    HeldUnknown        400  held_unknown         a held coupon or voucher names no given promotion, or repeats an id
    PromotionNotFound  404  promotion_not_found  no such promotion
    PromotionNotIssuable 409 promotion_not_issuable  the promotion is not active, not started, ended or not held
    CouponSoldOut      409  coupon_sold_out      every unit of the coupon or voucher was issued
    CouponLimitReached 409  coupon_limit_reached the consumer already holds as many as one person may
    CouponUnavailable  409  coupon_unavailable   a coupon or voucher to spend is not the consumer's, used or expired
"""

from __future__ import annotations

from mercato.kernel.errors import EntityNotFound, InputInvalid, StateConflict


class PromotionInvalid(InputInvalid):
    code = "promotion_invalid"
    title = "The promotion is not valid"


class CartLineInvalid(InputInvalid):
    code = "cart_line_invalid"
    title = "The cart line is not valid"


class HeldUnknown(InputInvalid):
    code = "held_unknown"
    title = "The coupon or voucher is not known"


class PromotionNotFound(EntityNotFound):
    code = "promotion_not_found"
    title = "No such promotion"


class PromotionNotIssuable(StateConflict):
    code = "promotion_not_issuable"
    title = "This promotion is not running, so its coupons cannot be issued"


class CouponSoldOut(StateConflict):
    code = "coupon_sold_out"
    title = "All of these coupons have been taken"


class CouponLimitReached(StateConflict):
    code = "coupon_limit_reached"
    title = "You already hold as many of these coupons as one person may"


class CouponUnavailable(StateConflict):
    code = "coupon_unavailable"
    title = "A coupon or voucher you chose is no longer available; review the checkout and try again"
