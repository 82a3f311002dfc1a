"""Invite a friend through the membership service, on both databases: both get vouchers after the friend's first
paid order (a real order through trade), once; and each anti-abuse rule refusing with nothing issued."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from membership_helpers import held, rows, run_jobs, snapshot, voucher

from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.membership import service as membership
from mercato.membership.model import (
    InvitationExists,
    InvitationStatus,
    InviteCodeUnknown,
    InviteSelf,
    InviteTooLate,
    VoucherGrant,
    address_key,
)
from mercato.membership.tables import invitations
from mercato.trade import service as trade
from support import person
from trade.trade_helpers import World, build_world, capture, preview_and_place

HOME = address_key("Zhejiang", "Hangzhou", "1 West Lake Road")
NOW = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)


@pytest.fixture
def rewards(rt: Runtime, operator: Principal) -> tuple[str, str]:
    """The inviter gets 2 x ¥10 off, the friend 1 x ¥5 off."""
    for_inviter, for_friend = voucher(rt, amount=1000, threshold=5000), voucher(rt)
    membership.set_invite_plan(rt, operator, [VoucherGrant(for_inviter, 2)], [VoucherGrant(for_friend, 1)])
    return for_inviter, for_friend


def code_of(rt: Runtime, who: Principal) -> str:
    return membership.invite_overview(rt, who).code


def paid(rt: Runtime, who: Principal, address: str = HOME, payer: str | None = None) -> None:
    """Trade tells membership the consumer's orders were paid (what on_payment_captured does)."""
    with rt.uow() as uow:
        membership.on_orders_paid_in(rt, uow, consumer_id=who.user_id, address_key=address, payer_key=payer,
                                     now=rt.clock.now())
        uow.commit()


def status_of(rt: Runtime, who: Principal) -> tuple[InvitationStatus, str | None]:
    invitation = membership.invite_overview(rt, who).accepted
    assert invitation is not None
    return invitation.status, invitation.reason


def test_both_get_their_vouchers_after_the_friends_first_paid_order(
        rt: Runtime, consumer: Principal, rewards: tuple[str, str]) -> None:
    world: World = build_world(rt, prefix="w-")
    membership.accept_invitation(rt, world.buyer, code_of(rt, consumer))
    trade.add_to_cart(rt, world.buyer, world.shops["tea"].skus[0], 1)
    placed = preview_and_place(rt, world)
    run_jobs(rt)
    assert held(rt, consumer.user_id) == []
    capture(rt, placed.payment_id)
    run_jobs(rt)
    for_inviter, for_friend = rewards
    assert held(rt, consumer.user_id) == [(for_inviter, "invite")] * 2
    assert held(rt, world.buyer.user_id) == [(for_friend, "invite")]
    assert status_of(rt, world.buyer) == (InvitationStatus.REWARDED, None)
    assert (membership.invite_overview(rt, consumer).invited, membership.invite_overview(rt, consumer).rewarded) == \
        (1, 1)
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 1)
    second = preview_and_place(rt, world)
    capture(rt, second.payment_id)
    membership.reward_job(rt, {"invitee_id": world.buyer.user_id})
    run_jobs(rt)
    assert len(held(rt, consumer.user_id) + held(rt, world.buyer.user_id)) == 3


def test_the_inviter_cannot_accept_their_own_code(rt: Runtime, consumer: Principal) -> None:
    code = code_of(rt, consumer)
    with pytest.raises(InviteSelf):
        membership.accept_invitation(rt, consumer, code)
    assert rows(rt, invitations) == []


def test_an_unknown_code_is_refused(rt: Runtime, friend: Principal) -> None:
    with pytest.raises(InviteCodeUnknown):
        membership.accept_invitation(rt, friend, "NOSUCH22")
    assert rows(rt, invitations) == []


