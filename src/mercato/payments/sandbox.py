"""The sandbox payment gateway, kept in the platform's own database but behaving like a real one: a checkout session
with its own page where the consumer approves or declines, then a signed callback delivered asynchronously by a
durable job (after a delay, and twice when configured), plus refunds, payouts and clawbacks it records as
transfers."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from mercato.kernel import jobs
from mercato.kernel.idgen import new_id
from mercato.kernel.uow import UnitOfWork
from mercato.payments.model import (
    CallbackMalformed,
    GatewayEvent,
    GatewaySessionNotFound,
    PaymentView,
    SandboxSession,
    SessionDecided,
    SessionStatus,
    callback_key,
    charge_event,
    event_body,
    parse_event,
    sign,
    verify_signature,
)
from mercato.payments.repo import SandboxRepo

NAME = "sandbox"
DELIVER_JOB = "payments.sandbox_deliver"
GATEWAY_PATH = "/sandbox/pay/"


def _session(row: Any) -> SandboxSession:
    return SandboxSession(id=row.id, payment_id=row.payment_id, amount=int(row.amount), currency=row.currency,
                          status=SessionStatus(row.status), created_at=row.created_at, decided_at=row.decided_at)


class SandboxGateway:
    """The `PaymentProvider` of the sandbox. `secret_key` (the application secret) is needed only to sign and
    verify callbacks; the signing key is derived from it."""

    name = NAME

    def __init__(self, secret_key: str | None = None, *, delay_seconds: int = 1, duplicates: bool = True) -> None:
        self._secret_key = secret_key
        self.delay = timedelta(seconds=delay_seconds)
        self.duplicates = duplicates

    @property
    def key(self) -> bytes:
        if not self._secret_key:
            raise RuntimeError("the sandbox gateway needs the secret key to sign or verify callbacks")
        return callback_key(self._secret_key)

    # --- the PaymentProvider protocol --------------------------------------------------------------------------

    def start(self, uow: UnitOfWork, payment: PaymentView, now: datetime) -> str:
        session_id = new_id()
        SandboxRepo(uow.conn).open_session(session_id, payment.id, payment.amount, payment.currency, now)
        return f"{GATEWAY_PATH}{session_id}"

    def cancel_checkouts(self, uow: UnitOfWork, payment_id: str, now: datetime) -> None:
        SandboxRepo(uow.conn).expire_open(payment_id, now)

    def refund(self, uow: UnitOfWork, *, reference: str, amount: int, now: datetime) -> None:
        SandboxRepo(uow.conn).transfer("refund", reference, amount, now)

    def payout(self, uow: UnitOfWork, *, reference: str, amount: int, now: datetime) -> None:
        SandboxRepo(uow.conn).transfer("payout", reference, amount, now)

    def claw_back(self, uow: UnitOfWork, *, reference: str, amount: int, now: datetime) -> None:
        SandboxRepo(uow.conn).transfer("clawback", reference, amount, now)

    def verify_callback(self, signature: str | None, body: bytes, now: datetime) -> GatewayEvent:
        verify_signature(self.key, signature, body, int(now.timestamp()))
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise CallbackMalformed() from None
        return parse_event(data)

    # --- the gateway's own side -------------------------------------------------------------------------------

    def session(self, uow: UnitOfWork, session_id: str) -> SandboxSession:
        row = SandboxRepo(uow.conn).session(session_id)
        if row is None:
            raise GatewaySessionNotFound(field="session_id")
        return _session(row)

    def decide(self, uow: UnitOfWork, session: SandboxSession, approve: bool, now: datetime) -> GatewayEvent:
        """The consumer approved (the charge succeeds) or declined; the notice is queued for delivery.

        A payment is charged at most once: approving a second session of an already charged payment is refused.
        """
        status = SessionStatus.SUCCEEDED if approve else SessionStatus.FAILED
        if not SandboxRepo(uow.conn).decide(session.id, session.payment_id, status.value, now):
            raise SessionDecided(status=session.status.value)
        event = charge_event(session, approve)
        self.queue_delivery(uow, event, now)
        return event

    def queue_delivery(self, uow: UnitOfWork, event: GatewayEvent, now: datetime) -> None:
        """Deliver the notice after the delay, and a second time a little later when duplicates are on."""
        copies = 2 if self.duplicates else 1
        for copy in range(1, copies + 1):
            run_at = now + self.delay + timedelta(seconds=copy - 1)
            jobs.enqueue(uow, DELIVER_JOB, {"event": event_body(event)}, now=now, run_at=run_at,
                         key=f"sandbox.deliver:{event.id}:{copy}")

    def signed(self, body: dict[str, Any], now: datetime) -> tuple[bytes, str]:
        """The bytes and `Mercato-Signature` header the gateway sends, signed at `now`."""
        raw = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        return raw, sign(self.key, int(now.timestamp()), raw)
