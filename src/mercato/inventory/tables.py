"""Inventory tables: one stock row per SKU, and an append-only movement log."""

import sqlalchemy as sa

from mercato.kernel.db import fk, id_column, metadata, timestamp

stock = sa.Table(
    "stock", metadata,
    sa.Column("sku_id", sa.String(26), sa.ForeignKey("skus.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("product_id", sa.String(26), nullable=False, index=True),
    sa.Column("store_id", sa.String(26), nullable=False, index=True),
    sa.Column("available", sa.Integer, nullable=False),
    sa.Column("reserved", sa.Integer, nullable=False, default=0),
    timestamp("updated_at"),
    sa.CheckConstraint("available >= 0", name="available_non_negative"),
    sa.CheckConstraint("reserved >= 0", name="reserved_non_negative"),
)

stock_movements = sa.Table(
    "stock_movements", metadata,
    id_column(),
    fk("sku_id", "skus.id", ondelete="CASCADE"),
    sa.Column("delta", sa.Integer, nullable=False),
    sa.Column("available_after", sa.Integer, nullable=False),
    sa.Column("reason", sa.String(32), nullable=False),  # set | adjust | reserve | release | sale
    fk("actor_id", "users.id", nullable=True, index=False),
    timestamp("at"),
)
