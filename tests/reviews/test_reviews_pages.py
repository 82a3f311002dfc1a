"""The reviews pages over HTTP: the order page links each received line to the form, the form publishes the
review, my reviews take a follow-up, the product page's fragment shows the rating, the store's scores and the
reviews with a helpful button, the store page's fragment its scores, and the merchant replies."""

from __future__ import annotations

from fastapi.testclient import TestClient
from reviews_helpers import buy, jobs_run

from mercato.kernel.runtime import Runtime
from support import csrf_from, log_in, person
from trade.trade_helpers import World


def test_a_buyer_reviews_from_the_order_page_and_the_product_page_shows_it(client: TestClient, rt: Runtime,
                                                                          world: World) -> None:
    bought = buy(rt, world)
    log_in(client, rt, world.buyer)
    order = client.get(f"/orders/{bought.order_no}")
    link = f"/reviews/new?order_no={bought.order_no}&amp;line={bought.line_ids[0]}"
    assert order.status_code == 200 and link in order.text
    form = client.get(link.replace("&amp;", "&"))
    assert form.status_code == 200 and 'data-testid="review-store-scores"' in form.text
    posted = client.post("/reviews/new", data={
        "csrf_token": csrf_from(form.text), "order_no": bought.order_no, "line": bought.line_ids[0], "rating": "4",
        "text": "Fragrant and fresh", "description": "5", "service_score": "4", "logistics": "3"},
        follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"] == "/account/reviews?done=submitted"
    mine = client.get("/account/reviews?done=submitted")
    assert "Fragrant and fresh" in mine.text and 'data-testid="follow-up-form"' in mine.text
    again = client.get(link.replace("&amp;", "&"))
    assert again.status_code == 409 and "already reviewed" in again.text

    review_id = mine.text.split('data-review-id="')[1].split('"')[0]
    followed = client.post(f"/account/reviews/{review_id}/follow-up",
                           data={"csrf_token": csrf_from(mine.text), "text": "Still lovely"}, follow_redirects=False)
    assert followed.status_code == 303
    jobs_run(rt)

    product = client.get(f"/p/{bought.product_ids[0]}")
    assert f'hx-get="/products/{bought.product_ids[0]}/reviews"' in product.text
    fragment = client.get(f"/products/{bought.product_ids[0]}/reviews").text
    assert 'data-testid="product-rating"' in fragment and "<strong>4.00</strong>" in fragment
    assert 'data-testid="dsr-description">5.00</dd>' in fragment
    assert 'data-testid="dsr-logistics">3.00</dd>' in fragment
    assert "Fragrant and fresh" in fragment and "Still lovely" in fragment
    assert 'data-testid="helpful-button"' not in fragment  # not on one's own review

    store = client.get(f"/stores/{bought.store_id}/ratings").text
    assert 'data-testid="dsr-service">4.00</dd>' in store


def test_another_shopper_finds_it_helpful_by_htmx(client: TestClient, rt: Runtime, world: World) -> None:
    from reviews_helpers import review
    made = review(rt, world.buyer, buy(rt, world))
    anonymous = client.get(f"/products/{made.product_id}/reviews")
    assert anonymous.status_code == 200 and "Nice tea" in anonymous.text
    assert 'data-testid="helpful-button"' not in anonymous.text
    log_in(client, rt, person(rt, "reader@example.com"))
    fragment = client.get(f"/products/{made.product_id}/reviews").text
    assert 'data-testid="helpful-button"' in fragment
    voted = client.post(f"/reviews/{made.id}/helpful", data={"csrf_token": csrf_from(fragment)},
                        headers={"HX-Request": "true"})
    assert voted.status_code == 200 and "1 found it helpful" in voted.text
    again = client.get(f"/products/{made.product_id}/reviews").text
    assert 'data-testid="helpful-button"' not in again and "1 found it helpful" in again


def test_the_merchant_replies_from_the_reviews_page(client: TestClient, rt: Runtime, world: World) -> None:
    from reviews_helpers import review
    made = review(rt, world.buyer, buy(rt, world))
    tea = world.shops["tea"]
    log_in(client, rt, tea.owner)
    page = client.get(f"/merchant/reviews?store_id={tea.store_id}")
    assert page.status_code == 200 and f'data-review-id="{made.id}"' in page.text
    replied = client.post(f"/merchant/reviews/{made.id}/reply", data={
        "csrf_token": csrf_from(page.text), "store_id": tea.store_id, "text": "Thank you"}, follow_redirects=False)
    assert replied.status_code == 303
    assert "Thank you" in client.get(f"/merchant/reviews?store_id={tea.store_id}").text
    nike = world.shops["nike"]
    assert client.get(f"/merchant/reviews?store_id={nike.store_id}").status_code == 404


def test_the_form_refuses_an_item_not_yet_received(client: TestClient, rt: Runtime, world: World) -> None:
    bought = buy(rt, world, receive=False)
    log_in(client, rt, world.buyer)
    assert 'data-testid="review-links"' not in client.get(f"/orders/{bought.order_no}").text
    refused = client.get(f"/reviews/new?order_no={bought.order_no}&line={bought.line_ids[0]}")
    assert refused.status_code == 409
