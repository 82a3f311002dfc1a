"""The paid yearly membership: the price follows the consumer's credit score through the operator's price table,
buying (the price is quoted and fixed at purchase), and activation when the payment is captured."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mercato.audit import service as audit
from mercato.credit import service as credit
from mercato.kernel.errors import AccessDenied
from mercato.kernel.idempotency import remember, replay
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.membership._purchases import activate_in, open_pending_in, start_purchase_in
from mercato.membership.model import (
    DEFAULT_PRICE_TABLE,
    MembershipOverview,
    PriceTier,
    Purchase,
    check_price_table,
    next_tier,
    one_year_after,
    price_for,
)
from mercato.membership.repo import MembershipRepo, SettingsRepo, memberships_repo

BUY_SCOPE = "membership.buy"


def is_member_in(uow: UnitOfWork, consumer_id: str, now: datetime) -> bool:
    """A paid membership is in force for the consumer at `now`."""
    return MembershipRepo(uow.conn).in_force(consumer_id, now)


def price_score_in(uow: UnitOfWork, consumer_id: str) -> int:
    """What the membership price depends on: the consumer's credit score (a consumer not rated yet stands at the
    base score). The one place that says so."""
    return credit.score_value_in(uow, consumer_id)


def price_table_in(uow: UnitOfWork) -> tuple[PriceTier, ...]:
    """The operator's table; the default until an operator sets one."""
    return tuple(SettingsRepo(uow.conn).tiers()) or DEFAULT_PRICE_TABLE


def price_table(rt: Runtime) -> tuple[PriceTier, ...]:
    with rt.uow(read_only=True) as uow:
        return price_table_in(uow)


def set_price_table(rt: Runtime, principal: Principal, tiers: Sequence[PriceTier]) -> tuple[PriceTier, ...]:
    """The operator replaces the price table (tiers from score 0, increasing; prices 0 or more). Audited."""
    _require_operator(principal)
    table = check_price_table(tiers)
    now = rt.clock.now()
    with rt.uow() as uow:
        before = price_table_in(uow)
        SettingsRepo(uow.conn).replace_tiers(table, now)
        detail = {"from": [[t.min_score, t.price] for t in before], "to": [[t.min_score, t.price] for t in table]}
        audit.record(uow, principal, "membership.prices.set", "membership_prices", "default", detail, now)
        uow.commit()
    return table


def _require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may do this")


def membership_overview(rt: Runtime, principal: Principal) -> MembershipOverview:
    """Whether the consumer is a member and until when, their credit score and the price they would pay now."""
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        return _overview_in(uow, principal.user_id, now)


def _overview_in(uow: UnitOfWork, consumer_id: str, now: datetime) -> MembershipOverview:
    repo, score, table = memberships_repo(uow.conn), price_score_in(uow, consumer_id), price_table_in(uow)
    until = repo.paid_until(consumer_id, now) if repo.in_force(consumer_id, now) else None
    pending = open_pending_in(uow, repo, consumer_id, now)
    return MembershipOverview(member_until=until, score=score, quote=price_for(score, table),
                              next_tier=next_tier(score, table), pending=pending)


def buy_membership(rt: Runtime, principal: Principal, idempotency_key: str | None = None) -> Purchase:
    """Buy (or, while one is in force, extend by) one year at the price the consumer's credit score gives now. A free
    tier activates at once; otherwise the purchase waits for its payment (`payment_id`), which the consumer pays
    on the pay page. An unpaid purchase still open is returned again instead of a second one."""
    now = rt.clock.now()
    with rt.uow() as uow:
        stored = replay(uow, owner=principal.user_id, scope=BUY_SCOPE, key=idempotency_key, request={}, now=now)
        if stored is not None:
            found = memberships_repo(uow.conn).get(str(stored["id"]))
            assert found is not None
            return found
        purchase = open_pending_in(uow, memberships_repo(uow.conn), principal.user_id, now) or \
            _buy_in(rt, uow, principal.user_id, now)
        remember(uow, owner=principal.user_id, scope=BUY_SCOPE, key=idempotency_key, request={},
                 response={"id": purchase.id})
        uow.commit()
    return purchase


def _buy_in(rt: Runtime, uow: UnitOfWork, consumer_id: str, now: datetime) -> Purchase:
    score = price_score_in(uow, consumer_id)
    tier = price_for(score, price_table_in(uow))
    purchase = start_purchase_in(rt, uow, "membership", consumer_id, tier.price, now, points=score)
    if tier.price == 0:
        activated = activate_in(memberships_repo(uow.conn), purchase, one_year_after, now)
        assert activated is not None
        return activated
    return purchase


def activate_membership_in(uow: UnitOfWork, purchase: Purchase, now: datetime) -> Purchase | None:
    """Its payment was captured: the year starts now, or when the year in force ends."""
    return activate_in(memberships_repo(uow.conn), purchase, one_year_after, now)
