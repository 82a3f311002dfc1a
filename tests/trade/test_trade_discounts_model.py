"""The engine's quote merged into the checkout as plain values: each line's price after discounts, the free-shipping
threshold tested on the goods after discounts, a fingerprint that covers the discounts, and commission charged on
what the merchant earns (paid plus the platform-funded part)."""

from __future__ import annotations

from datetime import UTC, datetime

from test_trade_model import STORES, line

from mercato.pricing.model import Context, Kind, PromoClass, Promotion, Scope, Tier, price_cart
from mercato.trade.model import (
    CartPricing,
    CartStoreGroup,
    DiscountRow,
    LinePrice,
    ShippingRule,
    checkout_preview,
    engine_line,
    group_by_store,
    order_drafts,
)

NOW = datetime(2026, 11, 11, tzinfo=UTC)
REDUCTION = Promotion("p-red", Kind.STORE_REDUCTION, scope=Scope(frozenset({"st1"})), tiers=(Tier(8000, 1000),))
FESTIVAL = Promotion("p-fest", Kind.CROSS_STORE_REDUCTION, scope=Scope(frozenset({"st2"})), every=10000,
                     amount=1000, platform_share_bp=5000)
RATES = {("apparel", "independent"): 300, ("food", "independent"): 150, ("sports", "flagship"): 500}


def groups() -> tuple[CartStoreGroup, ...]:
    return group_by_store([line("a", 2, price=3000, vertical="apparel"),
                           line("b", 1, store_id="st2", price=12345, vertical="sports", kind="flagship", minute=1),
                           line("c", 3, price=999, vertical="food", minute=2)], STORES)


def pricing(*promotions: Promotion) -> CartPricing:
    lines = [engine_line(x.sku_id, x.store_id, x.vertical_id, x.unit_price, x.quantity)
             for g in groups() for x in g.lines]
    quote = price_cart(lines, Context(), promotions, NOW)
    return CartPricing(quote, {"p-red": ("Spend 80 get 10", "满80减10"), "p-fest": ("Festival", "节日")})


def test_each_line_pays_its_share_and_the_store_lists_its_discounts() -> None:
    preview = checkout_preview(groups(), {}, pricing(REDUCTION, FESTIVAL))
    st1, st2 = (next(s for s in preview.stores if s.store_id == sid) for sid in ("st1", "st2"))
    assert [(p.sku_id, p.original, p.discount, p.paid) for p in st1.prices] == [
        ("a", 6000, 667, 5333), ("c", 2997, 333, 2664)]
    assert st1.discounts == (DiscountRow("p-red", "", PromoClass.STORE, "Spend 80 get 10", "满80减10", 1000),)
    assert (st2.goods_original, st2.discount, st2.goods_total, st2.platform_funded) == (12345, 1000, 11345, 500)
    assert preview.platform_discounts == (DiscountRow("p-fest", "", PromoClass.CROSS_STORE, "Festival", "节日", 1000),)
    assert (preview.goods_original, preview.discount, preview.grand_total) == (21342, 2000, 19342)


def test_the_free_shipping_threshold_is_tested_on_the_goods_after_discounts() -> None:
    rules = {"st1": ShippingRule(800, 8000)}
    plain = next(s for s in checkout_preview(groups(), rules).stores if s.store_id == "st1")
    assert (plain.goods_total, plain.shipping_fee) == (8997, 0)  # 89.97 of goods: free
    discounted = checkout_preview(groups(), rules, pricing(REDUCTION))
    st1 = next(s for s in discounted.stores if s.store_id == "st1")
    assert (st1.goods_total, st1.shipping_fee, st1.total) == (7997, 800, 8797)  # 79.97 after 10.00 off: not free


def test_the_fingerprint_changes_when_a_discount_changes() -> None:
    plain = checkout_preview(groups(), {}).fingerprint
    reduced = checkout_preview(groups(), {}, pricing(REDUCTION)).fingerprint
    both = checkout_preview(groups(), {}, pricing(REDUCTION, FESTIVAL)).fingerprint
    assert len({plain, reduced, both}) == 3
    assert both == checkout_preview(groups(), {}, pricing(FESTIVAL, REDUCTION)).fingerprint


def test_commission_is_charged_on_the_paid_amount_plus_the_platform_funded_part() -> None:
    drafts = {d.store_id: d for d in order_drafts(checkout_preview(groups(), {}, pricing(REDUCTION, FESTIVAL)),
                                                  RATES)}
    st1, st2 = drafts["st1"], drafts["st2"]
    assert [(x.sku_id, x.discount, x.paid, x.commission) for x in st1.lines] == [
        ("a", 667, 5333, 160), ("c", 333, 2664, 40)]  # merchant-funded: commission on what was paid
    assert [(x.sku_id, x.discount, x.paid, x.platform_funded, x.commission) for x in st2.lines] == [
        ("b", 1000, 11345, 500, 592)]  # 5% of 113.45 + 5.00 the platform pays, not of 113.45 alone (567)
    assert (st2.goods_original, st2.discount, st2.goods_total, st2.platform_funded, st2.total) == (
        12345, 1000, 11345, 500, 11345)


def test_a_line_no_promotion_touches_pays_its_total() -> None:
    preview = checkout_preview(groups(), {})
    assert preview.stores[0].prices == (LinePrice("a", 6000, 0, 6000), LinePrice("c", 2997, 0, 2997))
    assert (preview.discount, preview.platform_discounts, preview.hints, preview.used_held) == (0, (), (), ())
