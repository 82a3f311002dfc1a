"""The recommendation blocks and pages through httpx: the home feed, "pick what you like", load more, similar items,
shops you may like, and the view / search-click events product pages record."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from mercato.kernel.runtime import Runtime
from mercato.recommend import pool
from mercato.recommend.tables import recommend_events
from recommend.test_feeds import World, build_world
from support import csrf_from, log_in, person


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def feed_items(html: str) -> list[tuple[str, str]]:
    """(product id, fair flag) of every feed tile, in order."""
    return re.findall(r'data-testid="feed-item" data-fair="([01])"><a class="card" href="/p/([0-9A-Z]+)"', html)


def events_of(rt: Runtime, actor: str) -> list[tuple[str, str, str | None]]:
    with rt.uow(read_only=True) as uow:
        rows = uow.conn.execute(sa.select(recommend_events.c.product_id, recommend_events.c.kind,
                                          recommend_events.c.query)
                                .where(recommend_events.c.actor_id == actor).order_by(recommend_events.c.id))
        return [(r.product_id, r.kind, r.query) for r in rows]


def test_a_newcomer_sees_popular_goods_and_the_picker_and_their_pick_narrows_the_feed(
        client: TestClient, world: World) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert 'data-feed-mode="popular"' in home.text
    assert "Popular now" in home.text and 'data-testid="feed-picks"' in home.text
    assert len(feed_items(home.text)) == 20
    picked = client.post("/for-you/verticals", data={"csrf_token": csrf_from(home.text), "vertical": ["home"],
                                                     "next": "/"}, follow_redirects=False)
    assert picked.status_code == 303
    assert picked.headers["location"] == "/"
    assert client.cookies.get("mercato_picks") == "home"
    again = client.get("/")
    assert "Popular in your picks" in again.text
    assert 'data-testid="feed-picks"' not in again.text
    assert {world.vertical_of[p] for _, p in feed_items(again.text)} == {"home"}


def test_an_unknown_vertical_is_refused_and_nothing_is_kept(client: TestClient, world: World) -> None:
    home = client.get("/")
    response = client.post("/for-you/verticals", data={"csrf_token": csrf_from(home.text), "vertical": ["nope"]},
                           follow_redirects=False)
    assert response.status_code == 400
    assert "verticals_invalid" in response.text
    assert client.cookies.get("mercato_picks") is None


def test_picking_verticals_needs_the_csrf_token(client: TestClient, world: World) -> None:
    client.get("/")
    response = client.post("/for-you/verticals", data={"csrf_token": "forged", "vertical": ["home"]},
                           follow_redirects=False)
    assert response.status_code == 403
    assert client.cookies.get("mercato_picks") is None


def test_viewing_products_records_views_and_turns_the_home_feed_personal(client: TestClient, world: World) -> None:
    shopper = person(world.rt, "viewer@example.com")
    log_in(client, world.rt, shopper)
    seen = world.goods["flag0"][:2]
    for product in seen:
        assert client.get(f"/p/{product}").status_code == 200
    assert events_of(world.rt, shopper.user_id) == [(seen[0], "view", None), (seen[1], "view", None)]
    home = client.get("/")
    items = feed_items(home.text)
    assert 'data-feed-mode="personal"' in home.text and "Guess you like" in home.text
    assert len(items) == 20
    assert [flag for flag, _ in items][2::5] == ["1", "1", "1", "1"]
    assert world.vertical_of[items[0][1]] == "apparel"
    assert not {p for _, p in items} & set(seen)


def test_load_more_gives_the_next_page_as_a_fragment_or_a_page(client: TestClient, world: World) -> None:
    home = client.get("/")
    more = re.search(r'hx-get="(/for-you\?cursor=[^"]+)"', home.text)
    assert more is not None
    fragment = client.get(more.group(1), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    first, second = feed_items(home.text), feed_items(fragment.text)
    assert len(second) == 20
    assert not {p for _, p in first} & {p for _, p in second}
    page = client.get(more.group(1))
    assert "<html" in page.text and feed_items(page.text) == second


def test_a_forged_cursor_is_a_400(client: TestClient, world: World) -> None:
    response = client.get("/for-you", params={"cursor": "bogus"})
    assert response.status_code == 400
    assert "cursor_invalid" in response.text


def test_a_product_opened_from_search_results_records_a_search_click(client: TestClient, world: World) -> None:
    shopper = person(world.rt, "searcher@example.com")
    log_in(client, world.rt, shopper)
    product = world.goods["indie1"][0]
    client.get(f"/p/{product}", headers={"referer": "http://testserver/search?q=ceramic+bowl"})
    client.get(f"/p/{product}", headers={"referer": "http://elsewhere.example/search?q=spam"})
    assert events_of(world.rt, shopper.user_id) == [(product, "search_click", "ceramic bowl"), (product, "view", None)]


def test_the_product_page_shows_similar_items_in_both_languages(client: TestClient, world: World) -> None:
    product = world.goods["flag0"][0]
    english = client.get(f"/p/{product}")
    assert "Similar items" in english.text
    similar = re.findall(r'data-testid="similar-items">.*', english.text, re.S)[0]
    shown = re.findall(r'data-testid="similar-card" data-product-id="([0-9A-Z]+)"', similar)
    assert len(shown) == 12 and product not in shown
    assert english.text.count('data-testid="product-title"') == 1  # the page's own title stays the only one
    client.cookies.set("mercato_lang", "zh-CN")
    chinese = client.get(f"/p/{product}")
    similar_zh = re.findall(r'data-testid="similar-items">.*', chinese.text, re.S)[0]
    assert re.findall(r'data-testid="similar-card" data-product-id="([0-9A-Z]+)"', similar_zh) == shown
    assert "纯棉衬衫" in similar_zh and "cotton shirt" not in similar_zh


def test_shops_you_may_like_on_the_home_page_and_their_own_page(client: TestClient, world: World) -> None:
    pool.forget_pool(world.rt)
    home = client.get("/")
    assert home.text.count('data-testid="shop-card"') == 4
    page = client.get("/for-you/shops")
    assert page.status_code == 200
    kinds = re.findall(r'data-testid="shop-card" data-store-kind="(\w+)"', page.text)
    assert len(kinds) == 8 and kinds.count("independent") >= 2
