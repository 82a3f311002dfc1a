"""Catalog tables. Products carry their category path and a few denormalised facts so listings need no joins."""

import sqlalchemy as sa

from mercato.kernel.db import fk, id_column, metadata, timestamp

categories = sa.Table(
    "categories", metadata,
    id_column(),
    fk("parent_id", "categories.id", nullable=True),
    sa.Column("level", sa.SmallInteger, nullable=False),  # 1 = vertical, 2, 3
    sa.Column("slug", sa.String(64), nullable=False, unique=True),
    sa.Column("name_en", sa.String(64), nullable=False),
    sa.Column("name_zh", sa.String(64), nullable=False),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("restricted", sa.Boolean, nullable=False, default=False),  # listings wait for operator review
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    timestamp("created_at"),
)

category_attributes = sa.Table(
    "category_attributes", metadata,
    sa.Column("category_id", sa.String(26), sa.ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("name_en", sa.String(64), nullable=False),
    sa.Column("name_zh", sa.String(64), nullable=False),
    sa.Column("required", sa.Boolean, nullable=False, default=False),
    sa.Column("options", sa.JSON, nullable=True),  # allowed values, or null for free text
    sa.Column("position", sa.Integer, nullable=False, default=0),
)

commission_rates = sa.Table(
    "commission_rates", metadata,
    sa.Column("vertical_id", sa.String(26), sa.ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("store_kind", sa.String(16), primary_key=True),  # flagship | independent
    sa.Column("rate_bp", sa.Integer, nullable=False),  # basis points: 500 = 5.00 %
    timestamp("updated_at"),
)

prohibited_words = sa.Table(
    "prohibited_words", metadata,
    id_column(),
    sa.Column("word", sa.String(64), nullable=False, unique=True),  # stored case-folded
    timestamp("created_at"),
)

products = sa.Table(
    "products", metadata,
    id_column(),  # time-ordered, so ordering by id is ordering by creation
    fk("store_id", "stores.id", index=False),  # ix_products_store leads with store_id
    sa.Column("store_kind", sa.String(16), nullable=False),
    fk("brand_id", "brands.id", nullable=True, index=False),  # ix_products_brand_path leads with brand_id
    fk("category_id", "categories.id", index=False),
    sa.Column("vertical_id", sa.String(26), nullable=False),
    sa.Column("category_l2_id", sa.String(26), nullable=True),
    sa.Column("category_l3_id", sa.String(26), nullable=True),
    sa.Column("title_en", sa.String(200), nullable=False),
    sa.Column("title_zh", sa.String(200), nullable=False),
    sa.Column("description_en", sa.Text, nullable=False, default=""),
    sa.Column("description_zh", sa.Text, nullable=False, default=""),
    sa.Column("attributes", sa.JSON, nullable=False),  # {code: value}
    sa.Column("image_urls", sa.JSON, nullable=False),  # [url, ...]
    sa.Column("status", sa.String(16), nullable=False),  # draft | pending_review | active | rejected | delisted
    sa.Column("review_note", sa.String(500), nullable=True),
    sa.Column("min_price_minor", sa.BigInteger, nullable=False),  # over active SKUs
    sa.Column("max_price_minor", sa.BigInteger, nullable=False),
    sa.Column("in_stock", sa.Boolean, nullable=False, default=False),  # kept by inventory
    sa.Column("sales_count", sa.Integer, nullable=False, default=0),
    timestamp("created_at"),
    timestamp("updated_at"),
    # The rating, stars x 100 (NULL until reviewed), and how many reviews count, kept by reviews
    # (catalog.service.set_rating_in).
    sa.Column("rating", sa.Integer, nullable=True),
    sa.Column("rating_count", sa.Integer, nullable=False, server_default="0"),
    sa.Index("ix_products_store", "store_id", "status"),
    sa.Index("ix_products_l1", "status", "vertical_id", "id"),
    sa.Index("ix_products_l2", "status", "category_l2_id", "id"),
    sa.Index("ix_products_l3", "status", "category_l3_id", "id"),
    sa.Index("ix_products_status_id", "status", "id"),
    # Shopper listings (catalog.browse_repo): one index per sort order per category level, and the brand's and
    # store kind's products by category path and price, which a listing walks when they are few.
    sa.Index("ix_products_price", "status", "min_price_minor", "id"),
    sa.Index("ix_products_sales", "status", "sales_count", "id"),
    sa.Index("ix_products_l1_price", "status", "vertical_id", "min_price_minor", "id"),
    sa.Index("ix_products_l1_sales", "status", "vertical_id", "sales_count", "id"),
    sa.Index("ix_products_l2_price", "status", "category_l2_id", "min_price_minor", "id"),
    sa.Index("ix_products_l2_sales", "status", "category_l2_id", "sales_count", "id"),
    sa.Index("ix_products_l3_price", "status", "category_l3_id", "min_price_minor", "id"),
    sa.Index("ix_products_l3_sales", "status", "category_l3_id", "sales_count", "id"),
    sa.Index("ix_products_brand_path", "brand_id", "status", "vertical_id", "category_l2_id", "category_l3_id",
             "min_price_minor"),
    sa.Index("ix_products_kind_path", "store_kind", "status", "vertical_id", "category_l2_id", "category_l3_id",
             "min_price_minor"),
)

skus = sa.Table(
    "skus", metadata,
    id_column(),
    fk("product_id", "products.id", ondelete="CASCADE"),
    sa.Column("store_id", sa.String(26), nullable=False),
    sa.Column("code", sa.String(64), nullable=False),  # the merchant's own SKU code, unique per store
    sa.Column("options", sa.JSON, nullable=False),  # {"colour": "Red", "size": "M"}
    sa.Column("price_minor", sa.BigInteger, nullable=False),
    sa.Column("list_price_minor", sa.BigInteger, nullable=True),  # crossed-out price, if any
    sa.Column("status", sa.String(16), nullable=False),  # active | inactive
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.UniqueConstraint("store_id", "code", name="uq_skus_store_code"),
    sa.CheckConstraint("price_minor > 0", name="price_positive"),
)
