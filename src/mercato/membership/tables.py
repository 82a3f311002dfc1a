"""membership tables: the paid memberships (one row per year bought), the price table and operator settings, the
saving-card months, invite codes, invitations and the address and payer keys the invite rules compare."""

import sqlalchemy as sa

from mercato.kernel.db import fk, id_column, metadata, timestamp

memberships = sa.Table(
    "memberships", metadata,
    id_column(),
    fk("consumer_id", "users.id", index=False),
    sa.Column("status", sa.String(10), nullable=False),  # pending (awaiting payment) | active | cancelled
    sa.Column("price", sa.BigInteger, nullable=False),
    sa.Column("points", sa.Integer, nullable=False),  # the credit score the price was set by (spend points before)
    sa.Column("payment_id", sa.String(26), nullable=True, index=True),
    timestamp("starts_at", nullable=True),
    timestamp("ends_at", nullable=True),
    timestamp("created_at"),
    sa.Index("ix_memberships_consumer_ends", "consumer_id", "ends_at"),
)

# The operator's membership price table: the price for consumers whose credit score is at least `min_points` (the
# column keeps its name from when the price followed spend points).
membership_price_tiers = sa.Table(
    "membership_price_tiers", metadata,
    sa.Column("min_points", sa.Integer, primary_key=True),
    sa.Column("price", sa.BigInteger, nullable=False),
    timestamp("updated_at"),
    sa.CheckConstraint("min_points >= 0", name="min_points_non_negative"),
    sa.CheckConstraint("price >= 0", name="price_non_negative"),
)

# Operator settings by name: "saving_card" {price, vouchers: [[promotion_id, quantity]]} and "invite" {inviter,
# invitee: [[promotion_id, quantity]]}.
membership_settings = sa.Table(
    "membership_settings", metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
    timestamp("updated_at"),
)

# One row per saving-card month bought (or renewed); its vouchers are issued once, when it is paid.
saving_card_months = sa.Table(
    "saving_card_months", metadata,
    id_column(),
    fk("consumer_id", "users.id", index=False),
    sa.Column("status", sa.String(10), nullable=False),  # pending | active | cancelled
    sa.Column("price", sa.BigInteger, nullable=False),
    sa.Column("vouchers", sa.JSON, nullable=False),  # the plan's [[promotion_id, quantity]] when it was bought
    sa.Column("payment_id", sa.String(26), nullable=True, index=True),
    sa.Column("renewal", sa.Boolean, nullable=False),  # created by the auto-renew job
    timestamp("starts_at", nullable=True),
    timestamp("ends_at", nullable=True),
    timestamp("issued_at", nullable=True),  # when its vouchers were issued
    timestamp("created_at"),
    sa.Index("ix_saving_card_months_consumer_ends", "consumer_id", "ends_at"),
)

saving_card_subscribers = sa.Table(
    "saving_card_subscribers", metadata,
    sa.Column("consumer_id", sa.String(26), sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("auto_renew", sa.Boolean, nullable=False),
    timestamp("updated_at"),
)

invite_codes = sa.Table(
    "invite_codes", metadata,
    sa.Column("consumer_id", sa.String(26), sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    timestamp("created_at"),
)

# One invitation per invitee ever: the primary key is the friend.
invitations = sa.Table(
    "invitations", metadata,
    sa.Column("invitee_id", sa.String(26), sa.ForeignKey("users.id"), primary_key=True),
    fk("inviter_id", "users.id"),
    sa.Column("status", sa.String(10), nullable=False),  # accepted | rewarded | refused
    sa.Column("reason", sa.String(20), nullable=True),
    sa.Column("address_key", sa.String(200), nullable=True),  # of the first paid order
    sa.Column("payer_key", sa.String(200), nullable=True),
    timestamp("accepted_at"),
    timestamp("decided_at", nullable=True),
    timestamp("issued_at", nullable=True),  # when both rewards were issued
)

# The addresses and payer accounts each consumer's paid orders used (normalised keys), for the invite rules.
consumer_keys = sa.Table(
    "consumer_keys", metadata,
    sa.Column("consumer_id", sa.String(26), sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    timestamp("first_seen"),
)
