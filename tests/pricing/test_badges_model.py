"""The pure badge model: which open promotions touch a product, in what order, and the single-unit prices the
engine gives after item promotions and for members."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from pricing_strategies import SKUS, VERTICALS, item_promotion

from mercato.pricing.model import (
    Context,
    Kind,
    Line,
    PromoClass,
    Promotion,
    Requirement,
    Scope,
    Tier,
    Window,
    price_cart,
)
from mercato.pricing.model.badges import (
    Badge,
    ProductPromotions,
    SkuPrice,
    UnitPrice,
    product_promotions,
    store_badges,
)

NOW = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)
RED = SkuPrice("sku-red", "s1", "apparel", 20000)
BLUE = SkuPrice("sku-blue", "s1", "apparel", 10000)


def shop(*stores: str, sku_ids: tuple[str, ...] = ()) -> Scope:
    return Scope(store_ids=frozenset(stores), sku_ids=frozenset(sku_ids))


def test_a_product_without_promotions_has_no_badges_and_its_list_prices() -> None:
    assert product_promotions([RED, BLUE], [], NOW) == ProductPromotions(
        (), (UnitPrice("sku-red", 20000, 20000), UnitPrice("sku-blue", 10000, 10000)))


def test_a_special_price_on_one_sku_lowers_only_that_skus_price() -> None:
    special = Promotion("sp", Kind.SPECIAL_PRICE, scope=shop("s1", sku_ids=("sku-red",)), price=15900)
    found = product_promotions([RED, BLUE], [special], NOW)
    assert found.badges == (Badge("sp", Kind.SPECIAL_PRICE, price=15900),)
    assert found.prices == (UnitPrice("sku-red", 20000, 15900), UnitPrice("sku-blue", 10000, 10000))
    assert found.price_of("sku-red") == UnitPrice("sku-red", 20000, 15900)
    assert found.lowest == UnitPrice("sku-blue", 10000, 10000)


def test_the_member_price_follows_the_item_discount_and_is_shown_apart() -> None:
    item = Promotion("d", Kind.ITEM_DISCOUNT, scope=shop("s1"), percent=10)
    member = Promotion("m", Kind.MEMBER_PRICE, percent=5)
    found = product_promotions([BLUE], [member, item], NOW)
    assert found.prices == (UnitPrice("sku-blue", 10000, 9000, 8550),)
    assert [b.kind for b in found.badges] == [Kind.ITEM_DISCOUNT, Kind.MEMBER_PRICE]


def test_a_member_price_that_does_not_combine_with_the_item_discount_is_the_better_of_the_two() -> None:
    item = Promotion("d", Kind.ITEM_DISCOUNT, scope=shop("s1"), amount=3000)
    member = Promotion("m", Kind.MEMBER_PRICE, percent=10,
                       combines_with=frozenset({PromoClass.STORE, PromoClass.CROSS_STORE}))
    found = product_promotions([BLUE], [item, member], NOW)
    assert found.prices == (UnitPrice("sku-blue", 10000, 7000),)  # 7000 beats 9000 for members too


def test_of_two_alternative_item_prices_the_unit_price_is_the_one_checkout_would_pick() -> None:
    special = Promotion("sp", Kind.SPECIAL_PRICE, scope=shop("s1"), price=9000, exclusive_group="g")
    subsidy = Promotion("sub", Kind.SUBSIDY_PRICE, scope=Scope(sku_ids=frozenset({"sku-blue"})), price=8500,
                        exclusive_group="g")
    found = product_promotions([BLUE], [special, subsidy], NOW)
    assert found.prices == (UnitPrice("sku-blue", 10000, 8500),)
    assert [b.promotion_id for b in found.badges] == ["sub", "sp"]


def test_threshold_promotions_are_badges_and_leave_the_unit_price_alone() -> None:
    every = Promotion("r", Kind.STORE_REDUCTION, scope=shop("s1"), every=20000, amount=2000, cap=6000)
    tiers = Promotion("t", Kind.STORE_REDUCTION, scope=shop("s1"), tiers=(Tier(20000, 2000), Tier(30000, 4000)))
    nth = Promotion("n", Kind.NTH_ITEM, scope=shop("s1"), nth=2, percent=50)
    found = product_promotions([RED], [every, tiers, nth], NOW)
    assert found.prices == (UnitPrice("sku-red", 20000, 20000),)
    assert found.badges == (
        Badge("n", Kind.NTH_ITEM, percent=50, nth=2),
        Badge("r", Kind.STORE_REDUCTION, amount=2000, every=20000, cap=6000),
        Badge("t", Kind.STORE_REDUCTION, tiers=(Tier(20000, 2000), Tier(30000, 4000))),
    )


def test_a_festival_reduction_leads_and_a_card_shows_only_that_one() -> None:
    festival = Promotion("f", Kind.CROSS_STORE_REDUCTION, scope=shop("s1", "s2"), every=30000, amount=5000)
    item = Promotion("d", Kind.ITEM_DISCOUNT, scope=shop("s1"), percent=10)
    found = product_promotions([RED], [item, festival], NOW)
    assert found.headline == Badge("f", Kind.CROSS_STORE_REDUCTION, amount=5000, every=30000)
    assert len(found.badges) == 2


def test_a_cross_store_reduction_the_store_did_not_join_is_not_badged() -> None:
    festival = Promotion("f", Kind.CROSS_STORE_REDUCTION, scope=shop("s2", "s3"), every=30000, amount=5000)
    assert product_promotions([RED], [festival], NOW).badges == ()


def test_a_promotion_of_another_store_or_another_sku_is_not_badged() -> None:
    other_store = Promotion("o", Kind.ITEM_DISCOUNT, scope=shop("s2"), percent=30)
    other_sku = Promotion("k", Kind.SPECIAL_PRICE, scope=shop("s1", sku_ids=("sku-gone",)), price=100)
    other_vertical = Promotion("v", Kind.SUBSIDY_PRICE, scope=Scope(vertical_ids=frozenset({"food"})), price=100)
    found = product_promotions([RED], [other_store, other_sku, other_vertical], NOW)
    assert found == ProductPromotions((), (UnitPrice("sku-red", 20000, 20000),))


def test_a_promotion_that_has_ended_or_not_started_shows_nothing() -> None:
    ended = Promotion("e", Kind.ITEM_DISCOUNT, scope=shop("s1"), percent=30, window=Window(ends_at=NOW))
    later = Promotion("l", Kind.ITEM_DISCOUNT, scope=shop("s1"), percent=30,
                      window=Window(starts_at=NOW + timedelta(seconds=1)))
    found = product_promotions([RED], [ended, later], NOW)
    assert found == ProductPromotions((), (UnitPrice("sku-red", 20000, 20000),))


def test_a_claimable_store_coupon_is_badged_to_claim_and_one_nobody_can_claim_is_not_shown() -> None:
    claim = Promotion("c", Kind.STORE_COUPON, scope=shop("s1"), threshold=9900, amount=1000)
    issued_only = Promotion("g", Kind.STORE_COUPON, scope=shop("s1"), threshold=9900, amount=2000)
    voucher = Promotion("v", Kind.PLATFORM_VOUCHER, threshold=5000, amount=500)
    found = product_promotions([RED], [claim, issued_only, voucher], NOW, frozenset({"c"}))
    assert found.badges == (Badge("c", Kind.STORE_COUPON, amount=1000, threshold=9900, claimable=True),)


def test_a_new_customer_gift_is_marked_and_not_in_everyones_price() -> None:
    gift = Promotion("n", Kind.SPECIAL_PRICE, scope=shop("s1"), price=100,
                     requirement=Requirement.FIRST_PLATFORM_ORDER)
    found = product_promotions([RED], [gift], NOW)
    assert found.badges == (Badge("n", Kind.SPECIAL_PRICE, price=100, new_customers=True),)
    assert found.prices == (UnitPrice("sku-red", 20000, 20000),)


def test_a_malformed_promotion_is_left_out_instead_of_failing_the_page() -> None:
    broken = Promotion("b", Kind.ITEM_DISCOUNT, scope=shop("s1"), percent=150)
    good = Promotion("d", Kind.ITEM_DISCOUNT, scope=shop("s1"), percent=10)
    found = product_promotions([RED], [broken, good], NOW)
    assert [b.promotion_id for b in found.badges] == ["d"]
    assert found.prices == (UnitPrice("sku-red", 20000, 18000),)


def test_a_store_shows_what_it_runs_and_joined_but_not_platform_wide_prices() -> None:
    own = Promotion("r", Kind.STORE_REDUCTION, scope=shop("s1"), every=10000, amount=1000)
    joined = Promotion("f", Kind.CROSS_STORE_REDUCTION, scope=shop("s1", "s2"), every=30000, amount=5000)
    other = Promotion("o", Kind.STORE_REDUCTION, scope=shop("s2"), every=10000, amount=1000)
    member = Promotion("m", Kind.MEMBER_PRICE, percent=5)
    assert [b.promotion_id for b in store_badges("s1", [own, joined, other, member], NOW)] == ["f", "r"]


item_promotions = st.integers(0, 5).flatmap(lambda n: st.tuples(*(item_promotion(f"p{i}") for i in range(n))))
skus = st.builds(SkuPrice, st.sampled_from(SKUS), st.just("s1"), st.sampled_from(VERTICALS),
                 st.integers(0, 200_000))


@settings(max_examples=300, deadline=None)
@given(item_promotions, skus)
def test_the_unit_price_is_what_checkout_charges_for_one_unit_and_never_above_the_list_price(
        promos: tuple[Promotion, ...], sku: SkuPrice) -> None:
    found = product_promotions([sku], promos, NOW).prices[0]
    one = [Line("1", sku.sku_id, sku.store_id, sku.vertical_id, sku.unit_price, 1)]
    assert found.price == price_cart(one, Context(), promos, NOW).payable
    assert 0 <= found.price <= sku.unit_price
    if found.member_price is not None:
        assert found.member_price == price_cart(one, Context(is_member=True), promos, NOW).payable
        assert found.member_price < found.price
