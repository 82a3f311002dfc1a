"""payments tables: payments and their per-order parts, the append-only ledger, merchant balances and payouts, the
callbacks already seen, and the sandbox gateway's own records (sessions and transfers)."""

import sqlalchemy as sa

from mercato.kernel.db import id_column, metadata, timestamp

payments = sa.Table(
    "payments", metadata,
    id_column(),
    sa.Column("consumer_id", sa.String(26), sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("amount", sa.BigInteger, nullable=False),  # the parts not voided
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # open | captured | closed
    sa.Column("provider", sa.String(32), nullable=False),
    timestamp("created_at"),
    timestamp("expires_at"),
    timestamp("captured_at", nullable=True),
    timestamp("closed_at", nullable=True),
    sa.CheckConstraint("amount >= 0", name="amount_non_negative"),
)

payment_parts = sa.Table(
    "payment_parts", metadata,
    sa.Column("payment_id", sa.String(26), sa.ForeignKey("payments.id"), nullable=False, index=True),
    sa.Column("order_id", sa.String(26), primary_key=True),  # unique: one part per order
    sa.Column("store_id", sa.String(26), nullable=False, index=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("commission", sa.BigInteger, nullable=True),  # set at settlement
    sa.Column("subsidy", sa.BigInteger, nullable=True),  # set at settlement: what the platform paid for discounts
    sa.Column("status", sa.String(16), nullable=False),  # pending | held | settled | refunded | void
    timestamp("updated_at"),
    # After-sales: refunded so far (from escrow and after settlement), the part of it taken from escrow, and the
    # commission and platform shares of the refunds made while held (settlement takes them off the order's figures).
    sa.Column("refunded", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("escrow_refunded", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("refunded_commission", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("refunded_subsidy", sa.BigInteger, nullable=False, server_default="0"),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
)

ledger_entries = sa.Table(
    "ledger_entries", metadata,
    id_column(),
    sa.Column("source", sa.String(120), nullable=False, unique=True),  # the business source: idempotency
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("memo", sa.String(200), nullable=False),
    timestamp("created_at"),
)

ledger_lines = sa.Table(
    "ledger_lines", metadata,
    id_column(),
    sa.Column("entry_id", sa.String(26), sa.ForeignKey("ledger_entries.id"), nullable=False, index=True),
    sa.Column("account", sa.String(64), nullable=False, index=True),
    sa.Column("store_id", sa.String(26), nullable=True),
    sa.Column("amount", sa.BigInteger, nullable=False),  # signed, debit positive
)

merchant_balances = sa.Table(
    "merchant_balances", metadata,
    sa.Column("store_id", sa.String(26), primary_key=True),
    sa.Column("available", sa.BigInteger, nullable=False),
    timestamp("updated_at"),
    sa.CheckConstraint("available >= 0", name="available_non_negative"),
)

merchant_debts = sa.Table(
    "merchant_debts", metadata,
    sa.Column("store_id", sa.String(26), primary_key=True),
    sa.Column("owed", sa.BigInteger, nullable=False),  # refunds after settlement the balance could not cover
    timestamp("updated_at"),
    sa.CheckConstraint("owed >= 0", name="owed_non_negative"),
)

# Every after-sales money movement, one row per business source (its idempotency key and its ledger entry's source):
# a refund (from escrow, or from the merchant and as debt), a quick-refund advance, a clawback, a debt recovery.
refund_movements = sa.Table(
    "refund_movements", metadata,
    sa.Column("source", sa.String(120), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # refund | cancel | advance | clawback | recovery
    sa.Column("order_id", sa.String(26), nullable=True, index=True),
    sa.Column("store_id", sa.String(26), nullable=True, index=True),
    sa.Column("consumer_id", sa.String(26), nullable=True, index=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("from_escrow", sa.BigInteger, nullable=False),
    sa.Column("from_merchant", sa.BigInteger, nullable=False),
    sa.Column("merchant_debt", sa.BigInteger, nullable=False),
    sa.Column("commission_share", sa.BigInteger, nullable=False),
    sa.Column("platform_share", sa.BigInteger, nullable=False),
    sa.Column("advance_repaid", sa.BigInteger, nullable=False),  # what of the amount repaid an advance
    sa.Column("advance_source", sa.String(120), nullable=True, index=True),
    timestamp("created_at"),
    sa.CheckConstraint("amount >= 0 AND from_escrow >= 0 AND from_merchant >= 0 AND merchant_debt >= 0 AND "
                       "commission_share >= 0 AND platform_share >= 0 AND advance_repaid >= 0",
                       name="figures_non_negative"),
)

# Quick refunds the platform advanced: outstanding = amount - repaid - clawed_back, changed by conditional updates.
quick_refund_advances = sa.Table(
    "quick_refund_advances", metadata,
    sa.Column("source", sa.String(120), primary_key=True),
    sa.Column("consumer_id", sa.String(26), nullable=False, index=True),
    sa.Column("order_id", sa.String(26), nullable=False, index=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("repaid", sa.BigInteger, nullable=False),
    sa.Column("clawed_back", sa.BigInteger, nullable=False),
    timestamp("created_at"),
    timestamp("updated_at"),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
    sa.CheckConstraint("repaid >= 0 AND clawed_back >= 0 AND repaid + clawed_back <= amount",
                       name="closed_within_amount"),
)

payouts = sa.Table(
    "payouts", metadata,
    id_column(),
    sa.Column("store_id", sa.String(26), nullable=False, index=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # paid
    sa.Column("requested_by", sa.String(26), nullable=False),
    timestamp("created_at"),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
)

payment_callbacks = sa.Table(
    "payment_callbacks", metadata,
    sa.Column("provider", sa.String(32), primary_key=True),
    sa.Column("event_id", sa.String(64), primary_key=True),  # a second delivery of the same event changes nothing
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("payment_id", sa.String(64), nullable=False, index=True),
    sa.Column("outcome", sa.String(16), nullable=False),  # captured | late | ignored
    timestamp("received_at"),
)

sandbox_sessions = sa.Table(
    "sandbox_sessions", metadata,
    id_column(),
    sa.Column("payment_id", sa.String(26), sa.ForeignKey("payments.id"), nullable=False, index=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # open | succeeded | failed | expired
    timestamp("created_at"),
    timestamp("decided_at", nullable=True),
)

sandbox_transfers = sa.Table(
    "sandbox_transfers", metadata,
    id_column(),
    sa.Column("kind", sa.String(16), nullable=False),  # refund | payout | clawback
    sa.Column("reference", sa.String(120), nullable=False, unique=True),  # the ledger source it pays out
    sa.Column("amount", sa.BigInteger, nullable=False),
    timestamp("created_at"),
)
