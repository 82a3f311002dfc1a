"""The merchant's balance page shows what the store owes after refunds its balance could not cover, and nothing
about debt when it owes nothing."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from payments_helpers import log_in, new_payment, pay, settle

from mercato.kernel.clock import FixedClock
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments import service


def test_the_balance_page_shows_what_the_store_owes(client: TestClient, rt: Runtime, clock: FixedClock,
                                                    consumer: Principal, merchant: Principal, store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 10_000))
    pay(rt, clock, consumer, ref.id)
    settle(rt, orders[0], 1_000)
    log_in(client, rt, merchant)
    assert 'data-testid="balance-owed"' not in client.get("/merchant/balance").text
    service.request_payout(rt, merchant, store_id, 8_000)
    with rt.uow() as uow:
        service.refund_in(uow, source="refund:R1", order_id=orders[0], amount=5_000, commission_share=500,
                          platform_share=0, now=rt.clock.now())
        uow.commit()
    page = client.get("/merchant/balance").text
    assert re.search(r'balance-available">¥0\.00<', page)
    assert re.search(r'balance-owed">¥35\.00<', page)  # 4_500 back, 1_000 of it from the balance
    assert "Owed to the platform" in page
