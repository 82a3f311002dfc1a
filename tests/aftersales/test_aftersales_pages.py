"""The after-sales pages through the whole app: the refund link on the order page, the request form and its
refusals next to their field (nothing changed), the request with its timeline and actions, the merchant's queue
and the operator's disputes; strangers get 404 and only operators see the disputes."""

from __future__ import annotations

import re
from typing import Any

from aftersales_helpers import buy, snapshot
from fastapi.testclient import TestClient

from mercato.aftersales import service as aftersales
from mercato.kernel.runtime import Runtime
from support import csrf_from, log_in, person
from trade.trade_helpers import World

TEA = 9900


def post(client: TestClient, page: str, url: str, data: dict[str, str]) -> Any:
    token = csrf_from(client.get(page).text)
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=False)


def test_a_return_through_the_pages(client: TestClient, rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 2),), ship=True)
    log_in(client, rt, world.buyer)
    order_page = client.get(f"/orders/{bought.order_no}").text
    assert f'/orders/{bought.order_no}/refund?line={bought.line_ids[0]}' in order_page
    form = client.get(f"/orders/{bought.order_no}/refund?line={bought.line_ids[0]}")
    assert form.status_code == 200 and 'data-testid="refund-form"' in form.text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.text)
    assert key is not None
    sent = client.post(f"/orders/{bought.order_no}/refund", follow_redirects=False, data={
        "csrf_token": csrf_from(form.text), "idempotency_key": key.group(1), "line": bought.line_ids[0],
        "units": "1", "kind": "return_refund", "reason": "damaged", "note": "Cracked"})
    assert sent.status_code == 303
    no = sent.headers["location"].split("/")[-1].split("?")[0]
    detail = client.get(f"/account/refunds/{no}?done=requested").text
    assert 'data-status="requested"' in detail and "Your request is sent to the store" in detail
    assert no in client.get("/account/refunds").text

    log_in(client, rt, bought.owner)
    queue = client.get("/merchant/refunds").text
    assert f'data-request-no="{no}"' in queue
    agreed = post(client, "/merchant/refunds", f"/merchant/refunds/{no}/agree", {"store_id": bought.store_id})
    assert agreed.status_code == 303

    log_in(client, rt, world.buyer)
    shipped = post(client, f"/account/refunds/{no}", f"/account/refunds/{no}/ship",
                   {"carrier": "SF", "tracking_no": "SF7777"})
    assert shipped.status_code == 303

    log_in(client, rt, bought.owner)
    received = post(client, "/merchant/refunds", f"/merchant/refunds/{no}/receive", {"store_id": bought.store_id})
    assert received.status_code == 303
    log_in(client, rt, world.buyer)
    final = client.get(f"/account/refunds/{no}").text
    assert 'data-status="refunded"' in final
    assert len(re.findall(r'data-testid="refund-event"', final)) == 4


def test_a_refusal_on_the_form_shows_next_to_its_field_and_changes_nothing(client: TestClient, rt: Runtime,
                                                                           world: World) -> None:
    bought = buy(rt, world, units=((0, 2),))
    log_in(client, rt, world.buyer)
    form = client.get(f"/orders/{bought.order_no}/refund").text
    before = snapshot(rt)
    refused = client.post(f"/orders/{bought.order_no}/refund", data={
        "csrf_token": csrf_from(form), "line": bought.line_ids[0], "units": "3", "kind": "refund_only",
        "reason": "changed_mind"})
    assert refused.status_code == 400
    assert 'data-field="units" data-code="refund_units_invalid"' in refused.text
    assert snapshot(rt) == before


def test_strangers_get_404_and_only_operators_see_disputes(client: TestClient, rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),), ship=True)
    request = aftersales.request_refund(rt, world.buyer, order_no=bought.order_no, order_line_id=bought.line_ids[0],
                                        units=1, kind="refund_only", reason="not_arrived")
    aftersales.refuse(rt, bought.owner, bought.store_id, request.request_no, "Delivered")
    aftersales.escalate(rt, world.buyer, request.request_no, "Not here")
    log_in(client, rt, person(rt, "stranger@example.com"))
    assert client.get(f"/account/refunds/{request.request_no}").status_code == 404
    assert client.get(f"/orders/{bought.order_no}/refund").status_code == 404
    assert client.get("/ops/disputes").status_code == 403
    log_in(client, rt, world.operator)
    disputes = client.get("/ops/disputes").text
    assert f'data-request-no="{request.request_no}"' in disputes and "Not here" in disputes
    decided = post(client, "/ops/disputes", f"/ops/disputes/{request.request_no}/decide",
                   {"decision": "partial", "amount": "50", "note": "Half"})
    assert decided.status_code == 303
    assert aftersales.my_request(rt, world.buyer, request.request_no).request.refunded == 5000
