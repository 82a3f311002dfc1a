"""Stores tables. Brands live here: a brand is the party that owns flagship stores and authorises sellers."""

import sqlalchemy as sa

from mercato.kernel.db import fk, id_column, metadata, timestamp

brands = sa.Table(
    "brands", metadata,
    id_column(),
    sa.Column("slug", sa.String(64), nullable=False, unique=True),
    sa.Column("name_en", sa.String(80), nullable=False),
    sa.Column("name_zh", sa.String(80), nullable=False),
    sa.Column("protected", sa.Boolean, nullable=False, default=False),  # only authorised stores may list it
    sa.Column("logo_url", sa.String(500), nullable=True),
    timestamp("created_at"),
)

store_applications = sa.Table(
    "store_applications", metadata,
    id_column(),
    fk("applicant_id", "users.id"),
    sa.Column("kind", sa.String(16), nullable=False),  # flagship | independent
    sa.Column("status", sa.String(16), nullable=False),  # pending | approved | rejected
    sa.Column("slug", sa.String(48), nullable=False),
    sa.Column("name_en", sa.String(80), nullable=False),
    sa.Column("name_zh", sa.String(80), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    fk("brand_id", "brands.id", nullable=True),  # flagship: the brand the store sells
    sa.Column("authorisation_ref", sa.String(120), nullable=True),  # flagship: licence / authorisation number
    sa.Column("authorisation_until", sa.Date, nullable=True),
    sa.Column("owner_legal_name", sa.String(80), nullable=True),  # independent: the owner's identity
    sa.Column("owner_id_last4", sa.String(4), nullable=True),
    sa.Column("owner_id_hash", sa.String(64), nullable=True),  # HMAC-SHA256 (secret key) of the id number, never it
    sa.Column("contact_phone", sa.String(32), nullable=False),
    timestamp("submitted_at"),
    fk("decided_by", "users.id", nullable=True, index=False),
    timestamp("decided_at", nullable=True),
    sa.Column("decision_reason", sa.String(500), nullable=True),
    fk("store_id", "stores.id", nullable=True, index=False),
    sa.Index("ix_store_applications_status", "status", "submitted_at"),
    # At most one pending application per applicant, and a pending application's address is its own.
    sa.Index("uq_store_applications_pending_applicant", "applicant_id", unique=True,
             sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'")),
    sa.Index("uq_store_applications_pending_slug", "slug", unique=True,
             sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'")),
)

stores = sa.Table(
    "stores", metadata,
    id_column(),
    sa.Column("slug", sa.String(48), nullable=False, unique=True),
    sa.Column("kind", sa.String(16), nullable=False),  # flagship | independent
    sa.Column("status", sa.String(16), nullable=False),  # active | suspended
    sa.Column("name_en", sa.String(80), nullable=False),
    sa.Column("name_zh", sa.String(80), nullable=False),
    sa.Column("description_en", sa.Text, nullable=False, default=""),
    sa.Column("description_zh", sa.Text, nullable=False, default=""),
    sa.Column("logo_url", sa.String(500), nullable=True),
    fk("brand_id", "brands.id", nullable=True),
    fk("owner_id", "users.id"),
    timestamp("created_at"),
    timestamp("suspended_at", nullable=True),
    sa.Column("suspension_reason", sa.String(500), nullable=True),
    # Service scores (DSR), stars x 100, kept by reviews (stores.service.set_service_scores_in); NULL: not rated.
    sa.Column("dsr_description", sa.Integer, nullable=True),
    sa.Column("dsr_service", sa.Integer, nullable=True),
    sa.Column("dsr_logistics", sa.Integer, nullable=True),
    timestamp("dsr_updated_at", nullable=True),
)

store_staff = sa.Table(
    "store_staff", metadata,
    sa.Column("store_id", sa.String(26), sa.ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.String(26), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),  # owner | staff
    sa.Column("permissions", sa.String(200), nullable=False, default=""),  # comma list: products,stock,...
    timestamp("added_at"),
    sa.Index("ix_store_staff_user", "user_id"),
)

store_tags = sa.Table(
    "store_tags", metadata,
    sa.Column("store_id", sa.String(26), sa.ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag", sa.String(32), primary_key=True),
    sa.Index("ix_store_tags_tag", "tag"),
)

brand_authorisations = sa.Table(
    "brand_authorisations", metadata,
    sa.Column("brand_id", sa.String(26), sa.ForeignKey("brands.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("store_id", sa.String(26), sa.ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("reference", sa.String(120), nullable=False),
    sa.Column("valid_until", sa.Date, nullable=True),
    timestamp("granted_at"),
    fk("granted_by", "users.id", nullable=True, index=False),
)
