"""The paid membership through the membership service, on both databases: the price by credit score tier, activation on
capture (once, however often the gateway calls back), expiry, extension, an unpaid purchase expiring with its
payment, the operator's price table, and a clean ledger after purchases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from membership_helpers import capture, rows, run_jobs

from mercato.credit import service as credit
from mercato.credit.model import CreditScore, tier_of
from mercato.kernel.errors import AccessDenied
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.membership import service as membership
from mercato.membership.model import MembershipStatus, PriceTableInvalid, PriceTier
from mercato.membership.tables import membership_price_tiers, memberships
from mercato.payments import service as payments
from mercato.trade import service as trade

START = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)


def rated(rt: Runtime, consumer: Principal, value: int) -> None:
    """The consumer's credit score is now `value`."""
    with rt.uow() as uow:
        credit.store_score_in(uow, consumer.user_id, CreditScore(value, tier_of(value), ()), rt.clock.now())
        uow.commit()


def is_member(rt: Runtime, consumer: Principal) -> bool:
    with rt.uow(read_only=True) as uow:
        return membership.is_member_in(uow, consumer.user_id, rt.clock.now())


@pytest.mark.parametrize(("score", "price"), [
    (350, 8800), (599, 8800), (600, 6800), (699, 6800), (700, 3800), (800, 0), (950, 0)])
def test_the_price_follows_the_tier_the_credit_score_reaches(
        rt: Runtime, consumer: Principal, score: int, price: int) -> None:
    rated(rt, consumer, score)
    overview = membership.membership_overview(rt, consumer)
    assert (overview.score, overview.quote.price) == (score, price)


def test_a_consumer_not_rated_yet_stands_at_the_base_score(rt: Runtime, consumer: Principal) -> None:
    overview = membership.membership_overview(rt, consumer)
    assert (overview.score, overview.quote, overview.next_tier) == (500, PriceTier(0, 8800), PriceTier(600, 6800))


def test_buying_creates_a_payment_at_the_quoted_price_and_no_benefits_yet(rt: Runtime, consumer: Principal) -> None:
    purchase = membership.buy_membership(rt, consumer)
    assert (purchase.status, purchase.price) == (MembershipStatus.PENDING, 8800)
    payment = payments.get_payment(rt, consumer, str(purchase.payment_id))
    assert (payment.amount, payment.status.value, [(p.order_id, p.store_id) for p in payment.parts]) == \
        (8800, "open", [(purchase.id, "platform")])
    assert not is_member(rt, consumer)


def test_the_capture_activates_the_membership_for_a_year_at_once(rt: Runtime, consumer: Principal) -> None:
    purchase = membership.buy_membership(rt, consumer)
    rt.clock.advance(timedelta(minutes=3))  # type: ignore[attr-defined]
    capture(rt, str(purchase.payment_id))
    assert is_member(rt, consumer)
    assert membership.membership_overview(rt, consumer).member_until == START + timedelta(minutes=3) + \
        timedelta(days=365)


def test_a_repeated_callback_activates_once(rt: Runtime, consumer: Principal) -> None:
    purchase = membership.buy_membership(rt, consumer)
    event_id = capture(rt, str(purchase.payment_id))
    before = rows(rt, memberships)
    capture(rt, str(purchase.payment_id), event_id)
    capture(rt, str(purchase.payment_id))
    assert rows(rt, memberships) == before
    assert membership.membership_overview(rt, consumer).member_until == START + timedelta(days=365)


def test_benefits_end_at_expiry(rt: Runtime, consumer: Principal) -> None:
    capture(rt, str(membership.buy_membership(rt, consumer).payment_id))
    rt.clock.set(START + timedelta(days=365) - timedelta(seconds=1))  # type: ignore[attr-defined]
    assert is_member(rt, consumer)
    rt.clock.set(START + timedelta(days=365))  # type: ignore[attr-defined]
    assert not is_member(rt, consumer)
    assert membership.membership_overview(rt, consumer).member_until is None


def test_buying_again_while_a_member_extends_from_the_current_end(rt: Runtime, consumer: Principal) -> None:
    capture(rt, str(membership.buy_membership(rt, consumer).payment_id))
    rt.clock.advance(timedelta(days=100))  # type: ignore[attr-defined]
    capture(rt, str(membership.buy_membership(rt, consumer).payment_id))
    assert membership.membership_overview(rt, consumer).member_until == datetime(2028, 11, 11, 10, 0, tzinfo=UTC)
    rt.clock.set(START + timedelta(days=500))  # type: ignore[attr-defined]
    assert is_member(rt, consumer)


