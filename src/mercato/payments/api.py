"""The payments HTTP API under /api/v1: paying, the gateway's signed callback, the merchant's balance and payouts,
and the operator's payments and ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from mercato.kernel.http import ERROR_RESPONSES, idempotency_key, require_operator, require_principal, runtime
from mercato.kernel.pagination import MAX_PAGE_SIZE
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments import service
from mercato.payments.model import (
    MAX_PAYOUT,
    AccountBalance,
    CallbackMalformed,
    LedgerProblem,
    MerchantBalance,
    PaymentView,
    PayoutView,
    PostedEntry,
)

router = APIRouter(tags=["payments"], responses=ERROR_RESPONSES)

Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
MAX_CALLBACK_BYTES = 16_384


class PartRead(BaseModel):
    order_id: str
    store_id: str
    amount: int
    commission: int | None
    status: str


class PaymentRead(BaseModel):
    id: str
    consumer_id: str
    amount: int
    currency: str
    status: str
    provider: str
    created_at: datetime
    expires_at: datetime
    captured_at: datetime | None
    closed_at: datetime | None
    parts: list[PartRead]

    @classmethod
    def of(cls, p: PaymentView) -> PaymentRead:
        return cls(id=p.id, consumer_id=p.consumer_id, amount=p.amount, currency=p.currency, status=p.status.value,
                   provider=p.provider, created_at=p.created_at, expires_at=p.expires_at, captured_at=p.captured_at,
                   closed_at=p.closed_at,
                   parts=[PartRead(order_id=x.order_id, store_id=x.store_id, amount=x.amount,
                                   commission=x.commission, status=x.status.value) for x in p.parts])


class PaymentPage(BaseModel):
    items: list[PaymentRead]
    next_cursor: str | None


class PaymentStartRead(BaseModel):
    payment_id: str
    redirect_url: str


class CallbackRead(BaseModel):
    event_id: str
    outcome: str


class BalanceRead(BaseModel):
    store_id: str
    pending: int
    available: int
    paid_out: int
    owed: int = Field(description="What the store owes the platform after refunds its balance could not cover; "
                      "recovered first from its next settlements, and never paid out")

    @classmethod
    def of(cls, b: MerchantBalance) -> BalanceRead:
        return cls(store_id=b.store_id, pending=b.pending, available=b.available, paid_out=b.paid_out,
                   owed=b.owed)


class PayoutRead(BaseModel):
    id: str
    store_id: str
    amount: int
    status: str
    requested_by: str
    created_at: datetime

    @classmethod
    def of(cls, p: PayoutView) -> PayoutRead:
        return cls(id=p.id, store_id=p.store_id, amount=p.amount, status=p.status, requested_by=p.requested_by,
                   created_at=p.created_at)


class PayoutPage(BaseModel):
    items: list[PayoutRead]
    next_cursor: str | None


class PayoutCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    amount: int = Field(gt=0, le=MAX_PAYOUT, description="fen")


class AccountRead(BaseModel):
    account: str
    balance: int

    @classmethod
    def of(cls, a: AccountBalance) -> AccountRead:
        return cls(account=a.account, balance=a.balance)


class LineRead(BaseModel):
    account: str
    store_id: str | None
    amount: int


class EntryRead(BaseModel):
    id: str
    source: str
    kind: str
    memo: str
    created_at: datetime
    lines: list[LineRead]

    @classmethod
    def of(cls, e: PostedEntry) -> EntryRead:
        return cls(id=e.id, source=e.source, kind=e.kind, memo=e.memo, created_at=e.created_at,
                   lines=[LineRead(account=x.account, store_id=x.store_id, amount=x.amount) for x in e.lines])


class EntryPage(BaseModel):
    items: list[EntryRead]
    next_cursor: str | None


class ProblemRead(BaseModel):
    check: str
    where: str
    detail: str
    expected: int | None
    actual: int | None

    @classmethod
    def of(cls, p: LedgerProblem) -> ProblemRead:
        return cls(check=p.check, where=p.where, detail=p.detail, expected=p.expected, actual=p.actual)


class VerifyRead(BaseModel):
    ok: bool
    problems: list[ProblemRead]


# --- paying ---------------------------------------------------------------------------------------------------------

@router.post("/payments/{payment_id}/pay", response_model=PaymentStartRead)
def pay(payment_id: str, rt: Runtime = Depends(runtime), principal: Principal = Depends(require_principal),
        key: str | None = Depends(idempotency_key)) -> PaymentStartRead:
    """Start paying one's own open payment at the provider; send the browser to `redirect_url`.

    409 `payment_not_open` when it is closed, captured or expired; someone else's payment is 404.
    """
    start = service.start_payment(rt, principal, payment_id, key)
    return PaymentStartRead(payment_id=start.payment_id, redirect_url=start.redirect_url)


@router.get("/payments/{payment_id}", response_model=PaymentRead)
def read_payment(payment_id: str, rt: Runtime = Depends(runtime),
                 principal: Principal = Depends(require_principal)) -> PaymentRead:
    """One's own payment with its parts (operators: any payment)."""
    return PaymentRead.of(service.get_payment(rt, principal, payment_id))


