"""Bad promotions, lines and held coupons are refused with a clear error that names the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mercato.pricing.model import (
    CartLineInvalid,
    Context,
    Held,
    HeldUnknown,
    Kind,
    Line,
    Promotion,
    PromotionInvalid,
    Scope,
    Tier,
    Window,
    price_cart,
    validate_promotion,
)

NOW = datetime(2026, 11, 11, tzinfo=UTC)
S1 = Scope(store_ids=frozenset({"s1"}))
LINE = Line("l1", "k1", "s1", "v1", 1000, 1)


@pytest.mark.parametrize(
    ("promo", "field"),
    [
        (Promotion("p", Kind.STORE_COUPON, scope=S1, threshold=0, amount=100), "threshold"),
        (Promotion("p", Kind.STORE_COUPON, scope=S1, threshold=-5, amount=100), "threshold"),
        (Promotion("p", Kind.STORE_COUPON, scope=S1, threshold=1000, amount=1000), "amount"),
        (Promotion("p", Kind.PLATFORM_VOUCHER, threshold=1000, amount=1500), "amount"),
        (Promotion("p", Kind.PLATFORM_VOUCHER, threshold=1000, percent=100), "percent"),
        (Promotion("p", Kind.MEMBER_PRICE, percent=0), "percent"),
        (Promotion("p", Kind.STORE_REDUCTION, scope=S1), "tiers"),
        (Promotion("p", Kind.STORE_REDUCTION, scope=S1, tiers=(Tier(20000, 2000), Tier(20000, 3000))), "tiers"),
        (Promotion("p", Kind.STORE_REDUCTION, scope=S1, tiers=(Tier(30000, 4000), Tier(20000, 2000))), "tiers"),
        (Promotion("p", Kind.STORE_REDUCTION, scope=S1, tiers=(Tier(0, 0),)), "tiers.threshold"),
        (Promotion("p", Kind.STORE_REDUCTION, scope=S1, tiers=(Tier(2000, 2000),)), "tiers.amount"),
        (Promotion("p", Kind.STORE_REDUCTION, scope=S1, every=10000, amount=1000, cap=-1), "cap"),
        (Promotion("p", Kind.STORE_REDUCTION, scope=S1, every=10000, amount=10000), "amount"),
        (Promotion("p", Kind.STORE_REDUCTION, every=10000, amount=1000), "scope.store_ids"),
        (Promotion("p", Kind.CROSS_STORE_REDUCTION, every=30000, amount=5000), "scope.store_ids"),
        (Promotion("p", Kind.PLATFORM_VOUCHER, threshold=100, amount=10, platform_share_bp=10001), "platform_share_bp"),
        (Promotion("p", Kind.ITEM_DISCOUNT), "amount"),
        (Promotion("p", Kind.SPECIAL_PRICE, price=-1), "price"),
        (Promotion("p", Kind.BUY_X_GET_Y, buy=2, get=0), "buy/get"),
        (Promotion("p", Kind.NTH_ITEM, nth=1, percent=50), "nth"),
        (Promotion("p", Kind.BUNDLE, scope=Scope(frozenset({"s1"}), frozenset({"k1", "k2"}))), "price"),
        (Promotion("p", Kind.BUNDLE, scope=Scope(frozenset({"s1"}), frozenset({"k1", "k2"})), price=-5), "price"),
        (Promotion("p", Kind.BUNDLE, scope=Scope(frozenset({"s1"}), frozenset({"k1"})), price=500), "scope.sku_ids"),
        (Promotion("p", Kind.BUNDLE, scope=Scope(sku_ids=frozenset({"k1", "k2"})), price=500), "scope.store_ids"),
        (Promotion("p", Kind.BUNDLE, scope=Scope(frozenset({"s1", "s2"}), frozenset({"k1", "k2"})), price=500),
         "scope.store_ids"),
        (Promotion("p", Kind.PLATFORM_VOUCHER, threshold=100, amount=10, window=Window(NOW, NOW)), "window"),
    ],
)
def test_a_broken_promotion_is_refused_naming_its_field(promo: Promotion, field: str) -> None:
    with pytest.raises(PromotionInvalid) as refused:
        validate_promotion(promo)
    assert refused.value.code == "promotion_invalid"
    assert refused.value.params == {"promotion_id": "p", "field": field}
    assert refused.value.message.startswith(f"promotion p: {field} ")


@pytest.mark.parametrize(
    "line", [Line("l1", "k1", "s1", "v1", -1, 1), Line("l1", "k1", "s1", "v1", 100, 0)]
)
def test_a_negative_price_or_an_empty_quantity_is_refused(line: Line) -> None:
    with pytest.raises(CartLineInvalid) as refused:
        price_cart([line], Context(), [], NOW)
    assert refused.value.code == "cart_line_invalid"


def test_a_repeated_line_id_is_refused() -> None:
    with pytest.raises(CartLineInvalid, match="appears twice"):
        price_cart([LINE, LINE], Context(), [], NOW)


def test_a_held_coupon_of_an_unknown_promotion_is_refused() -> None:
    with pytest.raises(HeldUnknown) as refused:
        price_cart([LINE], Context(held=(Held("c1", "nope"),)), [], NOW)
    assert refused.value.code == "held_unknown"


def test_a_held_coupon_must_come_from_a_coupon_or_voucher() -> None:
    promo = Promotion("m", Kind.MEMBER_PRICE, percent=5)
    with pytest.raises(HeldUnknown):
        price_cart([LINE], Context(held=(Held("c1", "m"),)), [promo], NOW)


def test_two_promotions_with_one_id_are_refused() -> None:
    promo = Promotion("m", Kind.MEMBER_PRICE, percent=5)
    with pytest.raises(PromotionInvalid, match="share an id"):
        price_cart([LINE], Context(), [promo, promo], NOW)
