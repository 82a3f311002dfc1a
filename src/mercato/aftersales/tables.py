"""aftersales tables: refund requests (one open per order line, enforced by a partial unique index), their
timelines and the evidence of disputes. Money columns are BIGINT minor units (fen)."""

import sqlalchemy as sa

from mercato.kernel.db import fk, id_column, metadata, timestamp

# The statuses of an open request (model.OPEN); the partial unique index below refuses a second one per line.
OPEN_SQL = "status IN ('requested', 'awaiting_return', 'shipped_back', 'refused', 'escalated')"

refund_requests = sa.Table(
    "refund_requests", metadata,
    id_column(),
    sa.Column("request_no", sa.String(20), nullable=False, unique=True),  # random digits, never a sequence
    fk("order_id", "orders.id"),
    sa.Column("order_no", sa.String(20), nullable=False),  # copied, with the line's titles, when it is made
    fk("order_line_id", "order_lines.id", index=False),
    sa.Column("title_en", sa.String(200), nullable=False),
    sa.Column("title_zh", sa.String(200), nullable=False),
    fk("consumer_id", "users.id", index=False),
    fk("store_id", "stores.id", index=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("units", sa.Integer, nullable=False),
    sa.Column("reason", sa.String(30), nullable=False),
    sa.Column("note", sa.String(500), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("commission_share", sa.BigInteger, nullable=False),
    sa.Column("platform_share", sa.BigInteger, nullable=False),
    sa.Column("refunded", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("shipping", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("quick", sa.Boolean, nullable=False, server_default=sa.false()),
    timestamp("due_at", nullable=True),
    sa.Column("carrier", sa.String(50), nullable=True),
    sa.Column("tracking_no", sa.String(40), nullable=True),
    sa.Column("refusal", sa.String(300), nullable=True),
    sa.Column("decision", sa.String(10), nullable=True),
    sa.Column("closed_reason", sa.String(30), nullable=True),  # never_shipped | not_escalated
    timestamp("created_at"),
    timestamp("updated_at"),
    timestamp("refunded_at", nullable=True),
    timestamp("decided_at", nullable=True),
    timestamp("closed_at", nullable=True),
    timestamp("clawed_back_at", nullable=True),
    sa.CheckConstraint("units >= 1", name="units_positive"),
    sa.CheckConstraint("amount >= 0 AND refunded >= 0 AND shipping >= 0 AND refunded <= amount",
                       name="amounts_sane"),
    sa.Index("ix_refund_requests_consumer", "consumer_id", "id"),
    sa.Index("ix_refund_requests_store_status", "store_id", "status", "id"),
    sa.Index("ix_refund_requests_status", "status", "id"),
    sa.Index("uq_refund_requests_open_line", "order_line_id", unique=True,
             sqlite_where=sa.text(OPEN_SQL), postgresql_where=sa.text(OPEN_SQL)),
)

refund_events = sa.Table(
    "refund_events", metadata,
    id_column(),
    fk("request_id", "refund_requests.id", ondelete="CASCADE"),
    sa.Column("status", sa.String(20), nullable=False),
    timestamp("at"),
    sa.Column("actor_id", sa.String(26), nullable=True),  # None: the platform (a job)
    sa.Column("note", sa.String(300), nullable=False),
)

refund_evidence = sa.Table(
    "refund_evidence", metadata,
    id_column(),
    fk("request_id", "refund_requests.id", ondelete="CASCADE"),
    sa.Column("party", sa.String(10), nullable=False),  # consumer | merchant
    sa.Column("author_id", sa.String(26), nullable=True),
    sa.Column("text", sa.String(1000), nullable=False),
    timestamp("created_at"),
)
