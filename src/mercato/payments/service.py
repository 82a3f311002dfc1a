"""The payments use cases, one public surface. Trade calls the `*_in` helpers inside its own unit of work (create,
close and trim payments; settle and refund orders; verify the ledger), after-sales those that move refunds, merchant
debt and quick-refund advances; consumers pay, the gateway calls back, merchants withdraw, operators read and
verify. The use cases live in private modules re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping

from mercato.kernel.jobs import Handler
from mercato.payments._escrow import (
    capture_in,
    close_payment_in,
    create_payment_in,
    escrow_refunded_by_order_in,
    held_by_order_in,
    payment_status_in,
    post_entry_in,
    refund_order_in,
    settle_order_in,
    void_part_in,
)
from mercato.payments._gateway import (
    GatewayCheckout,
    deliver_sandbox_callback,
    gateway_checkout,
    gateway_decide,
    get_payment,
    payment_page,
    receive_callback,
    start_payment,
)
from mercato.payments._ledger import (
    all_payments,
    escrow_total,
    ledger_accounts,
    ledger_entries,
    verify_in,
    verify_ledger,
)
from mercato.payments._payouts import balance_in, finance_stores, merchant_balance, request_payout, store_payouts
from mercato.payments._platform_sales import (
    PLATFORM_STORE,
    consumer_spend_in,
    create_platform_sale_in,
    has_paid_order_in,
    paid_order_consumers_in,
    settle_platform_sale_in,
)
from mercato.payments._refunds import (
    advance_refund_in,
    claw_back_in,
    merchant_debt_in,
    movements_in,
    outstanding_advances_in,
    refund_in,
    refundable_in,
)
from mercato.payments.model import RefundMoved, RefundSourceTaken
from mercato.payments.sandbox import DELIVER_JOB

JOB_HANDLERS: Mapping[str, Handler] = {DELIVER_JOB: deliver_sandbox_callback}

__all__ = [
    "JOB_HANDLERS",
    "PLATFORM_STORE",
    "GatewayCheckout",
    "RefundMoved",
    "RefundSourceTaken",
    "advance_refund_in",
    "all_payments",
    "balance_in",
    "capture_in",
    "claw_back_in",
    "close_payment_in",
    "consumer_spend_in",
    "create_payment_in",
    "create_platform_sale_in",
    "deliver_sandbox_callback",
    "escrow_refunded_by_order_in",
    "escrow_total",
    "finance_stores",
    "gateway_checkout",
    "gateway_decide",
    "get_payment",
    "has_paid_order_in",
    "held_by_order_in",
    "ledger_accounts",
    "ledger_entries",
    "merchant_balance",
    "merchant_debt_in",
    "movements_in",
    "outstanding_advances_in",
    "paid_order_consumers_in",
    "payment_page",
    "payment_status_in",
    "post_entry_in",
    "receive_callback",
    "refund_in",
    "refund_order_in",
    "refundable_in",
    "request_payout",
    "settle_order_in",
    "settle_platform_sale_in",
    "start_payment",
    "store_payouts",
    "verify_in",
    "verify_ledger",
    "void_part_in",
]
