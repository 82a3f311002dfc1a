"""Paying: the consumer starts a payment at the provider, decides on the sandbox gateway's page, and the gateway's
signed callback (delivered by a durable job, possibly twice or late) captures the money into escrow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mercato.kernel.idempotency import remember, replay
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.payments._escrow import capture_in
from mercato.payments.model import (
    CallbackResult,
    CaptureOutcome,
    GatewayEvent,
    PaymentNotFound,
    PaymentStart,
    PaymentView,
    SandboxSession,
    check_payable,
)
from mercato.payments.provider import PaymentProvider, provider_named
from mercato.payments.repo import CallbackRepo, PaymentRepo
from mercato.payments.sandbox import NAME as SANDBOX
from mercato.payments.sandbox import SandboxGateway
from mercato.stores import service as stores
from mercato.stores.model import StoreView

PAY_SCOPE = "payments.pay"


def sandbox(rt: Runtime) -> SandboxGateway:
    settings = rt.settings
    return SandboxGateway(settings.resolved_secret_key(), delay_seconds=settings.sandbox_callback_delay_seconds,
                          duplicates=settings.sandbox_duplicate_callbacks)


def provider_of(rt: Runtime, name: str) -> PaymentProvider:
    return provider_named(name, rt.settings)


# --- the consumer --------------------------------------------------------------------------------------------------

def _own_payment_in(uow: UnitOfWork, principal: Principal, payment_id: str) -> PaymentView:
    payment = PaymentRepo(uow.conn).get(payment_id)
    if payment is None or payment.consumer_id != principal.user_id:
        raise PaymentNotFound(field="payment_id")
    return payment


def get_payment(rt: Runtime, principal: Principal, payment_id: str) -> PaymentView:
    """The consumer's own payment (someone else's is not found); operators may read any."""
    with rt.uow(read_only=True) as uow:
        if principal.is_operator:
            payment = PaymentRepo(uow.conn).get(payment_id)
            if payment is None:
                raise PaymentNotFound(field="payment_id")
            return payment
        return _own_payment_in(uow, principal, payment_id)


def payment_page(rt: Runtime, principal: Principal, payment_id: str) -> tuple[PaymentView, dict[str, StoreView]]:
    """The consumer's own payment and the stores its parts are for (for the pay page)."""
    with rt.uow(read_only=True) as uow:
        payment = _own_payment_in(uow, principal, payment_id)
        return payment, stores.stores_by_ids_in(uow, {part.store_id for part in payment.parts})


def start_payment(rt: Runtime, principal: Principal, payment_id: str,
                  idempotency_key: str | None = None) -> PaymentStart:
    """Open a checkout at the payment's provider; where to send the browser. Only the consumer's own payment
    (someone else's: 404) while it is open and unexpired (else 409 `payment_not_open`). A retry with the same
    Idempotency-Key returns the same checkout."""
    now = rt.clock.now()
    request = {"payment_id": payment_id}
    with rt.uow() as uow:
        stored = replay(uow, owner=principal.user_id, scope=PAY_SCOPE, key=idempotency_key, request=request, now=now)
        if stored is not None:
            return PaymentStart(payment_id=str(stored["payment_id"]), redirect_url=str(stored["redirect_url"]))
        payment = check_payable(PaymentRepo(uow.conn).lock(payment_id), principal.user_id, now)
        url = provider_of(rt, payment.provider).start(uow, payment, now)
        result = PaymentStart(payment_id=payment.id, redirect_url=url)
        remember(uow, owner=principal.user_id, scope=PAY_SCOPE, key=idempotency_key, request=request,
                 response={"payment_id": result.payment_id, "redirect_url": result.redirect_url})
        uow.commit()
    return result


# --- the sandbox gateway's page ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class GatewayCheckout:
    """What the gateway's page shows: the session and the payment it is for."""

    session: SandboxSession
    payment: PaymentView


def gateway_checkout(rt: Runtime, principal: Principal, session_id: str) -> GatewayCheckout:
    """The session, for the consumer who owns its payment (anyone else: not found)."""
    with rt.uow(read_only=True) as uow:
        session = sandbox(rt).session(uow, session_id)
        payment = _own_payment_in(uow, principal, session.payment_id)
    return GatewayCheckout(session, payment)


def gateway_decide(rt: Runtime, principal: Principal, session_id: str, approve: bool) -> GatewayCheckout:
    """The consumer approves (the gateway charges) or declines the checkout; the gateway's notice is delivered
    later, asynchronously, by the job queue."""
    now = rt.clock.now()
    gateway = sandbox(rt)
    with rt.uow() as uow:
        session = gateway.session(uow, session_id)
        payment = _own_payment_in(uow, principal, session.payment_id)
        PaymentRepo(uow.conn).lock(payment.id)  # one charge per payment: concurrent approvals queue here
        gateway.decide(uow, session, approve, now)
        decided = gateway.session(uow, session_id)
        uow.commit()
    return GatewayCheckout(decided, payment)


# --- the callback --------------------------------------------------------------------------------------------------

def receive_callback(rt: Runtime, body: bytes, signature: str | None, provider: str = SANDBOX) -> CallbackResult:
    """Verify a provider's callback and act on it once: the same event delivered again changes nothing.

    A forged signature is refused (`callback_signature_invalid`), so is a timestamp more than five minutes from
    now (`callback_replayed`); both before anything is read or written.
    """
    now = rt.clock.now()
    event = provider_of(rt, provider).verify_callback(signature, body, now)
    with rt.uow(read_only=True) as uow:  # a repeat delivery is answered without taking the write lock
        if CallbackRepo(uow.conn).seen(provider, event.id):
            return CallbackResult(event.id, "duplicate")
    with rt.uow() as uow:
        callbacks = CallbackRepo(uow.conn)
        if not callbacks.first_sight(provider, event.id, event.type, event.payment_id, now):
            return CallbackResult(event.id, "duplicate")
        outcome = _act_on(rt, uow, event, now)
        callbacks.set_outcome(provider, event.id, outcome.value)
        uow.commit()
    return CallbackResult(event.id, outcome.value)


def _act_on(rt: Runtime, uow: UnitOfWork, event: GatewayEvent, now: Any) -> CaptureOutcome:
    if event.type != "charge.succeeded":
        return CaptureOutcome.IGNORED  # a declined charge moves no money; the payment stays payable
    return capture_in(rt, uow, event, now)


def deliver_sandbox_callback(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """Job `payments.sandbox_deliver`: the gateway sends its signed notice to the platform's callback handler
    (the same function the HTTP endpoint calls), signed at the moment of delivery."""
    body, signature = sandbox(rt).signed(dict(payload["event"]), rt.clock.now())
    receive_callback(rt, body, signature, SANDBOX)  # a refusal fails the job, which records it and retries
