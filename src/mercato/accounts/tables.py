"""Accounts tables: users, page sessions, API tokens, login throttling."""

import sqlalchemy as sa

from mercato.kernel.db import fk, id_column, metadata, timestamp

users = sa.Table(
    "users", metadata,
    id_column(),
    sa.Column("email", sa.String(254), nullable=False, unique=True),  # stored lower-cased
    sa.Column("display_name", sa.String(64), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("is_operator", sa.Boolean, nullable=False, default=False),
    sa.Column("locale", sa.String(8), nullable=False, default="en"),
    sa.Column("status", sa.String(16), nullable=False, default="active"),  # active | disabled
    timestamp("created_at"),
)

sessions = sa.Table(
    "sessions", metadata,
    id_column(),
    fk("user_id", "users.id", ondelete="CASCADE"),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # sha256 of the cookie secret
    sa.Column("csrf_token", sa.String(64), nullable=False),
    timestamp("created_at"),
    timestamp("expires_at"),
    timestamp("revoked_at", nullable=True),
)

api_tokens = sa.Table(
    "api_tokens", metadata,
    id_column(),
    fk("user_id", "users.id", ondelete="CASCADE"),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("prefix", sa.String(12), nullable=False),  # shown to the owner to tell tokens apart
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    timestamp("created_at"),
    timestamp("expires_at", nullable=True),
    timestamp("last_used_at", nullable=True),
    timestamp("revoked_at", nullable=True),
)

login_throttle = sa.Table(
    "login_throttle", metadata,
    sa.Column("identifier", sa.String(254), primary_key=True),  # lower-cased email
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    timestamp("first_failure_at"),
    timestamp("locked_until", nullable=True),
)
