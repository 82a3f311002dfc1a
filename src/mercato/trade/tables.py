"""Trade tables: carts, address books, per-store shipping settings, orders split per store, their lines and
timelines. Money columns are BIGINT minor units (fen)."""

import sqlalchemy as sa

from mercato.kernel.db import fk, id_column, metadata, timestamp

cart_lines = sa.Table(
    "cart_lines", metadata,
    sa.Column("consumer_id", sa.String(26), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("sku_id", sa.String(26), primary_key=True),  # an opaque catalog id; a vanished SKU shows as gone
    sa.Column("quantity", sa.Integer, nullable=False),
    timestamp("added_at"),
    sa.CheckConstraint("quantity BETWEEN 1 AND 999", name="quantity_range"),
)

addresses = sa.Table(
    "addresses", metadata,
    id_column(),
    fk("consumer_id", "users.id", ondelete="CASCADE"),
    sa.Column("recipient", sa.String(50), nullable=False),
    sa.Column("phone", sa.String(20), nullable=False),
    sa.Column("region", sa.String(50), nullable=False),
    sa.Column("city", sa.String(50), nullable=False),
    sa.Column("line1", sa.String(200), nullable=False),
    sa.Column("postal_code", sa.String(12), nullable=False),
    sa.Column("is_default", sa.Boolean, nullable=False),
    timestamp("created_at"),
)

store_shipping = sa.Table(
    "store_shipping", metadata,
    sa.Column("store_id", sa.String(26), sa.ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("flat_fee", sa.BigInteger, nullable=False),
    sa.Column("free_threshold", sa.BigInteger, nullable=True),  # NULL: the flat fee always applies
    timestamp("updated_at"),
    sa.CheckConstraint("flat_fee >= 0", name="flat_fee_non_negative"),
)

orders = sa.Table(
    "orders", metadata,
    id_column(),
    sa.Column("order_no", sa.String(20), nullable=False, unique=True),  # random 20 digits, never a sequence
    sa.Column("payment_id", sa.String(26), nullable=False, index=True),
    fk("consumer_id", "users.id", index=False),
    fk("store_id", "stores.id", index=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("goods_total", sa.BigInteger, nullable=False),  # what the goods cost after discounts
    sa.Column("shipping_fee", sa.BigInteger, nullable=False),
    sa.Column("total", sa.BigInteger, nullable=False),
    sa.Column("commission", sa.BigInteger, nullable=False),
    sa.Column("address", sa.JSON, nullable=False),  # the shipping address as it was when the order was placed
    sa.Column("carrier", sa.String(50), nullable=True),
    sa.Column("tracking_no", sa.String(40), nullable=True),
    timestamp("created_at"),
    timestamp("paid_at", nullable=True),
    timestamp("shipped_at", nullable=True),
    timestamp("completed_at", nullable=True),
    timestamp("cancelled_at", nullable=True),
    sa.Column("cancel_reason", sa.String(200), nullable=True),
    # The goods at their list prices, the discounts taken off them (goods_original - discount = goods_total) and
    # the part of those discounts the platform funds, which it pays the merchant at settlement.
    sa.Column("goods_original", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("discount", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("platform_funded", sa.BigInteger, nullable=False, server_default="0"),
    sa.CheckConstraint("total = goods_total + shipping_fee", name="total_sums"),
    # Lists page newest first by id: a consumer's orders, a store's orders (optionally by status).
    sa.Index("ix_orders_consumer", "consumer_id", "id"),
    sa.Index("ix_orders_store", "store_id", "id"),
    sa.Index("ix_orders_store_status", "store_id", "status", "id"),
    sa.Index("ix_orders_paid_at", "paid_at"),  # the recent-sales signal search ranks by (an hourly aggregate)
)

order_lines = sa.Table(
    "order_lines", metadata,
    id_column(),
    fk("order_id", "orders.id", ondelete="CASCADE"),
    sa.Column("sku_id", sa.String(26), nullable=False),
    sa.Column("product_id", sa.String(26), nullable=False),
    sa.Column("title_en", sa.String(200), nullable=False),
    sa.Column("title_zh", sa.String(200), nullable=False),
    sa.Column("sku_label", sa.String(300), nullable=False),
    sa.Column("unit_price", sa.BigInteger, nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("line_total", sa.BigInteger, nullable=False),  # unit_price x quantity, before discounts
    sa.Column("discount", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("paid", sa.BigInteger, nullable=False, server_default="0"),  # line_total - discount
    sa.Column("vertical_id", sa.String(26), nullable=False),
    sa.Column("commission_bp", sa.Integer, nullable=False),
    sa.Column("commission", sa.BigInteger, nullable=False),
)

order_events = sa.Table(
    "order_events", metadata,
    id_column(),
    fk("order_id", "orders.id", ondelete="CASCADE"),
    sa.Column("status", sa.String(20), nullable=False),
    timestamp("at"),
    sa.Column("actor_id", sa.String(26), nullable=True),  # None: the platform (a job or the payment callback)
    sa.Column("note", sa.String(300), nullable=False),
)

order_line_discounts = sa.Table(
    "order_line_discounts", metadata,
    id_column(),
    fk("order_id", "orders.id", ondelete="CASCADE"),
    fk("order_line_id", "order_lines.id", ondelete="CASCADE", index=False),
    sa.Column("promotion_id", sa.String(26), nullable=False),
    sa.Column("held_id", sa.String(26), nullable=True),  # the coupon or voucher spent, if any
    sa.Column("promo_class", sa.String(20), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("merchant", sa.BigInteger, nullable=False),  # merchant-funded part
    sa.Column("platform", sa.BigInteger, nullable=False),  # platform-funded part
    sa.CheckConstraint("amount > 0 AND merchant >= 0 AND platform >= 0 AND merchant + platform = amount",
                       name="funding_sums"),
)
