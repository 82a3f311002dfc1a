"""Held coupons and vouchers through the pricing service, on both databases: issuing within the total and the
per-person limit, spending all or none, giving back when a payment closes, listing the usable ones, and the races."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pricing_helpers import add_promotion, held_rows, issued
from sqlalchemy.engine import Engine

from mercato.kernel.clock import FixedClock
from mercato.kernel.errors import DomainError
from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.pricing import service as pricing
from mercato.pricing.model import (
    CouponLimitReached,
    CouponSoldOut,
    CouponUnavailable,
    Held,
    Kind,
    Promotion,
    PromotionNotFound,
    PromotionNotIssuable,
    Window,
)
from mercato.settings import Settings
from mercato.wiring import event_bus
from support import person

NOW = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)


def voucher(rt: Runtime, **columns: Any) -> str:
    window = columns.pop("window", Window(None, NOW + timedelta(days=30)))
    promo = Promotion(new_id(), Kind.PLATFORM_VOUCHER, window=window, threshold=10000, amount=1000)
    with rt.uow() as uow:
        add_promotion(uow.conn, promo, owner="platform", **columns)
        uow.commit()
    return promo.promotion_id


def issue(rt: Runtime, promotion_id: str, consumer_id: str, now: datetime = NOW, **kwargs: Any) -> str:
    with rt.uow() as uow:
        held_id = pricing.issue_held_in(uow, promotion_id=promotion_id, consumer_id=consumer_id, source="claim",
                                        now=now, **kwargs)
        uow.commit()
    return held_id


def spend(rt: Runtime, consumer_id: str, held_ids: list[str], payment_id: str, now: datetime = NOW) -> None:
    with rt.uow() as uow:
        pricing.spend_held_in(uow, consumer_id=consumer_id, held_ids=held_ids, payment_id=payment_id, now=now)
        uow.commit()


def rows_of(rt: Runtime, consumer_id: str) -> list[tuple[Any, ...]]:
    with rt.uow(read_only=True) as uow:
        return [(r.claim_seq, r.status, r.payment_id, r.valid_until) for r in held_rows(uow.conn, consumer_id)]


def issued_of(rt: Runtime, promotion_id: str) -> int:
    with rt.uow(read_only=True) as uow:
        return issued(uow.conn, promotion_id)


# --- issuing ------------------------------------------------------------------------------------------------------

def test_issuing_takes_the_first_seat_and_counts_the_unit_valid_for_its_days(rt: Runtime) -> None:
    buyer = person(rt, "h1@example.com")
    promo = voucher(rt, total_quantity=5, valid_days=7)
    held_id = issue(rt, promo, buyer.user_id)
    assert len(held_id) == 26
    assert rows_of(rt, buyer.user_id) == [(1, "available", None, NOW + timedelta(days=7))]
    assert issued_of(rt, promo) == 1


def test_a_coupon_without_valid_days_is_valid_until_its_promotion_ends(rt: Runtime) -> None:
    buyer = person(rt, "h2@example.com")
    promo = voucher(rt)
    issue(rt, promo, buyer.user_id)
    assert rows_of(rt, buyer.user_id) == [(1, "available", None, NOW + timedelta(days=30))]


def test_an_explicit_validity_wins_over_the_default(rt: Runtime) -> None:
    buyer = person(rt, "h3@example.com")
    promo = voucher(rt, valid_days=7)
    issue(rt, promo, buyer.user_id, valid_until=NOW + timedelta(days=2))
    assert rows_of(rt, buyer.user_id) == [(1, "available", None, NOW + timedelta(days=2))]


def test_issuing_an_unknown_promotion_is_not_found(rt: Runtime) -> None:
    buyer = person(rt, "h4@example.com")
    with pytest.raises(PromotionNotFound) as refused:
        issue(rt, new_id(), buyer.user_id)
    assert (refused.value.code, refused.value.status) == ("promotion_not_found", 404)
    assert rows_of(rt, buyer.user_id) == []


@pytest.mark.parametrize("columns", [
    {"status": "paused"},
    {"status": "ended"},
    {"window": Window(NOW + timedelta(hours=1), NOW + timedelta(days=3))},
    {"window": Window(NOW - timedelta(days=3), NOW)},
])
def test_a_promotion_not_running_issues_nothing(rt: Runtime, columns: dict[str, Any]) -> None:
    buyer = person(rt, "h5@example.com")
    promo = voucher(rt, **columns)
    with pytest.raises(PromotionNotIssuable) as refused:
        issue(rt, promo, buyer.user_id)
    assert (refused.value.code, refused.value.status) == ("promotion_not_issuable", 409)
    assert rows_of(rt, buyer.user_id) == []
    assert issued_of(rt, promo) == 0


def test_a_promotion_that_is_not_a_coupon_issues_nothing(rt: Runtime) -> None:
    buyer = person(rt, "h6@example.com")
    promo = Promotion(new_id(), Kind.CROSS_STORE_REDUCTION, every=30000, amount=5000, platform_share_bp=5000)
    with rt.uow() as uow:
        add_promotion(uow.conn, promo, owner="platform")
        uow.commit()
    with pytest.raises(PromotionNotIssuable):
        issue(rt, promo.promotion_id, buyer.user_id)
    assert rows_of(rt, buyer.user_id) == []


def test_the_unit_after_the_last_is_sold_out_and_not_counted(rt: Runtime) -> None:
    first, second = person(rt, "h7@example.com"), person(rt, "h8@example.com")
    promo = voucher(rt, total_quantity=1)
    issue(rt, promo, first.user_id)
    with pytest.raises(CouponSoldOut) as refused:
        issue(rt, promo, second.user_id)
    assert (refused.value.code, refused.value.status) == ("coupon_sold_out", 409)
    assert issued_of(rt, promo) == 1
    assert rows_of(rt, second.user_id) == []


def test_a_consumer_holds_at_most_per_person_and_the_refusal_leaves_the_transaction_usable(rt: Runtime) -> None:
    buyer = person(rt, "h9@example.com")
    promo, other = voucher(rt, per_person=2), voucher(rt)
    issue(rt, promo, buyer.user_id)
    issue(rt, promo, buyer.user_id)
    with rt.uow() as uow:
        with pytest.raises(CouponLimitReached) as refused:
            pricing.issue_held_in(uow, promotion_id=promo, consumer_id=buyer.user_id, source="claim", now=NOW)
        pricing.issue_held_in(uow, promotion_id=other, consumer_id=buyer.user_id, source="claim", now=NOW)
        uow.commit()
    assert (refused.value.code, refused.value.status) == ("coupon_limit_reached", 409)
    assert [r[0] for r in rows_of(rt, buyer.user_id)] == [1, 1, 2]
    assert (issued_of(rt, promo), issued_of(rt, other)) == (2, 1)


# --- spending and giving back --------------------------------------------------------------------------------------

def test_spending_marks_every_coupon_used_by_the_payment(rt: Runtime) -> None:
    buyer = person(rt, "s1@example.com")
    held = [issue(rt, voucher(rt), buyer.user_id), issue(rt, voucher(rt), buyer.user_id)]
    spend(rt, buyer.user_id, held, "PAYMENT1")
    assert [r[1:3] for r in rows_of(rt, buyer.user_id)] == [("used", "PAYMENT1"), ("used", "PAYMENT1")]
    with rt.uow(read_only=True) as uow:
        assert pricing.held_in(uow, buyer.user_id, NOW) == ()


def test_spending_a_used_coupon_again_spends_nothing(rt: Runtime) -> None:
    buyer = person(rt, "s2@example.com")
    used, fresh = issue(rt, voucher(rt), buyer.user_id), issue(rt, voucher(rt), buyer.user_id)
    spend(rt, buyer.user_id, [used], "PAYMENT1")
    with pytest.raises(CouponUnavailable) as refused:
        spend(rt, buyer.user_id, [fresh, used], "PAYMENT2")
    assert (refused.value.code, refused.value.status) == ("coupon_unavailable", 409)
    assert sorted(r[1:3] for r in rows_of(rt, buyer.user_id)) == [("available", None), ("used", "PAYMENT1")]


def test_nobody_spends_another_consumers_coupon(rt: Runtime) -> None:
    owner, thief = person(rt, "s3@example.com"), person(rt, "s4@example.com")
    held = issue(rt, voucher(rt), owner.user_id)
    with pytest.raises(CouponUnavailable):
        spend(rt, thief.user_id, [held], "PAYMENT1")
    assert rows_of(rt, owner.user_id)[0][1:3] == ("available", None)


def test_an_expired_coupon_cannot_be_spent(rt: Runtime) -> None:
    buyer = person(rt, "s5@example.com")
    held = issue(rt, voucher(rt), buyer.user_id, valid_until=NOW + timedelta(hours=1))
    with pytest.raises(CouponUnavailable):
        spend(rt, buyer.user_id, [held], "PAYMENT1", now=NOW + timedelta(hours=1))
    assert rows_of(rt, buyer.user_id)[0][1] == "available"


def test_a_closed_payment_gives_its_coupons_back_and_expires_the_lapsed_ones(rt: Runtime) -> None:
    buyer = person(rt, "s6@example.com")
    lasting = issue(rt, voucher(rt), buyer.user_id, valid_until=NOW + timedelta(days=3))
    lapsing = issue(rt, voucher(rt), buyer.user_id, valid_until=NOW + timedelta(minutes=10))
    other = issue(rt, voucher(rt), buyer.user_id)
    spend(rt, buyer.user_id, [lasting, lapsing], "PAYMENT1")
    spend(rt, buyer.user_id, [other], "PAYMENT2")
    with rt.uow() as uow:
        returned = pricing.return_held_in(uow, payment_id="PAYMENT1", now=NOW + timedelta(minutes=15))
        uow.commit()
    assert returned == 2
    statuses = {r.id: (r.status, r.payment_id) for r in _rows(rt, buyer.user_id)}
    assert statuses == {lasting: ("available", None), lapsing: ("expired", None), other: ("used", "PAYMENT2")}


def _rows(rt: Runtime, consumer_id: str) -> list[Any]:
    with rt.uow(read_only=True) as uow:
        return held_rows(uow.conn, consumer_id)


def test_the_usable_list_leaves_out_used_lapsed_and_paused_ones(rt: Runtime) -> None:
    buyer = person(rt, "s7@example.com")
    good_promo = voucher(rt)
    good = issue(rt, good_promo, buyer.user_id)
    spend(rt, buyer.user_id, [issue(rt, voucher(rt), buyer.user_id)], "PAYMENT1")
    issue(rt, voucher(rt), buyer.user_id, valid_until=NOW + timedelta(minutes=5))
    paused = voucher(rt)
    issue(rt, paused, buyer.user_id)
    with rt.uow() as uow:
        uow.conn.exec_driver_sql(f"UPDATE promotions SET status = 'paused' WHERE id = '{paused}'")
        uow.commit()
    with rt.uow(read_only=True) as uow:
        assert pricing.held_in(uow, buyer.user_id, NOW + timedelta(minutes=5)) == (Held(good, good_promo),)


# --- races, committed for real on a private database of each kind ------------------------------------------------

@pytest.fixture
def real_rt(private_engine: Engine, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32), engine=private_engine,
                   uow=UnitOfWorkFactory(private_engine), clock=FixedClock(NOW), events=event_bus())


def together(count: int, attempt: Callable[[int], object]) -> list[object]:
    start = threading.Barrier(count)

    def run(i: int) -> object:
        start.wait()
        try:
            return attempt(i)
        except DomainError as refused:
            return refused

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_two_checkouts_spending_the_same_coupon_spend_it_once(real_rt: Runtime) -> None:
    buyer = person(real_rt, "r1@example.com")
    held = issue(real_rt, voucher(real_rt), buyer.user_id)
    results = together(2, lambda i: spend(real_rt, buyer.user_id, [held], f"PAYMENT{i}"))
    assert sorted(type(r).__name__ for r in results) == ["CouponUnavailable", "NoneType"]
    row = rows_of(real_rt, buyer.user_id)[0]
    assert row[1] == "used"
    assert row[2] == f"PAYMENT{results.index(None)}"


def test_two_consumers_claiming_the_last_unit_get_one(real_rt: Runtime) -> None:
    buyers = [person(real_rt, f"r{i}@example.com") for i in (2, 3)]
    promo = voucher(real_rt, total_quantity=1)
    results = together(2, lambda i: issue(real_rt, promo, buyers[i].user_id))
    assert sorted(type(r).__name__ for r in results) == ["CouponSoldOut", "str"]
    assert issued_of(real_rt, promo) == 1
    assert sum(len(rows_of(real_rt, b.user_id)) for b in buyers) == 1


def test_two_claims_of_the_same_seat_issue_one(real_rt: Runtime) -> None:
    buyer = person(real_rt, "r4@example.com")
    promo = voucher(real_rt, total_quantity=10)
    results = together(2, lambda i: issue(real_rt, promo, buyer.user_id))
    assert sorted(type(r).__name__ for r in results) == ["CouponLimitReached", "str"]
    assert issued_of(real_rt, promo) == 1
    assert [r[0] for r in rows_of(real_rt, buyer.user_id)] == [1]
