"""The payment provider interface: what payments needs from a gateway (a checkout page, refunds, payouts, and the
verification of its signed callbacks). The sandbox (`payments.sandbox`) is the one implementation so far; a real
gateway adapter implements the same protocol."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from mercato.kernel.uow import UnitOfWork
from mercato.payments.model import GatewayEvent, PaymentView
from mercato.settings import Settings


class PaymentProvider(Protocol):
    name: str

    def start(self, uow: UnitOfWork, payment: PaymentView, now: datetime) -> str:
        """Open a checkout at the provider for the payment's amount; the URL to send the consumer's browser to."""
        ...

    def cancel_checkouts(self, uow: UnitOfWork, payment_id: str, now: datetime) -> None:
        """The payment closed or its amount changed: checkouts still open at the provider can no longer be paid."""
        ...

    def refund(self, uow: UnitOfWork, *, reference: str, amount: int, now: datetime) -> None:
        """Send `amount` back to the consumer; idempotent on `reference` (the ledger source)."""
        ...

    def payout(self, uow: UnitOfWork, *, reference: str, amount: int, now: datetime) -> None:
        """Send `amount` to the merchant's bank account; idempotent on `reference`."""
        ...

    def claw_back(self, uow: UnitOfWork, *, reference: str, amount: int, now: datetime) -> None:
        """Charge `amount` back to the consumer (a quick refund whose return never arrived); idempotent on
        `reference`."""
        ...

    def verify_callback(self, signature: str | None, body: bytes, now: datetime) -> GatewayEvent:
        """The event in a callback, if its signature is the provider's and recent; else a Callback* error."""
        ...


DEFAULT_PROVIDER = "sandbox"


def provider_named(name: str, settings: Settings | None = None) -> PaymentProvider:
    """The provider a payment was made with (`settings` supply the signing secret and the sandbox's behaviour)."""
    from mercato.payments.sandbox import NAME, SandboxGateway

    if name != NAME:
        raise LookupError(f"unknown payment provider {name!r}")
    if settings is None:
        return SandboxGateway()
    return SandboxGateway(settings.resolved_secret_key(), delay_seconds=settings.sandbox_callback_delay_seconds,
                          duplicates=settings.sandbox_duplicate_callbacks)
