"""Pricing refusals, each a `DomainError` with a stable code.

    PromotionInvalid   400  promotion_invalid    a promotion's field breaks its rule (the message names the field)
    CartLineInvalid    400  cart_line_invalid    a cart line has a negative price, a quantity below 1 or a repeated id
    HeldUnknown        400  held_unknown         a held coupon or voucher names no given promotion, or repeats an id
"""

from __future__ import annotations

from mercato.kernel.errors import InputInvalid


class PromotionInvalid(InputInvalid):
    code = "promotion_invalid"
    title = "The promotion is not valid"


class CartLineInvalid(InputInvalid):
    code = "cart_line_invalid"
    title = "The cart line is not valid"


class HeldUnknown(InputInvalid):
    code = "held_unknown"
    title = "The coupon or voucher is not known"
