"""A three-store checkout with four promotions for the pricing service tests: the marketplace of trade_helpers, a
store full reduction at nike, a store coupon at tea, a cross-store reduction tea and nike opted in to (the platform
funds half) and a platform voucher, both coupons held by the buyer."""

from __future__ import annotations

from dataclasses import dataclass

from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.pricing import service as pricing
from mercato.pricing.model import Kind, Promotion, Scope, Tier
from mercato.trade import service as trade
from pricing.pricing_helpers import add_promotion
from trade.trade_helpers import World


@dataclass(frozen=True)
class Promos:
    reduction: str
    coupon: str
    cross: str
    voucher: str
    coupon_held: str
    voucher_held: str


def add_promotions(rt: Runtime, world: World) -> Promos:
    tea, nike = world.shops["tea"].store_id, world.shops["nike"].store_id
    reduction = Promotion(new_id(), Kind.STORE_REDUCTION, scope=Scope(frozenset({nike})),
                          tiers=(Tier(30000, 3000),))
    coupon = Promotion(new_id(), Kind.STORE_COUPON, scope=Scope(frozenset({tea})), threshold=15000, amount=2000)
    cross = Promotion(new_id(), Kind.CROSS_STORE_REDUCTION, every=30000, amount=5000, platform_share_bp=5000)
    voucher = Promotion(new_id(), Kind.PLATFORM_VOUCHER, threshold=10000, amount=1000)
    with rt.uow() as uow:
        add_promotion(uow.conn, reduction, owner="store", name_en="Nike 300 off 30", name_zh="耐克满300减30")
        add_promotion(uow.conn, coupon, owner="store", name_en="Tea coupon", name_zh="茶店券")
        add_promotion(uow.conn, cross, owner="platform", opted=(tea, nike), name_en="Double 11", name_zh="双11")
        add_promotion(uow.conn, voucher, owner="platform", name_en="Red envelope", name_zh="红包")
        now = rt.clock.now()
        coupon_held = pricing.issue_held_in(uow, promotion_id=coupon.promotion_id, consumer_id=world.buyer.user_id,
                                            source="claim", now=now)
        voucher_held = pricing.issue_held_in(uow, promotion_id=voucher.promotion_id,
                                             consumer_id=world.buyer.user_id, source="campaign", now=now)
        uow.commit()
    return Promos(reduction.promotion_id, coupon.promotion_id, cross.promotion_id, voucher.promotion_id, coupon_held,
                  voucher_held)


def fill_cart(rt: Runtime, world: World) -> dict[str, str]:
    """tea 2 x 99.00 = 198.00; nike 1 x 399.00; farm 4 x 12.50 = 50.00 (farm charges 8.00 below 50.00)."""
    tea, nike, farm = world.shops["tea"], world.shops["nike"], world.shops["farm"]
    trade.add_to_cart(rt, world.buyer, tea.skus[0], 2)
    trade.add_to_cart(rt, world.buyer, nike.skus[1], 1)
    trade.add_to_cart(rt, world.buyer, farm.skus[0], 4)
    trade.set_shipping_settings(rt, farm.owner, farm.store_id, 800, 5000)
    return {"tea": tea.skus[0], "nike": nike.skus[1], "farm": farm.skus[0]}