@router.post("/payments/callbacks/sandbox", response_model=CallbackRead)
async def sandbox_callback(request: Request, rt: Runtime = Depends(runtime),
                           signature: Annotated[str | None, Header(alias="Mercato-Signature", max_length=400)] = None,
                           ) -> CallbackRead:
    """The sandbox gateway's asynchronous notice, authenticated by its signature (no login): HMAC-SHA256 over
    `<t>.<body>` in `Mercato-Signature: t=<unix>,v1=<hex>`. A forged signature is 400 `callback_signature_invalid`,
    a timestamp more than five minutes away 400 `callback_replayed`; the same event twice is 200 and no change."""
    body = await request.body()
    if len(body) > MAX_CALLBACK_BYTES:
        raise CallbackMalformed("The callback body is too large")
    result = service.receive_callback(rt, body, signature)
    return CallbackRead(event_id=result.event_id, outcome=result.outcome)


# --- the merchant -------------------------------------------------------------------------------------------------

@router.get("/stores/{store_id}/balance", response_model=BalanceRead)
def store_balance(store_id: str, rt: Runtime = Depends(runtime),
                  principal: Principal = Depends(require_principal)) -> BalanceRead:
    """The store's money: pending in escrow, available to withdraw, paid out (staff with the orders permission)."""
    return BalanceRead.of(service.merchant_balance(rt, principal, store_id))


@router.get("/stores/{store_id}/payouts", response_model=PayoutPage)
def list_payouts(store_id: str, cursor: Cursor = None, limit: Limit = 50, rt: Runtime = Depends(runtime),
                 principal: Principal = Depends(require_principal)) -> PayoutPage:
    page = service.store_payouts(rt, principal, store_id, cursor, limit)
    return PayoutPage(items=[PayoutRead.of(p) for p in page.items], next_cursor=page.next_cursor)


@router.post("/stores/{store_id}/payouts", response_model=PayoutRead, status_code=201)
def create_payout(store_id: str, body: PayoutCreate, rt: Runtime = Depends(runtime),
                  principal: Principal = Depends(require_principal),
                  key: str | None = Depends(idempotency_key)) -> PayoutRead:
    """Withdraw from the available balance; more than available is 409 `payout_exceeds_available`. Send an
    Idempotency-Key: a retry returns the first payout, the same key with another amount is 409."""
    return PayoutRead.of(service.request_payout(rt, principal, store_id, body.amount, key))


# --- the operator ---------------------------------------------------------------------------------------------------

@router.get("/ops/payments", response_model=PaymentPage)
def ops_payments(status: Annotated[str | None, Query(max_length=16)] = None, cursor: Cursor = None,
                 limit: Limit = 50, rt: Runtime = Depends(runtime),
                 principal: Principal = Depends(require_operator)) -> PaymentPage:
    page = service.all_payments(rt, principal, cursor, limit, status)
    return PaymentPage(items=[PaymentRead.of(p) for p in page.items], next_cursor=page.next_cursor)


@router.get("/ops/ledger/accounts", response_model=list[AccountRead])
def ops_ledger_accounts(rt: Runtime = Depends(runtime),
                        principal: Principal = Depends(require_operator)) -> list[AccountRead]:
    """Every account's balance, debit positive (escrow and merchant accounts are credits: negative)."""
    return [AccountRead.of(a) for a in service.ledger_accounts(rt, principal)]


@router.get("/ops/ledger/entries", response_model=EntryPage)
def ops_ledger_entries(account: Annotated[str | None, Query(max_length=64)] = None, cursor: Cursor = None,
                       limit: Limit = 50, rt: Runtime = Depends(runtime),
                       principal: Principal = Depends(require_operator)) -> EntryPage:
    page = service.ledger_entries(rt, principal, cursor, limit, account)
    return EntryPage(items=[EntryRead.of(e) for e in page.items], next_cursor=page.next_cursor)


@router.get("/ops/ledger/verify", response_model=VerifyRead)
def ops_ledger_verify(rt: Runtime = Depends(runtime),
                      principal: Principal = Depends(require_operator)) -> VerifyRead:
    """The payments checks of the ledger (conservation, escrow against held parts, merchant balances)."""
    problems = service.verify_ledger(rt, principal)
    return VerifyRead(ok=not problems, problems=[ProblemRead.of(p) for p in problems])
