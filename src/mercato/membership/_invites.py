"""Invite a friend: each consumer has an invite code; a new consumer accepts one (before their first paid order);
after the friend's first paid order both get the operator's vouchers, unless the order's address or payer matches
the inviter's own or one of the inviter's friends already rewarded. One invitation per friend, ever."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from mercato.audit import service as audit
from mercato.kernel import jobs
from mercato.kernel.errors import AccessDenied
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.membership._purchases import check_vouchers_exist, grants_json, grants_of, issue_grants_in
from mercato.membership.model import (
    NO_INVITE_REWARDS,
    Invitation,
    InvitationExists,
    InvitationStatus,
    InviteCodeUnknown,
    InviteOverview,
    InvitePlan,
    InvitePlanInvalid,
    InviteSelf,
    InviteTooLate,
    VoucherGrant,
    check_grants,
    refusal,
)
from mercato.membership.repo import InviteRepo, KeyRepo, SettingsRepo
from mercato.payments import service as payments

REWARD_JOB = "membership.invite_reward"
PLAN = "invite"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and typed
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def invite_plan_in(uow: UnitOfWork) -> InvitePlan:
    value = SettingsRepo(uow.conn).get(PLAN)
    return InvitePlan(grants_of(value["inviter"]), grants_of(value["invitee"])) if value else NO_INVITE_REWARDS


def invite_plan(rt: Runtime) -> InvitePlan:
    with rt.uow(read_only=True) as uow:
        return invite_plan_in(uow)


def set_invite_plan(rt: Runtime, principal: Principal, inviter: Iterable[VoucherGrant],
                    invitee: Iterable[VoucherGrant]) -> InvitePlan:
    """The operator chooses the vouchers the inviter and the friend each get. Audited."""
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may do this")
    plan = InvitePlan(check_grants(inviter, InvitePlanInvalid), check_grants(invitee, InvitePlanInvalid))
    check_vouchers_exist(rt, principal, plan.inviter + plan.invitee, InvitePlanInvalid)
    now = rt.clock.now()
    value = {"inviter": grants_json(plan.inviter), "invitee": grants_json(plan.invitee)}
    with rt.uow() as uow:
        SettingsRepo(uow.conn).put(PLAN, value, now)
        audit.record(uow, principal, "membership.invite.set", "membership_settings", PLAN, value, now)
        uow.commit()
    return plan


def _code_in(uow: UnitOfWork, consumer_id: str, now: datetime) -> str:
    repo = InviteRepo(uow.conn)
    while (code := repo.code_of(consumer_id)) is None:
        repo.add_code(consumer_id, new_code(), now)  # a clash with another's code (1 in 32^8) just tries again
    return code


def invite_overview(rt: Runtime, principal: Principal) -> InviteOverview:
    """The consumer's invite code (made on first use), how many friends accepted and were rewarded, and the
    invitation they accepted themselves."""
    with rt.uow() as uow:
        repo, code = InviteRepo(uow.conn), _code_in(uow, principal.user_id, rt.clock.now())
        invited, rewarded = repo.counts(principal.user_id)
        overview = InviteOverview(code, invited, rewarded, repo.of_invitee(principal.user_id))
        uow.commit()
    return overview


def inviter_of_code(rt: Runtime, code: str) -> str:
    """The consumer id behind an invite code (unknown: `invite_code_unknown`)."""
    with rt.uow(read_only=True) as uow:
        return _inviter_in(uow, code)


def _inviter_in(uow: UnitOfWork, code: str) -> str:
    inviter = InviteRepo(uow.conn).owner_of(code.strip().upper()) if 0 < len(code) <= 16 else None
    if inviter is None:
        raise InviteCodeUnknown(field="code")
    return inviter


def accept_invitation(rt: Runtime, principal: Principal, code: str) -> Invitation:
    """A new consumer accepts a friend's invitation: not their own, only one ever, and only before their first
    paid order (the reward is for bringing a new customer)."""
    now = rt.clock.now()
    with rt.uow() as uow:
        inviter = _inviter_in(uow, code)
        if inviter == principal.user_id:
            raise InviteSelf(field="code")
        if payments.has_paid_order_in(uow, principal.user_id):
            raise InviteTooLate()
        repo = InviteRepo(uow.conn)
        if not repo.accept(principal.user_id, inviter, now):
            raise InvitationExists()
        invitation = repo.of_invitee(principal.user_id)
        uow.commit()
    assert invitation is not None
    return invitation


def on_orders_paid_in(rt: Runtime, uow: UnitOfWork, *, consumer_id: str, address_key: str, payer_key: str | None,
                      now: datetime) -> None:
    """Trade says a consumer's orders were paid (inside the capture's unit of work), with the shipping address's
    key and the payer's (None when the gateway names no paying account). The keys are remembered for the invite
    rules; a friend's first paid order decides their invitation, once."""
    keys = [key for key in (address_key, payer_key) if key]
    invitation = InviteRepo(uow.conn).of_invitee(consumer_id)
    if invitation is not None and invitation.status is InvitationStatus.ACCEPTED:
        _decide_in(uow, invitation, address_key, payer_key, now)
    KeyRepo(uow.conn).add(consumer_id, keys, now)


def _decide_in(uow: UnitOfWork, invitation: Invitation, address_key: str, payer_key: str | None,
               now: datetime) -> None:
    repo = InviteRepo(uow.conn)
    taken = KeyRepo(uow.conn).of(invitation.inviter_id) | repo.rewarded_keys(invitation.inviter_id)
    reason = refusal(address_key, payer_key, taken)
    status = InvitationStatus.REFUSED if reason else InvitationStatus.REWARDED
    if repo.decide(invitation.invitee_id, status, reason.value if reason else None, address_key, payer_key, now) \
            and status is InvitationStatus.REWARDED:
        jobs.enqueue(uow, REWARD_JOB, {"invitee_id": invitation.invitee_id}, now=now,
                     key=f"{REWARD_JOB}:{invitation.invitee_id}")


def reward_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """Job `membership.invite_reward`: issue both rewards of a rewarded invitation, once (issued_at decides)."""
    now = rt.clock.now()
    with rt.uow() as uow:
        repo = InviteRepo(uow.conn)
        invitation = repo.of_invitee(str(payload["invitee_id"]))
        if invitation is not None and repo.mark_issued(invitation.invitee_id, now):
            plan = invite_plan_in(uow)
            issue_grants_in(uow, invitation.inviter_id, plan.inviter, "invite", now)
            issue_grants_in(uow, invitation.invitee_id, plan.invitee, "invite", now)
        uow.commit()
