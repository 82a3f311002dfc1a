"""pricing tables: promotions (store and platform), the stores opted in to a cross-store reduction, and the
coupons and vouchers consumers hold. Money columns are BIGINT minor units (fen), inside the `rule` JSON too."""

import sqlalchemy as sa

from mercato.kernel.db import fk, id_column, metadata, timestamp

promotions = sa.Table(
    "promotions", metadata,
    id_column(),
    sa.Column("owner", sa.String(10), nullable=False),  # store | platform
    sa.Column("store_id", sa.String(26), sa.ForeignKey("stores.id"), nullable=True, index=True),
    sa.Column("kind", sa.String(32), nullable=False),  # pricing.model.Kind
    sa.Column("name_en", sa.String(100), nullable=False),
    sa.Column("name_zh", sa.String(100), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # active | paused | ended
    timestamp("starts_at", nullable=True),
    timestamp("ends_at", nullable=True),
    # threshold, amount, percent, cap, tiers [[threshold, amount]...], every, price, buy, get, nth
    sa.Column("rule", sa.JSON, nullable=False),
    sa.Column("sku_ids", sa.JSON, nullable=False),  # the scope; [] means any
    sa.Column("vertical_ids", sa.JSON, nullable=False),
    sa.Column("platform_share_bp", sa.Integer, nullable=True),  # None: the kind's default (see pricing.model)
    sa.Column("requirement", sa.String(24), nullable=False),
    sa.Column("combines_with", sa.JSON, nullable=False),  # promotion classes
    sa.Column("exclusive_group", sa.String(40), nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    # Coupons and vouchers: how many may be issued in all (None: no limit), how many were, how many one consumer may
    # hold, how long each is valid from its issue (None: until the promotion ends), and whether consumers claim it
    # themselves (False: issued by the platform only: red-envelope campaigns, saving cards, invitations, gifts).
    sa.Column("total_quantity", sa.Integer, nullable=True),
    sa.Column("issued", sa.Integer, nullable=False),
    sa.Column("per_person", sa.Integer, nullable=False),
    sa.Column("valid_days", sa.Integer, nullable=True),
    sa.Column("claimable", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.String(26), nullable=False),
    timestamp("created_at"),
    timestamp("updated_at"),
    sa.CheckConstraint("issued >= 0", name="issued_non_negative"),
    sa.CheckConstraint("total_quantity IS NULL OR issued <= total_quantity", name="issued_within_total"),
    sa.CheckConstraint("per_person >= 1", name="per_person_positive"),
    sa.Index("ix_promotions_status_owner", "status", "owner"),
)

promotion_stores = sa.Table(
    "promotion_stores", metadata,
    sa.Column("promotion_id", sa.String(26), sa.ForeignKey("promotions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("store_id", sa.String(26), sa.ForeignKey("stores.id"), primary_key=True),
    timestamp("opted_at"),
)

held_coupons = sa.Table(
    "held_coupons", metadata,
    id_column(),
    fk("promotion_id", "promotions.id", index=False),
    fk("consumer_id", "users.id", index=False),
    # 1..per_person: a second concurrent claim of the same seat fails on the unique key instead of overissuing
    sa.Column("claim_seq", sa.Integer, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # available | used | expired | revoked
    sa.Column("source", sa.String(16), nullable=False),  # claim | campaign | saving_card | invite | gift
    timestamp("valid_from"),
    timestamp("valid_until", nullable=True),
    timestamp("issued_at"),
    sa.Column("payment_id", sa.String(26), nullable=True),  # the payment it was spent on
    timestamp("used_at", nullable=True),
    sa.UniqueConstraint("promotion_id", "consumer_id", "claim_seq", name="uq_held_coupons_seat"),
    sa.Index("ix_held_coupons_consumer_status", "consumer_id", "status"),
    sa.Index("ix_held_coupons_payment", "payment_id"),
    sa.Index("ix_held_coupons_status_until", "status", "valid_until"),
)
