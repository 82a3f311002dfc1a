"""aftersales: refund requests, returns and disputes

Revision ID: 0015_aftersales
Revises: 0014_credit
Create Date: 2026-11-27 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mercato.kernel.db

revision: str = '0015_aftersales'
down_revision: str | None = '0014_credit'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


OPEN_SQL = "status IN ('requested', 'awaiting_return', 'shipped_back', 'refused', 'escalated')"


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, mercato.kernel.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table('refund_requests',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('request_no', sa.String(length=20), nullable=False),
    sa.Column('order_id', sa.String(length=26), nullable=False),
    sa.Column('order_no', sa.String(length=20), nullable=False),
    sa.Column('order_line_id', sa.String(length=26), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('store_id', sa.String(length=26), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('commission_share', sa.BigInteger(), nullable=False),
    sa.Column('platform_share', sa.BigInteger(), nullable=False),
    sa.Column('refunded', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('shipping', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('quick', sa.Boolean(), server_default=sa.false(), nullable=False),
    _at('due_at', nullable=True),
    sa.Column('carrier', sa.String(length=50), nullable=True),
    sa.Column('tracking_no', sa.String(length=40), nullable=True),
    sa.Column('refusal', sa.String(length=300), nullable=True),
    sa.Column('decision', sa.String(length=10), nullable=True),
    sa.Column('closed_reason', sa.String(length=30), nullable=True),
    _at('created_at'),
    _at('updated_at'),
    _at('refunded_at', nullable=True),
    _at('decided_at', nullable=True),
    _at('closed_at', nullable=True),
    _at('clawed_back_at', nullable=True),
    sa.CheckConstraint('units >= 1', name=op.f('ck_refund_requests_units_positive')),
    sa.CheckConstraint('amount >= 0 AND refunded >= 0 AND shipping >= 0 AND refunded <= amount',
                       name=op.f('ck_refund_requests_amounts_sane')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refund_requests_order_id_orders')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'],
                            name=op.f('fk_refund_requests_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_refund_requests_consumer_id_users')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_refund_requests_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_requests')),
    sa.UniqueConstraint('request_no', name=op.f('uq_refund_requests_request_no'))
    )
    op.create_index('ix_refund_requests_order_id', 'refund_requests', ['order_id'], unique=False)
    op.create_index('ix_refund_requests_consumer', 'refund_requests', ['consumer_id', 'id'], unique=False)
    op.create_index('ix_refund_requests_store_status', 'refund_requests', ['store_id', 'status', 'id'], unique=False)
    op.create_index('ix_refund_requests_status', 'refund_requests', ['status', 'id'], unique=False)
    op.create_index('uq_refund_requests_open_line', 'refund_requests', ['order_line_id'], unique=True,
                    sqlite_where=sa.text(OPEN_SQL), postgresql_where=sa.text(OPEN_SQL))
    op.create_table('refund_events',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('request_id', sa.String(length=26), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    _at('at'),
    sa.Column('actor_id', sa.String(length=26), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['refund_requests.id'],
                            name=op.f('fk_refund_events_request_id_refund_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_events'))
    )
    op.create_index('ix_refund_events_request_id', 'refund_events', ['request_id'], unique=False)
    op.create_table('refund_evidence',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('request_id', sa.String(length=26), nullable=False),
    sa.Column('party', sa.String(length=10), nullable=False),
    sa.Column('author_id', sa.String(length=26), nullable=True),
    sa.Column('text', sa.String(length=1000), nullable=False),
    _at('created_at'),
    sa.ForeignKeyConstraint(['request_id'], ['refund_requests.id'],
                            name=op.f('fk_refund_evidence_request_id_refund_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_evidence'))
    )
    op.create_index('ix_refund_evidence_request_id', 'refund_evidence', ['request_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_refund_evidence_request_id', table_name='refund_evidence')
    op.drop_table('refund_evidence')
    op.drop_index('ix_refund_events_request_id', table_name='refund_events')
    op.drop_table('refund_events')
    for name in ('uq_refund_requests_open_line', 'ix_refund_requests_status', 'ix_refund_requests_store_status',
                 'ix_refund_requests_consumer', 'ix_refund_requests_order_id'):
        op.drop_index(name, table_name='refund_requests')
    op.drop_table('refund_requests')
