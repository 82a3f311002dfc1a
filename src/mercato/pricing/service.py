"""The pricing use cases, one public surface: the coupons and vouchers consumers hold (issue, spend, give back,
list) and the quote of a cart through the promotion engine. Other capabilities use only this module, `model` and
`rows`."""

from __future__ import annotations

from collections.abc import Mapping

from mercato.kernel.jobs import Handler
from mercato.pricing._badges import (
    OpenPromotions,
    ProductBadges,
    ProductSkus,
    PromotionName,
    StoreBadges,
    badges_of,
    open_promotions_in,
    product_badges,
    product_badges_in,
    store_badges_in,
    store_badges_of,
)
from mercato.pricing._campaigns import (
    CAMPAIGN_JOB,
    create_platform_promotion,
    issue_campaign,
    issue_campaign_job,
    platform_promotion,
    platform_promotions,
    set_platform_promotion_status,
    update_platform_promotion,
)
from mercato.pricing._claims import (
    claim_coupon,
    expire_held_job,
    my_voucher,
    my_vouchers,
    schedule_expiry_in,
    store_coupons,
)
from mercato.pricing._holdings import held_in, issue_held_in, return_held_in, spend_held_in
from mercato.pricing._manage import (
    create_store_promotion,
    join_festival,
    leave_festival,
    set_store_promotion_status,
    store_festivals,
    store_promotion,
    store_promotions,
    update_store_promotion,
)
from mercato.pricing._quotes import (
    Offers,
    offers_in,
    price_offers,
    promotion_names_in,
    promotions_for_in,
    quote_in,
)
from mercato.pricing.model.views import EXPIRE_JOB

JOB_HANDLERS: Mapping[str, Handler] = {
    CAMPAIGN_JOB: issue_campaign_job,
    EXPIRE_JOB: expire_held_job,
}

__all__ = [  # noqa: RUF022 (the badge names are one additive group)
    "OpenPromotions", "ProductBadges", "ProductSkus", "PromotionName", "StoreBadges", "badges_of",
    "open_promotions_in", "product_badges", "product_badges_in", "store_badges_in", "store_badges_of",
    "JOB_HANDLERS",
    "Offers",
    "CAMPAIGN_JOB", "EXPIRE_JOB", "claim_coupon", "create_platform_promotion", "create_store_promotion",
    "expire_held_job", "issue_campaign", "issue_campaign_job", "join_festival", "leave_festival",
    "my_voucher", "my_vouchers", "schedule_expiry_in",
    "platform_promotion", "platform_promotions", "set_platform_promotion_status", "set_store_promotion_status",
    "store_coupons", "store_festivals", "store_promotion", "store_promotions", "update_platform_promotion",
    "update_store_promotion",
    "held_in",
    "issue_held_in",
    "offers_in",
    "price_offers",
    "promotion_names_in",
    "promotions_for_in",
    "quote_in",
    "return_held_in",
    "spend_held_in",
]
