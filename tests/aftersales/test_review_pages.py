"""A reviewer's bad input through the after-sales forms: digits Python reads as digits but cannot turn into a
number, and amounts no one can parse, are refused next to their field with a code (never a 500), and change
nothing."""

from __future__ import annotations

import pytest
from aftersales_helpers import buy, snapshot
from fastapi.testclient import TestClient

from mercato.kernel.runtime import Runtime
from support import csrf_from, log_in
from trade.trade_helpers import World


@pytest.mark.parametrize("units", ["²", "1.5", "-1", "9999999", " "])
def test_units_that_are_not_a_plain_whole_number_are_refused_next_to_the_field(
        client: TestClient, rt: Runtime, world: World, units: str) -> None:
    bought = buy(rt, world, units=((0, 2),))
    log_in(client, rt, world.buyer)
    form = client.get(f"/orders/{bought.order_no}/refund").text
    before = snapshot(rt)
    refused = client.post(f"/orders/{bought.order_no}/refund", data={
        "csrf_token": csrf_from(form), "line": bought.line_ids[0], "units": units, "kind": "refund_only",
        "reason": "changed_mind"})
    assert refused.status_code == 400, refused.text[:300]
    assert 'data-field="units"' in refused.text
    assert snapshot(rt) == before
