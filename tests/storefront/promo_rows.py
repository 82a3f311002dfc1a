"""Promotions for the shopper-side tests, inserted through the pricing tests' helper (the one row mapping)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.pricing.model import Kind, Promotion, Scope
from pricing.pricing_helpers import add_promotion
from storefront.catalog_rows import Market


@dataclass
class Promos:
    festival: str
    special: str
    reduction: str
    coupon: str
    member: str


def add(rt: Runtime, promo: Promotion, *, owner: str = "store", **columns: Any) -> str:
    store_id = next(iter(promo.scope.store_ids)) if owner == "store" else None
    with rt.uow() as uow:
        add_promotion(uow.conn, promo, owner=owner, store_id=store_id, **columns)
        uow.commit()
    return promo.promotion_id


def shop(store_id: str, *sku_ids: str) -> Scope:
    return Scope(store_ids=frozenset({store_id}), sku_ids=frozenset(sku_ids))


def seed_promotions(rt: Runtime, market: Market) -> Promos:
    """Flagship: a festival it joined, a special price on red M, ¥20 off every ¥200, a ¥10 coupon; members 5% off."""
    flagship = market.flagship
    return Promos(
        festival=add(rt, Promotion(new_id(), Kind.CROSS_STORE_REDUCTION, scope=shop(flagship), every=30000,
                                   amount=5000), owner="platform", opted=[flagship], name_en="Double 11",
                     name_zh="双十一"),
        special=add(rt, Promotion(new_id(), Kind.SPECIAL_PRICE, scope=shop(flagship, market.red_m), price=7900)),
        reduction=add(rt, Promotion(new_id(), Kind.STORE_REDUCTION, scope=shop(flagship), every=20000,
                                    amount=2000)),
        coupon=add(rt, Promotion(new_id(), Kind.STORE_COUPON, scope=shop(flagship), threshold=9900, amount=1000)),
        member=add(rt, Promotion(new_id(), Kind.MEMBER_PRICE, percent=5), owner="platform"),
    )