def test_a_friend_accepts_one_invitation_ever(rt: Runtime, consumer: Principal, friend: Principal) -> None:
    other = person(rt, "third@example.com")
    membership.accept_invitation(rt, friend, code_of(rt, consumer))
    before = snapshot(rt)
    for code in (code_of(rt, consumer), code_of(rt, other)):
        with pytest.raises(InvitationExists):
            membership.accept_invitation(rt, friend, code)
    assert snapshot(rt) == before


def test_a_consumer_who_already_paid_an_order_cannot_accept(rt: Runtime, consumer: Principal) -> None:
    world = build_world(rt, prefix="w-")
    trade.add_to_cart(rt, world.buyer, world.shops["tea"].skus[0], 1)
    capture(rt, preview_and_place(rt, world).payment_id)
    with pytest.raises(InviteTooLate):
        membership.accept_invitation(rt, world.buyer, code_of(rt, consumer))
    assert rows(rt, invitations) == []


def test_no_reward_when_the_friend_ships_to_the_inviters_address(
        rt: Runtime, consumer: Principal, friend: Principal, rewards: tuple[str, str]) -> None:
    paid(rt, consumer, address_key("zhejiang", "HANGZHOU", " 1 west-lake road "))
    membership.accept_invitation(rt, friend, code_of(rt, consumer))
    paid(rt, friend, HOME)
    run_jobs(rt)
    assert status_of(rt, friend) == (InvitationStatus.REFUSED, "address_matches")
    assert held(rt, consumer.user_id) + held(rt, friend.user_id) == []


def test_no_reward_when_the_address_is_another_rewarded_friends(
        rt: Runtime, consumer: Principal, friend: Principal, rewards: tuple[str, str]) -> None:
    membership.accept_invitation(rt, friend, code_of(rt, consumer))
    paid(rt, friend, HOME)
    second = person(rt, "second-friend@example.com")
    membership.accept_invitation(rt, second, code_of(rt, consumer))
    paid(rt, second, HOME)
    run_jobs(rt)
    assert status_of(rt, second) == (InvitationStatus.REFUSED, "address_matches")
    assert len(held(rt, consumer.user_id)) == 2  # the first friend's reward only
    assert held(rt, second.user_id) == []


def test_no_reward_when_the_payer_is_the_inviters_or_another_rewarded_friends(
        rt: Runtime, consumer: Principal, friend: Principal, rewards: tuple[str, str]) -> None:
    paid(rt, consumer, address_key("Beijing", "Beijing", "2 Chang'an Avenue"), payer="card:4111")
    membership.accept_invitation(rt, friend, code_of(rt, consumer))
    paid(rt, friend, HOME, payer="card:4111")
    second, third = person(rt, "second-friend@example.com"), person(rt, "third-friend@example.com")
    membership.accept_invitation(rt, second, code_of(rt, consumer))
    paid(rt, second, address_key("Jiangsu", "Suzhou", "9 Canal Street"), payer="card:5500")
    membership.accept_invitation(rt, third, code_of(rt, consumer))
    paid(rt, third, address_key("Sichuan", "Chengdu", "3 Panda Road"), payer="card:5500")
    run_jobs(rt)
    assert [status_of(rt, who) for who in (friend, second, third)] == [
        (InvitationStatus.REFUSED, "payer_matches"), (InvitationStatus.REWARDED, None),
        (InvitationStatus.REFUSED, "payer_matches")]
    assert (len(held(rt, consumer.user_id)), held(rt, friend.user_id), held(rt, third.user_id)) == (2, [], [])


def test_a_refused_invitation_is_not_decided_again_by_a_later_order(
        rt: Runtime, consumer: Principal, friend: Principal, rewards: tuple[str, str]) -> None:
    paid(rt, consumer, HOME)
    membership.accept_invitation(rt, friend, code_of(rt, consumer))
    paid(rt, friend, HOME)
    paid(rt, friend, address_key("Tibet", "Lhasa", "1 Potala Road"))
    run_jobs(rt)
    assert status_of(rt, friend) == (InvitationStatus.REFUSED, "address_matches")
    assert held(rt, friend.user_id) == []
