"""Promotion badges on the shopper pages: the product page's badges, price after promotions, member price and
claim buttons; the store's promotions; one badge per listing card in a fixed number of statements; never stale."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from fastapi.testclient import TestClient

from mercato.catalog.browse import ListingFilters
from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.pricing.model import Kind, Promotion
from mercato.pricing.tables import promotions
from mercato.storefront import service
from pricing.pricing_helpers import held_rows
from storefront.catalog_rows import Market
from storefront.promo_rows import Promos, add, shop
from support import csrf_from, log_in, person


def badges(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip()
            for text in re.findall(r'data-testid="promo-badge"[^>]*>(.*?)</span>', html, re.S)]


def text_of(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</', html, re.S)
    assert found is not None, testid
    return re.sub(r"\s+", " ", found.group(1)).strip()


@contextmanager
def counting(rt: Runtime) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(rt.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(rt.engine, "before_cursor_execute", record)


def test_the_product_page_shows_each_badge_and_the_price_after_promotions(
        client: TestClient, market: Market, promos: Promos) -> None:
    html = client.get(f"/p/{market.shirt}").text
    assert badges(html) == ["Double 11: ¥50.00 off every ¥300.00 across stores", "Special price ¥79.00",
                            "¥20.00 off every ¥200.00", "Coupon: ¥10.00 off ¥99.00", "Members: 5% off"]
    assert text_of(html, "sku-promo-price") == "¥79.00"
    assert re.search(r'<s class="muted" data-testid="sku-price">¥99.00</s>', html)
    assert text_of(html, "sku-member-price") == "Member price ¥75.05"


def test_a_claimable_coupon_has_a_claim_button_posting_back_to_this_page(
        client: TestClient, market: Market, promos: Promos) -> None:
    html = client.get(f"/p/{market.shirt}").text
    forms = re.findall(r'<form method="post" action="([^"]+)"[^>]*data-testid="claim-form">(.*?)</form>', html, re.S)
    assert [action for action, _ in forms] == [f"/coupons/{promos.coupon}/claim"]
    body = forms[0][1]
    assert 'name="csrf_token" value="' in body and f'name="next" value="/p/{market.shirt}"' in body
    assert 'data-testid="claim-coupon"' in body


def test_another_sku_shows_its_own_price_and_member_price(client: TestClient, market: Market,
                                                           promos: Promos) -> None:
    html = client.get("/fragments/sku", params={"product": market.shirt, "colour": "Blue", "size": "M"}).text
    assert 'data-testid="sku-promo-price"' not in html
    assert text_of(html, "sku-price") == "¥129.00"
    assert text_of(html, "sku-member-price") == "Member price ¥122.55"


def test_the_festival_is_named_in_chinese_on_the_chinese_page(client: TestClient, market: Market,
                                                              promos: Promos) -> None:
    client.cookies.set("mercato_lang", "zh-CN")
    assert badges(client.get(f"/p/{market.shirt}").text)[0].startswith("双十一")


def test_a_promotion_on_a_withdrawn_sku_or_another_store_is_not_shown(
        client: TestClient, rt: Runtime, market: Market) -> None:
    green = market.rows.sku(market.shirt, market.flagship, {"colour": "Green", "size": "L"}, price=12900,
                            status="inactive", position=4)
    add(rt, Promotion(new_id(), Kind.SPECIAL_PRICE, scope=shop(market.flagship, green), price=100))
    add(rt, Promotion(new_id(), Kind.ITEM_DISCOUNT, scope=shop(market.corner), percent=30))
    html = client.get(f"/p/{market.shirt}").text
    assert badges(html) == [] and 'data-testid="product-promotions"' not in html
    assert 'data-testid="sku-promo-price"' not in html


def test_pausing_a_promotion_removes_its_badge_on_the_next_view(client: TestClient, rt: Runtime, market: Market,
                                                                promos: Promos) -> None:
    assert badges(client.get(f"/p/{market.shirt}").text)[0].startswith("Double 11")
    with rt.uow() as uow:
        uow.conn.execute(promotions.update().where(promotions.c.id == promos.festival).values(status="paused"))
        uow.commit()
    html = client.get(f"/p/{market.shirt}").text
    assert badges(html) == ["Special price ¥79.00", "¥20.00 off every ¥200.00", "Coupon: ¥10.00 off ¥99.00",
                            "Members: 5% off"]


def test_a_listing_card_shows_one_badge_and_its_lowest_price_after_promotions(
        client: TestClient, market: Market, promos: Promos) -> None:
    html = client.get("/products").text
    cards = dict(re.findall(r'data-product-id="([0-9A-Z]+)">(.*?)</a>', html, re.S))
    assert badges(cards[market.shirt]) == ["Double 11: ¥50.00 off every ¥300.00 across stores"]
    assert text_of(cards[market.shirt], "card-promo-price") == "¥79.00"
    assert badges(cards[market.tea]) == ["Members: 5% off"]
    assert 'data-testid="card-promo-price"' not in cards[market.tea]


def test_the_store_page_lists_its_promotions_and_coupons_to_claim(client: TestClient, market: Market,
                                                                  promos: Promos) -> None:
    html = client.get("/s/acme-official").text
    section = html.split('data-testid="store-promotions"')[1].split("</section>")[0]
    assert badges(section) == ["Double 11: ¥50.00 off every ¥300.00 across stores", "Special price ¥79.00",
                               "¥20.00 off every ¥200.00", "Coupon: ¥10.00 off ¥99.00"]
    assert f'action="/coupons/{promos.coupon}/claim"' in section
    assert 'data-testid="store-promotions"' not in client.get("/s/leaf-and-cup").text


def test_listing_badges_take_the_same_statements_for_more_cards_and_stores(
        rt: Runtime, market: Market, promos: Promos) -> None:
    service.listing(rt, ListingFilters())  # the category tree is cached from here on
    service.forget_cards(rt)
    with counting(rt) as before:
        small = service.listing(rt, ListingFilters())
    for i in range(4):
        store = market.rows.store(slug=f"more-{i}")
        product = market.rows.product(store, market.food, title_en=f"Tea {i}", price=5000)
        market.rows.sku(product, store, {}, price=5000)
        add(rt, Promotion(new_id(), Kind.ITEM_DISCOUNT, scope=shop(store), percent=10))
    service.forget_cards(rt)
    with counting(rt) as after:
        large = service.listing(rt, ListingFilters())
    assert (len(small.tiles), len(large.tiles)) == (2, 6)
    # products, stores, tags, brands, open promotions, festival opt-ins, the cards' SKUs
    assert len([s for s in before if s.startswith("SELECT")]) == 7
    assert len([s for s in after if s.startswith("SELECT")]) == 7
    assert [t.price_after for t in large.tiles[:4]] == [4500] * 4



def test_the_api_gives_each_skus_price_after_promotions_and_the_promotions_as_numbers(
        client: TestClient, market: Market, promos: Promos) -> None:
    body = client.get(f"/api/v1/products/{market.shirt}").json()
    assert [(s["id"], s["price_after_minor"], s["member_price_minor"]) for s in body["skus"]] == [
        (market.red_m, 7900, 7505), (market.red_l, 9900, 9405), (market.blue_m, 12900, 12255)]
    festival = body["promotions"][0]
    assert (festival["promotion_id"], festival["kind"], festival["name_zh"], festival["every"],
            festival["amount"]) == (promos.festival, "cross_store_reduction", "双十一", 30000, 5000)
    assert [p["claimable"] for p in body["promotions"]] == [False, False, False, True, False]
    card = next(c for c in client.get("/api/v1/products").json()["items"] if c["id"] == market.shirt)
    assert (card["price_after_minor"], card["promotion"]["promotion_id"]) == (7900, promos.festival)


def test_a_shopper_claims_the_coupon_with_the_product_pages_button(client: TestClient, rt: Runtime, market: Market,
                                                                   promos: Promos) -> None:
    shopper = person(rt, "claimer@example.com")
    log_in(client, rt, shopper)
    html = client.get(f"/p/{market.shirt}").text
    form = html.split('data-testid="claim-form"')[1].split("</form>")[0]
    response = client.post(f"/coupons/{promos.coupon}/claim", follow_redirects=False,
                           data={"csrf_token": csrf_from(form), "next": f"/p/{market.shirt}"})
    assert response.status_code == 303
    with rt.uow(read_only=True) as uow:
        assert [(r.promotion_id, r.status) for r in held_rows(uow.conn, shopper.user_id)] == [
            (promos.coupon, "available")]
