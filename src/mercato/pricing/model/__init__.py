"""The pure promotion engine: cart lines, the consumer's context and the active promotions in; the cheapest valid
combination out, allocated per line to the fen, split between merchant and platform, and explained.

Errors (all `kernel.errors.InputInvalid`, 400): PromotionInvalid, CartLineInvalid, HeldUnknown.
"""

from __future__ import annotations

from mercato.pricing.model.allocation import allocate, split_funding
from mercato.pricing.model.engine import price_cart
from mercato.pricing.model.errors import (
    CartLineInvalid,
    CouponLimitReached,
    CouponSoldOut,
    CouponUnavailable,
    HeldUnknown,
    PromotionInvalid,
    PromotionNotFound,
    PromotionNotIssuable,
)
from mercato.pricing.model.quote import Hint, LineDiscount, LineQuote, Note, Quote, StoreTotal
from mercato.pricing.model.types import (
    ALL_CLASSES,
    BASIS_POINTS,
    Context,
    Held,
    Kind,
    Line,
    PromoClass,
    Promotion,
    Reason,
    Requirement,
    Scope,
    Tier,
    Window,
)
from mercato.pricing.model.validation import validate_inputs, validate_promotion
from mercato.pricing.model.views import HeldView, PromotionView

__all__ = [
    "ALL_CLASSES",
    "BASIS_POINTS",
    "CartLineInvalid",
    "Context",
    "CouponLimitReached",
    "CouponSoldOut",
    "CouponUnavailable",
    "Held",
    "HeldUnknown",
    "HeldView",
    "Hint",
    "Kind",
    "Line",
    "LineDiscount",
    "LineQuote",
    "Note",
    "PromoClass",
    "Promotion",
    "PromotionInvalid",
    "PromotionNotFound",
    "PromotionNotIssuable",
    "PromotionView",
    "Quote",
    "Reason",
    "Requirement",
    "Scope",
    "StoreTotal",
    "Tier",
    "Window",
    "allocate",
    "price_cart",
    "split_funding",
    "validate_inputs",
    "validate_promotion",
]
