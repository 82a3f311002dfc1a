"""The merchant's money: its balance (pending in escrow, available, paid out, owed) and withdrawals of the available
balance through the provider's payout, limited by a conditional update so concurrent payouts never overdraw and
never pay out what the store owes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mercato.audit import service as audit
from mercato.kernel.idempotency import remember, replay
from mercato.kernel.idgen import new_id
from mercato.kernel.pagination import Page, clamp_limit, decode_id_cursor, page_by_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.payments._escrow import post_entry_in
from mercato.payments.model import (
    MerchantBalance,
    PayoutExceedsAvailable,
    PayoutView,
    check_payout_amount,
    payout_entry,
)
from mercato.payments.provider import DEFAULT_PROVIDER, provider_named
from mercato.payments.repo import BalanceRepo, DebtRepo, PaymentRepo, PayoutRepo
from mercato.stores import service as stores
from mercato.stores.model import Permission, StoreView

# Withdrawing money is order money: staff need the orders permission (there is no separate finance permission).
FINANCE = Permission.ORDERS
PAYOUT_SCOPE = "payments.payout"


def balance_in(uow: UnitOfWork, store_id: str) -> MerchantBalance:
    return MerchantBalance(store_id=store_id, pending=PaymentRepo(uow.conn).held_total(store_id),
                           available=BalanceRepo(uow.conn).available(store_id),
                           paid_out=PayoutRepo(uow.conn).total(store_id), owed=DebtRepo(uow.conn).owed(store_id))


def finance_stores(rt: Runtime, principal: Principal) -> list[StoreView]:
    """The stores whose money the principal may see and withdraw."""
    return [m.store for m in stores.my_stores(rt, principal) if FINANCE in m.permissions]


def merchant_balance(rt: Runtime, principal: Principal, store_id: str) -> MerchantBalance:
    with rt.uow(read_only=True) as uow:
        stores.require_staff_in(uow, principal, store_id, FINANCE)
        return balance_in(uow, store_id)


def store_payouts(rt: Runtime, principal: Principal, store_id: str, cursor: str | None = None,
                  limit: int | None = None) -> Page[PayoutView]:
    size = clamp_limit(limit, default=50)
    with rt.uow(read_only=True) as uow:
        stores.require_staff_in(uow, principal, store_id, FINANCE)
        rows = PayoutRepo(uow.conn).page(store_id, before=decode_id_cursor(cursor), limit=size + 1)
    return page_by_id(rows, size)


def _payout_dict(payout: PayoutView) -> dict[str, Any]:
    return {"id": payout.id, "store_id": payout.store_id, "amount": payout.amount, "status": payout.status,
            "requested_by": payout.requested_by, "created_at": payout.created_at.isoformat()}


def _payout_of(stored: dict[str, Any]) -> PayoutView:
    return PayoutView(id=str(stored["id"]), store_id=str(stored["store_id"]), amount=int(stored["amount"]),
                      status=str(stored["status"]), requested_by=str(stored["requested_by"]),
                      created_at=datetime.fromisoformat(str(stored["created_at"])))


def request_payout(rt: Runtime, principal: Principal, store_id: str, amount: int,
                   idempotency_key: str | None = None) -> PayoutView:
    """Withdraw `amount` of the available balance to the merchant's bank account (the sandbox pays at once).

    More than available is refused (409 `payout_exceeds_available`) with nothing changed. A retry with the same
    Idempotency-Key returns the first payout; the same key with another amount is refused.
    """
    check_payout_amount(amount)
    now = rt.clock.now()
    request = {"store_id": store_id, "amount": amount}
    with rt.uow() as uow:
        stores.require_staff_in(uow, principal, store_id, FINANCE)
        stored = replay(uow, owner=store_id, scope=PAYOUT_SCOPE, key=idempotency_key, request=request, now=now)
        if stored is not None:
            return _payout_of(stored)
        if not BalanceRepo(uow.conn).debit(store_id, amount, now, keep_owed=True):  # money owed is not paid out
            available = BalanceRepo(uow.conn).available(store_id) - DebtRepo(uow.conn).owed(store_id)
            raise PayoutExceedsAvailable(available=max(available, 0), amount=amount)
        payout = PayoutView(id=new_id(), store_id=store_id, amount=amount, status="paid",
                            requested_by=principal.user_id, created_at=now)
        PayoutRepo(uow.conn).insert(payout)
        entry = payout_entry(payout.id, store_id, amount)
        post_entry_in(uow, entry, now)
        provider_named(DEFAULT_PROVIDER).payout(uow, reference=entry.source, amount=amount, now=now)
        audit.record(uow, principal, "payments.payout", "store", store_id, {"payout_id": payout.id,
                                                                             "amount": amount}, now)
        remember(uow, owner=store_id, scope=PAYOUT_SCOPE, key=idempotency_key, request=request,
                 response=_payout_dict(payout))
        uow.commit()
    return payout
