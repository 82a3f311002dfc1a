"""The membership pages through the whole app: a consumer buys a membership and is sent to the pay page, then reads
"member until"; the saving card shows "renew now" for a renewal; a friend opens an invite link; the operator edits
the price table (a bad table is refused and nothing changes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from membership_helpers import capture, rows, run_jobs, voucher

from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.membership import service as membership
from mercato.membership.model import VoucherGrant
from mercato.membership.tables import membership_price_tiers
from support import csrf_from, log_in


@pytest.mark.parametrize("path", ["/account/membership", "/account/saving-card", "/account/invite",
                                  "/ops/membership"])
def test_anonymous_visitors_are_sent_to_log_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, f"/login?next={path}")


def test_a_consumer_buys_a_membership_pays_and_sees_member_until(client: TestClient, rt: Runtime,
                                                                 consumer: Principal) -> None:
    log_in(client, rt, consumer)
    page = client.get("/account/membership")
    assert 'data-member="no"' in page.text and "¥88.00" in page.text
    bought = client.post("/account/membership", data={"csrf_token": csrf_from(page.text), "idempotency_key": "k1"},
                         follow_redirects=False)
    assert bought.status_code == 303 and bought.headers["location"].startswith("/pay/")
    capture(rt, bought.headers["location"].removeprefix("/pay/"))
    assert "Member until 2027-11-11" in client.get("/account/membership").text


def test_the_saving_card_page_asks_to_renew_now_when_a_renewal_waits(client: TestClient, rt: Runtime,
                                                                      consumer: Principal,
                                                                      operator: Principal) -> None:
    five = voucher(rt)
    membership.set_saving_card_plan(rt, operator, 1000, [VoucherGrant(five, 4)])
    log_in(client, rt, consumer)
    page = client.get("/account/saving-card")
    assert f'<li data-promotion-id="{five}">4 × Promo {five[-6:]}</li>' in page.text
    bought = client.post("/account/saving-card", data={"csrf_token": csrf_from(page.text), "idempotency_key": "k"},
                         follow_redirects=False)
    capture(rt, bought.headers["location"].removeprefix("/pay/"))
    page = client.get("/account/saving-card")
    client.post("/account/saving-card/auto-renew", data={"csrf_token": csrf_from(page.text), "on": "1"})
    run_jobs(rt, timedelta(days=28))
    log_in(client, rt, consumer)  # the session of four weeks ago has expired
    page = client.get("/account/saving-card")
    assert 'data-testid="card-renew-now"' in page.text and "Auto-renew is on" in page.text


def test_a_friend_opens_an_invite_link_registers_and_accepts(client: TestClient, rt: Runtime,
                                                              consumer: Principal, friend: Principal) -> None:
    code = membership.invite_overview(rt, consumer).code
    landing = client.get(f"/invite/{code}")
    assert f'href="/register?next=/invite/{code}"' in landing.text
    assert client.get("/invite/NOSUCH22").status_code == 404
    log_in(client, rt, friend)
    landing = client.get(f"/invite/{code.lower()}")
    accepted = client.post("/account/invite/accept", data={"csrf_token": csrf_from(landing.text), "code": code})
    assert 'data-status="accepted"' in accepted.text


def test_the_operator_edits_the_price_table_and_a_bad_one_changes_nothing(client: TestClient, rt: Runtime,
                                                                          operator: Principal) -> None:
    log_in(client, rt, operator)
    page = client.get("/ops/membership")
    assert "0 88.00\n600 68.00\n700 38.00\n800 0.00" in page.text
    saved = client.post("/ops/membership/prices", data={"csrf_token": csrf_from(page.text),
                                                        "tiers": "0 99\n800 49.50"})
    assert "Saved" in saved.text
    refused = client.post("/ops/membership/prices", data={"csrf_token": csrf_from(page.text),
                                                          "tiers": "0 99\n800 49.50\n700 10"})
    assert (refused.status_code, 'role="alert"' in refused.text) == (400, True)
    assert [(r[0], r[1]) for r in rows(rt, membership_price_tiers)] == [(0, 9900), (800, 4950)]


def test_the_operator_sets_the_saving_card_and_invite_rewards_from_the_page(client: TestClient, rt: Runtime,
                                                                            operator: Principal) -> None:
    five = voucher(rt)
    log_in(client, rt, operator)
    page = client.get("/ops/membership")
    assert f"<code>{five}</code>" in page.text
    saved = client.post("/ops/membership/saving-card", data={"csrf_token": csrf_from(page.text), "price": "10",
                                                             "vouchers": f"{five} 4"})
    assert "Saved" in saved.text
    refused = client.post("/ops/membership/invite", data={"csrf_token": csrf_from(page.text), "inviter": "NOPE 1",
                                                          "invitee": f"{five} 1"})
    assert (refused.status_code, "Not a platform voucher promotion: NOPE" in refused.text) == (400, True)
    client.post("/ops/membership/invite", data={"csrf_token": csrf_from(page.text), "inviter": f"{five} 2",
                                                "invitee": f"{five} 1"})
    assert (membership.saving_card_plan(rt).price, membership.invite_plan(rt).inviter) == (
        1000, (VoucherGrant(five, 2),))
