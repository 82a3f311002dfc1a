"""The pricing pages through the whole app: the merchant's promotion list and form (created, refused next to the
field, paused), festival opt-in, the coupons page and claiming, "my vouchers", and the operator's pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from manage_helpers import coupon, festival, pricing_snapshot, voucher

from mercato.kernel.runtime import Runtime
from mercato.pricing import service
from mercato.pricing.model.drafts import PromotionStatus
from support import csrf_from, log_in
from trade.trade_helpers import World, build_world, run_jobs

FORM = {"kind": "store_coupon", "name_en": "Autumn coupon", "name_zh": "秋季券", "threshold": "200",
        "amount": "20", "total_quantity": "50", "per_person": "1", "claimable": "on",
        "combines_with": ["item", "store", "cross_store", "platform_voucher"]}


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def test_a_merchant_creates_a_coupon_from_the_form(client: TestClient, rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    log_in(client, rt, tea.owner)
    page = client.get(f"/merchant/promotions/new?store_id={tea.store_id}&kind=store_coupon")
    assert page.status_code == 200 and 'data-testid="promotion-form"' in page.text
    saved = client.post("/merchant/promotions/new", data={**FORM, "csrf_token": csrf_from(page.text),
                                                          "store_id": tea.store_id}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/merchant/promotions?store_id={tea.store_id}&done=created"
    [view] = service.store_promotions(rt, tea.owner, tea.store_id)
    assert (view.draft.name_en, view.draft.threshold, view.draft.amount, view.draft.total_quantity) == \
        ("Autumn coupon", 20000, 2000, 50)
    assert view.draft.claimable is True
    listed = client.get(saved.headers["location"]).text
    assert "Autumn coupon" in listed and "¥20.00 off orders of ¥200.00" in listed and "The promotion is saved" in listed


@pytest.mark.parametrize(("change", "field"), [({"threshold": "0"}, "threshold"), ({"amount": "200"}, "amount"),
                                               ({"threshold": "abc"}, "threshold"),
                                               ({"starts_at": "2026-11-12T00:00", "ends_at": "2026-11-11T00:00"},
                                                "window")])
def test_a_refused_form_shows_the_error_and_changes_nothing(client: TestClient, rt: Runtime, world: World,
                                                            change: dict[str, str], field: str) -> None:
    tea = world.shops["tea"]
    log_in(client, rt, tea.owner)
    token = csrf_from(client.get(f"/merchant/promotions/new?store_id={tea.store_id}").text)
    before = pricing_snapshot(rt)
    response = client.post("/merchant/promotions/new", data={**FORM, **change, "csrf_token": token,
                                                             "store_id": tea.store_id})
    assert response.status_code == 400
    assert 'data-code="promotion_invalid"' in response.text
    if field != "window":
        assert f'data-field="{field}"' in response.text
    assert 'value="Autumn coupon"' in response.text
    assert pricing_snapshot(rt) == before


def test_the_merchant_pauses_a_promotion_from_the_list(client: TestClient, rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    view = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon())
    log_in(client, rt, tea.owner)
    page = client.get("/merchant/promotions").text
    assert f'data-promotion-id="{view.id}"' in page and 'data-phase="running"' in page
    done = client.post(f"/merchant/promotions/{view.id}/status", follow_redirects=False,
                       data={"csrf_token": csrf_from(page), "store_id": tea.store_id, "action": "pause"})
    assert done.status_code == 303
    assert service.store_promotion(rt, tea.owner, tea.store_id, view.id).status is PromotionStatus.PAUSED


def test_another_stores_promotion_page_is_404(client: TestClient, rt: Runtime, world: World) -> None:
    nike, tea = world.shops["nike"], world.shops["tea"]
    theirs = service.create_store_promotion(rt, nike.owner, nike.store_id, coupon())
    log_in(client, rt, tea.owner)
    assert client.get(f"/merchant/promotions/{theirs.id}").status_code == 404
    assert client.get(f"/merchant/promotions?store_id={nike.store_id}").status_code == 404


def test_a_merchant_opts_in_to_a_festival(client: TestClient, rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    fest = service.create_platform_promotion(rt, world.operator, festival())
    log_in(client, rt, tea.owner)
    page = client.get("/merchant/promotions").text
    assert f'data-promotion-id="{fest.id}" data-opted-in="no"' in page
    client.post(f"/merchant/festivals/{fest.id}", data={"csrf_token": csrf_from(page), "store_id": tea.store_id,
                                                        "action": "join"})
    assert f'data-promotion-id="{fest.id}" data-opted-in="yes"' in client.get("/merchant/promotions").text


def test_a_consumer_claims_on_the_coupons_page_and_sees_my_vouchers(client: TestClient, rt: Runtime,
                                                                    world: World) -> None:
    tea = world.shops["tea"]
    promo = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon())
    log_in(client, rt, world.buyer)
    page = client.get(f"/coupons?store_id={tea.store_id}").text
    assert f'data-promotion-id="{promo.id}"' in page
    claimed = client.post(f"/coupons/{promo.id}/claim", data={"csrf_token": csrf_from(page)},
                          follow_redirects=False)
    assert claimed.headers["location"] == "/account/vouchers?done=claimed"
    mine = client.get("/account/vouchers").text
    assert f'data-promotion-id="{promo.id}" data-status="available"' in mine
    assert "Only in Tea-Shop" in mine and "¥20.00 off orders of ¥200.00" in mine
    again = client.post(f"/coupons/{promo.id}/claim", data={"csrf_token": csrf_from(mine)})
    assert again.status_code == 409 and 'data-code="coupon_limit_reached"' in again.text


def test_the_operator_creates_a_red_envelope_and_issues_it(client: TestClient, rt: Runtime, world: World) -> None:
    log_in(client, rt, world.operator)
    page = client.get("/ops/promotions/new?kind=platform_voucher")
    assert page.status_code == 200
    client.post("/ops/promotions/new", data={"csrf_token": csrf_from(page.text), "kind": "platform_voucher",
                                             "name_en": "Welcome", "threshold": "99", "amount": "10",
                                             "per_person": "1", "valid_days": "7",
                                             "combines_with": ["item", "store", "cross_store"]})
    [envelope] = service.platform_promotions(rt, world.operator)
    assert (envelope.draft.claimable, envelope.draft.valid_days) == (False, 7)
    listed = client.get("/ops/promotions").text
    client.post(f"/ops/promotions/{envelope.id}/campaign",
                data={"csrf_token": csrf_from(listed), "segment": "everyone", "days": ""})
    run_jobs(rt)
    assert [h.promotion_id for h in service.my_vouchers(rt, world.buyer)] == [envelope.id]


def test_consumers_cannot_open_the_operator_pages(client: TestClient, rt: Runtime, world: World) -> None:
    service.create_platform_promotion(rt, world.operator, voucher())
    log_in(client, rt, world.buyer)
    assert client.get("/ops/promotions").status_code == 403
