"""A reviewer's look at what `ledger verify` sees of refunds: a part whose refunded total drifts from its
movements (a path that refunds after settlement without counting it would let refunds exceed what was paid), the
movements after-sales checks its requests against, and the locked read trade's cancel takes first."""

from __future__ import annotations

import sqlalchemy as sa
from payments_helpers import new_payment, pay, verify

from mercato.kernel.clock import FixedClock
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments import service


def paid_order(rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str, amount: int) -> str:
    ref, orders = new_payment(rt, consumer, (store_id, amount))
    pay(rt, clock, consumer, ref.id)
    return orders[0]


def move(rt: Runtime, action: str, **kwargs: object) -> None:
    with rt.uow() as uow:
        getattr(service, action)(uow, now=rt.clock.now(), **kwargs)
        uow.commit()


def test_a_refund_after_settlement_the_part_forgot_to_count_is_a_ledger_problem(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    move(rt, "settle_order_in", order_id=order, commission=500)
    move(rt, "refund_in", source="refund:R1", order_id=order, amount=4_000, commission_share=200, platform_share=0)
    assert verify(rt) == []
    with rt.uow() as uow:
        uow.conn.execute(sa.text("UPDATE payment_parts SET refunded = refunded - 4000 WHERE order_id = :o"),
                         {"o": order})
        uow.commit()
    with rt.uow(read_only=True) as uow:
        assert service.refundable_in(uow, order_id=order) == 10_000  # what a second refund would be allowed
    assert [(p.check, p.expected, p.actual) for p in verify(rt)] == [("part_refunded", 4_000, 0)]


def test_the_movements_after_sales_checks_are_its_own_and_not_a_cancel(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    first = paid_order(rt, clock, consumer, store_id, 10_000)
    second = paid_order(rt, clock, consumer, store_id, 5_000)
    move(rt, "refund_in", source="refund:R1", order_id=first, amount=1_000, commission_share=0, platform_share=0)
    move(rt, "advance_refund_in", source="advance:R2", order_id=first, consumer_id=consumer.user_id, amount=2_000)
    move(rt, "claw_back_in", source="clawback:R2", advance_source="advance:R2", consumer_id=consumer.user_id,
         amount=2_000)
    move(rt, "refund_order_in", order_id=second)
    with rt.uow(read_only=True) as uow:
        assert service.movements_in(uow) == {"refund:R1": 1_000, "advance:R2": 2_000, "clawback:R2": 2_000}
    assert verify(rt) == []


def test_the_locked_read_of_what_is_refundable_is_what_is_left_of_the_part(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    move(rt, "refund_in", source="refund:R1", order_id=order, amount=2_500, commission_share=0, platform_share=0)
    with rt.uow() as uow:
        assert service.refundable_in(uow, order_id=order, lock=True) == 7_500
    with rt.uow(read_only=True) as uow:
        assert service.refundable_in(uow, order_id="no-such-order", lock=False) == 0