def test_an_unpaid_purchase_is_returned_again_instead_of_a_second_one(rt: Runtime, consumer: Principal) -> None:
    first = membership.buy_membership(rt, consumer)
    assert membership.buy_membership(rt, consumer) == first
    assert membership.buy_membership(rt, consumer, "key-1") == first


def test_an_unpaid_purchase_expires_with_its_payment(rt: Runtime, consumer: Principal) -> None:
    purchase = membership.buy_membership(rt, consumer)
    run_jobs(rt, timedelta(minutes=15))
    payment = payments.get_payment(rt, consumer, str(purchase.payment_id))
    assert [(r[2], r[5]) for r in rows(rt, memberships)] == [("cancelled", purchase.payment_id)]
    assert payment.status.value == "closed"
    capture(rt, str(purchase.payment_id))  # a late charge is refunded, not activated
    assert not is_member(rt, consumer)
    assert membership.buy_membership(rt, consumer).id != purchase.id


def test_a_free_tier_activates_at_once_without_a_payment(rt: Runtime, consumer: Principal) -> None:
    rated(rt, consumer, 820)
    purchase = membership.buy_membership(rt, consumer)
    assert (purchase.status, purchase.price, purchase.payment_id) == (MembershipStatus.ACTIVE, 0, None)
    assert is_member(rt, consumer)


def test_the_operator_sets_the_price_table_and_the_quote_follows(rt: Runtime, consumer: Principal,
                                                                 operator: Principal) -> None:
    rated(rt, consumer, 640)
    membership.set_price_table(rt, operator, [PriceTier(0, 9900), PriceTier(620, 5000), PriceTier(900, 0)])
    assert membership.price_table(rt) == (PriceTier(0, 9900), PriceTier(620, 5000), PriceTier(900, 0))
    assert membership.membership_overview(rt, consumer).quote == PriceTier(620, 5000)
    assert membership.buy_membership(rt, consumer).price == 5000


@pytest.mark.parametrize("tiers", [
    [], [PriceTier(10, 100)], [PriceTier(0, 100), PriceTier(0, 50)], [PriceTier(0, 100), PriceTier(500, 50),
                                                                      PriceTier(400, 10)],
    [PriceTier(0, -1)]])
def test_a_price_table_that_does_not_start_at_zero_or_increase_is_refused(rt: Runtime, operator: Principal,
                                                                          tiers: list[PriceTier]) -> None:
    with pytest.raises(PriceTableInvalid):
        membership.set_price_table(rt, operator, tiers)
    assert rows(rt, membership_price_tiers) == []


def test_only_operators_set_the_price_table(rt: Runtime, consumer: Principal) -> None:
    with pytest.raises(AccessDenied):
        membership.set_price_table(rt, consumer, [PriceTier(0, 1)])
    assert rows(rt, membership_price_tiers) == []


def test_the_ledger_verifies_clean_after_membership_purchases(rt: Runtime, consumer: Principal,
                                                              operator: Principal) -> None:
    capture(rt, str(membership.buy_membership(rt, consumer).payment_id))
    capture(rt, str(membership.buy_membership(rt, consumer).payment_id))
    late = membership.buy_membership(rt, consumer)
    run_jobs(rt, timedelta(minutes=16))
    capture(rt, str(late.payment_id))
    assert trade.verify_ledger(rt) == []
    balances = {a.account: a.balance for a in payments.ledger_accounts(rt, operator)}
    assert (balances["revenue:sales"], balances["escrow"]) == (-17600, 0)


def test_paying_through_the_sandbox_whose_callback_arrives_twice_activates_once(rt: Runtime,
                                                                                consumer: Principal) -> None:
    purchase = membership.buy_membership(rt, consumer)
    start = payments.start_payment(rt, consumer, str(purchase.payment_id))
    payments.gateway_decide(rt, consumer, start.redirect_url.rsplit("/", 1)[-1], approve=True)
    assert run_jobs(rt, timedelta(seconds=5)) == 2  # the gateway's notice and its duplicate
    assert [(r[0], r[2]) for r in rows(rt, memberships)] == [(purchase.id, "active")]
    assert membership.membership_overview(rt, consumer).member_until == datetime(2027, 11, 11, 10, 0, 5, tzinfo=UTC)
    assert trade.verify_ledger(rt) == []
