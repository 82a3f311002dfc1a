"""membership: price tiers, settings, saving-card months and subscribers, invite codes, invitations, consumer keys

Revision ID: 0007_membership
Revises: 0006_pricing
Create Date: 2026-11-27 03:35:43
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mercato.kernel.db

revision: str = '0007_membership'
down_revision: str | None = '0006_pricing'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('membership_price_tiers',
    sa.Column('min_points', sa.Integer(), nullable=False),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('min_points >= 0', name=op.f('ck_membership_price_tiers_min_points_non_negative')),
    sa.CheckConstraint('price >= 0', name=op.f('ck_membership_price_tiers_price_non_negative')),
    sa.PrimaryKeyConstraint('min_points', name=op.f('pk_membership_price_tiers'))
    )
    op.create_table('membership_settings',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_membership_settings'))
    )
    op.create_table('consumer_keys',
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('first_seen', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_consumer_keys_consumer_id_users')),
    sa.PrimaryKeyConstraint('consumer_id', 'key', name=op.f('pk_consumer_keys'))
    )
    op.create_table('invitations',
    sa.Column('invitee_id', sa.String(length=26), nullable=False),
    sa.Column('inviter_id', sa.String(length=26), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=True),
    sa.Column('address_key', sa.String(length=200), nullable=True),
    sa.Column('payer_key', sa.String(length=200), nullable=True),
    sa.Column('accepted_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('issued_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invitee_id'], ['users.id'], name=op.f('fk_invitations_invitee_id_users')),
    sa.ForeignKeyConstraint(['inviter_id'], ['users.id'], name=op.f('fk_invitations_inviter_id_users')),
    sa.PrimaryKeyConstraint('invitee_id', name=op.f('pk_invitations'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_inviter_id'), ['inviter_id'], unique=False)

    op.create_table('invite_codes',
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('created_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_invite_codes_consumer_id_users')),
    sa.PrimaryKeyConstraint('consumer_id', name=op.f('pk_invite_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_invite_codes_code'))
    )
    op.create_table('saving_card_months',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('vouchers', sa.JSON(), nullable=False),
    sa.Column('payment_id', sa.String(length=26), nullable=True),
    sa.Column('renewal', sa.Boolean(), nullable=False),
    sa.Column('starts_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ends_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('issued_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_saving_card_months_consumer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saving_card_months'))
    )
    with op.batch_alter_table('saving_card_months', schema=None) as batch_op:
        batch_op.create_index('ix_saving_card_months_consumer_ends', ['consumer_id', 'ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_saving_card_months_payment_id'), ['payment_id'], unique=False)

    op.create_table('saving_card_subscribers',
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('auto_renew', sa.Boolean(), nullable=False),
    sa.Column('updated_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_saving_card_subscribers_consumer_id_users')),
    sa.PrimaryKeyConstraint('consumer_id', name=op.f('pk_saving_card_subscribers'))
    )


def downgrade() -> None:
    op.drop_table('saving_card_subscribers')
    with op.batch_alter_table('saving_card_months', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saving_card_months_payment_id'))
        batch_op.drop_index('ix_saving_card_months_consumer_ends')

    op.drop_table('saving_card_months')
    op.drop_table('invite_codes')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_inviter_id'))

    op.drop_table('invitations')
    op.drop_table('consumer_keys')
    op.drop_table('membership_settings')
    op.drop_table('membership_price_tiers')
