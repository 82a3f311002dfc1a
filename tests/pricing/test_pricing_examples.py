"""The promotion engine on small carts: each promotion kind, the order of classes, exact choices and funding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mercato.pricing.model import (
    Context,
    Held,
    Kind,
    Line,
    LineDiscount,
    PromoClass,
    Promotion,
    Quote,
    Reason,
    Requirement,
    Scope,
    Tier,
    Window,
    price_cart,
)

NOW = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)


def line(line_id: str, store: str, unit: int, qty: int = 1, sku: str = "", vertical: str = "v1") -> Line:
    return Line(line_id, sku or f"sku-{line_id}", store, vertical, unit, qty)


def shop(*stores: str) -> Scope:
    return Scope(store_ids=frozenset(stores))


def skus(*ids: str) -> Scope:
    return Scope(sku_ids=frozenset(ids))


def price(lines: list[Line], promos: list[Promotion], context: Context | None = None) -> Quote:
    return price_cart(lines, context or Context(), promos, NOW)


def reasons(quote: Quote) -> dict[str, Reason]:
    return {n.held_id or n.promotion_id: n.reason for n in quote.notes}


def test_an_empty_cart_pays_nothing() -> None:
    assert price([], []).payable == 0


def test_an_item_discount_takes_a_percentage_off_funded_by_the_store() -> None:
    quote = price([line("a", "s1", 10000, 2)], [Promotion("d", Kind.ITEM_DISCOUNT, scope=skus("sku-a"), percent=20)])
    assert quote.payable == 16000
    assert quote.lines[0].discounts == (LineDiscount("d", "", PromoClass.ITEM, 4000, 4000, 0),)


def test_an_amount_off_per_unit_is_capped_at_the_unit_price() -> None:
    quote = price([line("a", "s1", 1000, 3)], [Promotion("d", Kind.ITEM_DISCOUNT, amount=1500)])
    assert quote.payable == 0
    assert quote.lines[0].paid == 0


def test_a_special_price_is_store_funded_and_a_subsidy_price_platform_funded() -> None:
    promos = [
        Promotion("sp", Kind.SPECIAL_PRICE, scope=skus("sku-a"), price=8000),
        Promotion("sub", Kind.SUBSIDY_PRICE, scope=skus("sku-b"), price=4500),
    ]
    quote = price([line("a", "s1", 10000, 3), line("b", "s2", 5000, 2)], promos)
    assert quote.payable == 24000 + 9000
    assert quote.lines[0].discounts == (LineDiscount("sp", "", PromoClass.ITEM, 6000, 6000, 0),)
    assert quote.lines[1].discounts == (LineDiscount("sub", "", PromoClass.ITEM, 1000, 0, 1000),)


def test_a_member_price_applies_to_members_only_funded_as_the_operator_set() -> None:
    member = Promotion("m", Kind.MEMBER_PRICE, percent=5, scope=Scope(vertical_ids=frozenset({"v1"})),
                       platform_share_bp=5000)
    lines = [line("a", "s1", 10100)]
    quote = price(lines, [member], Context(is_member=True))
    assert quote.lines[0].discounts == (LineDiscount("m", "", PromoClass.MEMBER, 505, 253, 252),)
    outsider = price(lines, [member])
    assert outsider.payable == 10100
    assert reasons(outsider) == {"m": Reason.NOT_MEMBER}


def test_buy_two_get_one_free_and_the_second_at_half_price() -> None:
    promos = [
        Promotion("b2g1", Kind.BUY_X_GET_Y, scope=skus("sku-a"), buy=2, get=1),
        Promotion("nth", Kind.NTH_ITEM, scope=skus("sku-b"), nth=2, percent=50),
    ]
    quote = price([line("a", "s1", 1000, 7), line("b", "s1", 1000, 5)], promos)
    assert [ln.paid for ln in quote.lines] == [5000, 4000]


def bundle(pid: str, store: str, sku_ids: tuple[str, ...], bundle_price: int) -> Promotion:
    return Promotion(pid, Kind.BUNDLE, scope=Scope(frozenset({store}), frozenset(sku_ids)), price=bundle_price)


def test_a_bundle_of_three_skus_applies_once_for_quantities_two_two_and_one() -> None:
    lines = [line("a", "s1", 3000, 2), line("b", "s1", 2000, 2), line("c", "s1", 1000, 1)]
    quote = price(lines, [bundle("set", "s1", ("sku-a", "sku-b", "sku-c"), 5000)])
    assert quote.payable == 11000 - 1000
    assert [d.amount for ln in quote.lines for d in ln.discounts] == [545, 364, 91]
    assert [ln.paid for ln in quote.lines] == [5455, 3636, 909]
    assert quote.lines[2].discounts == (LineDiscount("set", "", PromoClass.ITEM, 91, 91, 0),)
    assert reasons(quote) == {"set": Reason.APPLIED}


def test_a_bundle_worse_than_an_item_discount_is_not_taken_and_a_better_one_is() -> None:
    lines = [line("a", "s1", 3000), line("b", "s1", 2000)]
    worse = price(lines, [bundle("set", "s1", ("sku-a", "sku-b"), 4500),
                          Promotion("d", Kind.ITEM_DISCOUNT, scope=skus("sku-a"), percent=20)])
    assert worse.payable == 4400
    assert reasons(worse) == {"set": Reason.SUPERSEDED_BY_BETTER_CHOICE, "d": Reason.APPLIED}
    better = price(lines, [bundle("set", "s1", ("sku-a", "sku-b"), 4500),
                           Promotion("d", Kind.ITEM_DISCOUNT, scope=skus("sku-a"), percent=10)])
    assert better.payable == 4500
    assert [d.amount for ln in better.lines for d in ln.discounts] == [300, 200]
    assert reasons(better) == {"set": Reason.APPLIED, "d": Reason.SUPERSEDED_BY_BETTER_CHOICE}


def test_a_bundle_priced_above_its_skus_or_missing_one_gives_nothing() -> None:
    lines = [line("a", "s1", 3000), line("b", "s1", 2000)]
    dear = price(lines, [bundle("dear", "s1", ("sku-a", "sku-b"), 5000)])
    assert dear.payable == 5000
    assert reasons(dear) == {"dear": Reason.NOT_ELIGIBLE}
    missing = price(lines, [bundle("trio", "s1", ("sku-a", "sku-b", "sku-z"), 1000)])
    assert missing.payable == 5000
    assert reasons(missing) == {"trio": Reason.NOT_ELIGIBLE}


def test_member_price_applies_on_what_a_bundle_leaves() -> None:
    member = Promotion("m", Kind.MEMBER_PRICE, percent=10)
    lines = [line("a", "s1", 3000), line("b", "s1", 2000), line("c", "s2", 1000)]
    quote = price(lines, [bundle("set", "s1", ("sku-a", "sku-b"), 4500), member], Context(is_member=True))
    assert [ln.paid for ln in quote.lines] == [2430, 1620, 900]


def test_a_tiered_full_reduction_takes_the_highest_tier_met() -> None:
    reduction = Promotion("r", Kind.STORE_REDUCTION, scope=shop("s1"), tiers=(Tier(20000, 2000), Tier(30000, 4000)))
    assert price([line("a", "s1", 25000)], [reduction]).payable == 23000
    assert price([line("a", "s1", 30000)], [reduction]).payable == 26000
    assert price([line("a", "s2", 30000)], [reduction]).payable == 30000


def test_a_repeating_full_reduction_stops_at_its_cap() -> None:
    reduction = Promotion("r", Kind.STORE_REDUCTION, scope=shop("s1"), every=10000, amount=1000, cap=2500)
    assert price([line("a", "s1", 25000)], [reduction]).payable == 23000
    assert price([line("a", "s1", 35000)], [reduction]).payable == 32500


def test_a_store_discount_is_allocated_by_largest_remainder_in_line_id_order() -> None:
    reduction = Promotion("r", Kind.STORE_REDUCTION, scope=shop("s1"), tiers=(Tier(300, 100),))
    quote = price([line("c", "s1", 100), line("a", "s1", 100), line("b", "s1", 100)], [reduction])
    assert [(ln.line_id, ln.paid) for ln in quote.lines] == [("a", 66), ("b", 67), ("c", 67)]


def test_a_coupon_threshold_is_tested_after_the_full_reduction() -> None:
    promos = [
        Promotion("r", Kind.STORE_REDUCTION, scope=shop("s1"), tiers=(Tier(20000, 2000),)),
        Promotion("c", Kind.STORE_COUPON, scope=shop("s1"), threshold=20000, amount=1000),
    ]
    quote = price([line("a", "s1", 21000)], promos, Context(held=(Held("h1", "c"),)))
    assert quote.payable == 19000
    assert quote.used_held == ()
    assert reasons(quote) == {"r": Reason.APPLIED, "h1": Reason.BELOW_THRESHOLD}
    assert [(h.held_id, h.store_id, h.missing, h.gained) for h in quote.hints] == [("h1", "s1", 1000, 1000)]


def test_a_percentage_coupon_stops_at_its_cap() -> None:
    coupon = Promotion("c", Kind.STORE_COUPON, scope=shop("s1"), threshold=10000, percent=10, cap=1500)
    quote = price([line("a", "s1", 30000)], [coupon], Context(held=(Held("h1", "c"),)))
    assert quote.payable == 28500
    assert quote.used_held == ("h1",)


def test_a_festival_reduction_covers_only_the_stores_that_opted_in_split_by_the_operators_share() -> None:
    festival = Promotion("f", Kind.CROSS_STORE_REDUCTION, scope=shop("s1", "s2"), every=30000, amount=5000,
                         platform_share_bp=6000)
    quote = price([line("a", "s1", 20000), line("b", "s2", 10000), line("c", "s3", 40000)], [festival])
    assert quote.payable == 65000
    parts = [(d.amount, d.merchant, d.platform) for ln in quote.lines for d in ln.discounts]
    assert parts == [(3333, 1333, 2000), (1667, 667, 1000)]


def test_a_voucher_threshold_is_tested_after_the_festival() -> None:
    promos = [
        Promotion("f", Kind.CROSS_STORE_REDUCTION, scope=shop("s1"), every=10000, amount=1000),
        Promotion("v", Kind.PLATFORM_VOUCHER, threshold=10000, amount=800),
    ]
    quote = price([line("a", "s1", 10500)], promos, Context(held=(Held("h1", "v"),)))
    assert quote.payable == 9500
    assert reasons(quote) == {"f": Reason.APPLIED, "h1": Reason.BELOW_THRESHOLD}


def test_only_one_voucher_applies_unless_the_vouchers_stack() -> None:
    promos = [
        Promotion("big", Kind.PLATFORM_VOUCHER, threshold=5000, amount=1000),
        Promotion("small", Kind.PLATFORM_VOUCHER, threshold=5000, amount=500),
        Promotion("s1", Kind.PLATFORM_VOUCHER, threshold=3000, amount=300, stackable=True),
        Promotion("s2", Kind.PLATFORM_VOUCHER, threshold=3000, amount=200, stackable=True),
    ]
    held = tuple(Held(f"h-{p.promotion_id}", p.promotion_id) for p in promos)
    quote = price([line("a", "s1", 10000)], promos, Context(held=held))
    assert quote.payable == 8500
    assert quote.used_held == ("h-big", "h-s1", "h-s2")
    assert reasons(quote)["h-small"] is Reason.SUPERSEDED_BY_BETTER_CHOICE


def test_new_customer_gifts_need_a_first_order_on_the_platform_or_in_the_store() -> None:
    promos = [
        Promotion("newbie", Kind.PLATFORM_VOUCHER, threshold=1000, amount=500, stackable=True,
                  requirement=Requirement.FIRST_PLATFORM_ORDER),
        Promotion("welcome", Kind.STORE_COUPON, scope=shop("s1"), threshold=1000, amount=300,
                  requirement=Requirement.FIRST_STORE_ORDER),
    ]
    held = (Held("h1", "newbie"), Held("h2", "welcome"))
    lines = [line("a", "s1", 5000)]
    first = price(lines, promos, Context(first_platform_order=True, first_order_store_ids=frozenset({"s1"}), held=held))
    assert first.payable == 4200
    returning = price(lines, promos, Context(held=held))
    assert returning.payable == 5000
    assert reasons(returning) == {"h1": Reason.NOT_FIRST_ORDER, "h2": Reason.NOT_FIRST_ORDER}


def test_expired_and_not_yet_started_promotions_do_not_apply() -> None:
    promos = [
        Promotion("old", Kind.ITEM_DISCOUNT, percent=50, window=Window(ends_at=NOW)),
        Promotion("soon", Kind.ITEM_DISCOUNT, percent=50, window=Window(starts_at=NOW + timedelta(seconds=1))),
    ]
    quote = price([line("a", "s1", 5000)], promos)
    assert quote.payable == 5000
    assert reasons(quote) == {"old": Reason.EXPIRED, "soon": Reason.NOT_STARTED}


def test_leaving_a_coupon_unused_wins_when_it_keeps_the_cart_above_the_festival_threshold() -> None:
    promos = [
        Promotion("big", Kind.STORE_COUPON, scope=shop("s1"), threshold=10000, amount=1500),
        Promotion("small", Kind.STORE_COUPON, scope=shop("s1"), threshold=5000, amount=1000),
        Promotion("f", Kind.CROSS_STORE_REDUCTION, scope=shop("s1", "s2"), every=20000, amount=3000),
    ]
    held = (Held("h1", "big"), Held("h2", "small"))
    quote = price([line("a", "s1", 10500), line("b", "s2", 10000)], promos, Context(held=held))
    assert quote.payable == 17500
    assert quote.used_held == ()
    assert reasons(quote)["h1"] is Reason.SUPERSEDED_BY_BETTER_CHOICE


def test_the_smaller_item_discount_wins_when_it_keeps_the_store_threshold() -> None:
    promos = [
        Promotion("sp", Kind.SPECIAL_PRICE, scope=skus("sku-a"), price=19500),
        Promotion("pct", Kind.ITEM_DISCOUNT, scope=skus("sku-a"), percent=4),
        Promotion("r", Kind.STORE_REDUCTION, scope=shop("s1"), tiers=(Tier(20000, 2000),)),
    ]
    quote = price([line("a", "s1", 21000)], promos)
    assert quote.payable == 18160
    assert reasons(quote) == {"pct": Reason.APPLIED, "r": Reason.APPLIED, "sp": Reason.SUPERSEDED_BY_BETTER_CHOICE}


def test_alternatives_in_one_exclusive_group_yield_the_better_one() -> None:
    promos = [
        Promotion("tiered", Kind.STORE_REDUCTION, scope=shop("s1"), tiers=(Tier(20000, 2500),), exclusive_group="g"),
        Promotion("every", Kind.STORE_REDUCTION, scope=shop("s1"), every=10000, amount=1000, exclusive_group="g"),
    ]
    assert price([line("a", "s1", 25000)], promos).payable == 22500
    assert price([line("a", "s1", 35000)], promos).payable == 32000


def test_a_price_that_does_not_combine_with_store_promotions_keeps_its_line_out_of_them() -> None:
    promos = [
        Promotion("sp", Kind.SPECIAL_PRICE, scope=skus("sku-a"), price=9000,
                  combines_with=frozenset({PromoClass.PLATFORM_VOUCHER})),
        Promotion("c", Kind.STORE_COUPON, scope=shop("s1"), threshold=5000, amount=500),
    ]
    quote = price([line("a", "s1", 10000)], promos, Context(held=(Held("h1", "c"),)))
    assert quote.payable == 9000
    assert reasons(quote) == {"sp": Reason.APPLIED, "h1": Reason.EXCLUSIVE_WITH}


def test_a_coupon_for_a_store_not_in_the_cart_is_not_eligible() -> None:
    coupon = Promotion("c", Kind.STORE_COUPON, scope=shop("s9"), threshold=5000, amount=500)
    quote = price([line("a", "s1", 10000)], [coupon], Context(held=(Held("h1", "c"),)))
    assert reasons(quote) == {"h1": Reason.NOT_ELIGIBLE}


def test_a_hint_says_how_much_more_from_the_store_gets_the_next_tier() -> None:
    reduction = Promotion("r", Kind.STORE_REDUCTION, scope=shop("s1"), tiers=(Tier(20000, 3000), Tier(30000, 4000)))
    quote = price([line("a", "s1", 17700), line("b", "s2", 9000)], [reduction])
    assert [(h.promotion_id, h.store_id, h.missing, h.gained) for h in quote.hints] == [("r", "s1", 2300, 3000)]
    assert reasons(quote) == {"r": Reason.BELOW_THRESHOLD}


def test_no_hint_when_the_next_threshold_is_far_away() -> None:
    reduction = Promotion("r", Kind.STORE_REDUCTION, scope=shop("s1"), tiers=(Tier(20000, 3000),))
    assert price([line("a", "s1", 9000)], [reduction]).hints == ()


def test_a_hint_across_stores_names_no_store() -> None:
    festival = Promotion("f", Kind.CROSS_STORE_REDUCTION, scope=shop("s1", "s2"), every=30000, amount=5000)
    quote = price([line("a", "s1", 20000), line("b", "s2", 9000)], [festival])
    assert [(h.promotion_id, h.store_id, h.missing, h.gained) for h in quote.hints] == [("f", "", 1000, 5000)]
