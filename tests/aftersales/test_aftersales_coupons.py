"""A platform voucher spent on an order: its platform-funded discount is split over the refunds like the money,
a partial refund returns no voucher, and refunding every unit of the checkout gives the voucher back."""

from __future__ import annotations

import sqlalchemy as sa
from aftersales_helpers import ask, buy, ledger_ok, refunded_to

from membership.membership_helpers import voucher
from mercato.aftersales import service as aftersales
from mercato.kernel.runtime import Runtime
from mercato.pricing import service as pricing
from mercato.pricing.tables import held_coupons
from trade.trade_helpers import World

TEA = 9900


def voucher_status(rt: Runtime, held_id: str) -> str:
    with rt.uow(read_only=True) as uow:
        return str(uow.conn.execute(sa.select(held_coupons.c.status).where(held_coupons.c.id == held_id)).scalar_one())


def platform_shares(rt: Runtime) -> list[int]:
    with rt.uow(read_only=True) as uow:
        rows = uow.conn.execute(sa.text("SELECT platform_share FROM refund_movements WHERE kind = 'refund' "
                                        "ORDER BY created_at, source"))
        return [int(r.platform_share) for r in rows]


def test_the_voucher_comes_back_only_when_every_unit_is_refunded(rt: Runtime, world: World) -> None:
    promotion = voucher(rt, amount=1000, threshold=3900)  # 10.00 yuan off, paid by the platform
    with rt.uow() as uow:
        held_id = pricing.issue_held_in(uow, promotion_id=promotion, consumer_id=world.buyer.user_id,
                                        source="test", now=rt.clock.now())
        uow.commit()
    bought = buy(rt, world, units=((0, 3),))  # 3 x 99.00 - 10.00 = 287.00
    assert voucher_status(rt, held_id) == "used"
    first = ask(rt, world, bought, units=1)
    assert (first.amount, first.platform_share) == (9566, 333)  # floor(28700/3), floor(1000/3)
    aftersales.agree(rt, bought.owner, bought.store_id, first.request_no)
    assert voucher_status(rt, held_id) == "used"
    rest = ask(rt, world, bought, units=2)
    assert (rest.amount, rest.platform_share) == (28700 - 9566, 1000 - 333)
    aftersales.agree(rt, bought.owner, bought.store_id, rest.request_no)
    assert voucher_status(rt, held_id) == "available"
    assert sum(amount for _, amount in refunded_to(rt)) == 28700
    assert platform_shares(rt) == [333, 667]
    assert ledger_ok(rt) == []
