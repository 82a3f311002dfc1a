"""reviews tables: one review per order line (with the order's store scores on its first review), follow-ups,
merchant replies and helpful votes. Order, line, product and store ids are opaque references to trade and catalog.
Scores are whole stars 1-5."""

import sqlalchemy as sa

from mercato.kernel.db import fk, id_column, metadata, timestamp

reviews = sa.Table(
    "reviews", metadata,
    id_column(),  # time-ordered: lists page newest first by id
    sa.Column("order_id", sa.String(26), nullable=False, index=True),
    sa.Column("order_line_id", sa.String(26), nullable=False, unique=True),  # once per order line, even in a race
    sa.Column("product_id", sa.String(26), nullable=False),
    sa.Column("store_id", sa.String(26), nullable=False),
    fk("consumer_id", "users.id", index=False),
    sa.Column("rating", sa.SmallInteger, nullable=False),
    sa.Column("text", sa.String(500), nullable=False),  # empty for a default rating
    # The store scores: set on the order's first review only (one set per order); NULL on the others and on
    # default ratings.
    sa.Column("dsr_description", sa.SmallInteger, nullable=True),
    sa.Column("dsr_service", sa.SmallInteger, nullable=True),
    sa.Column("dsr_logistics", sa.SmallInteger, nullable=True),
    sa.Column("is_default", sa.Boolean, nullable=False),
    sa.Column("folded", sa.Boolean, nullable=False),  # by the operator: still shown, out of every score
    sa.Column("helpful_count", sa.Integer, nullable=False),
    timestamp("created_at"),
    sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    sa.CheckConstraint("dsr_description BETWEEN 1 AND 5 AND dsr_service BETWEEN 1 AND 5 "
                       "AND dsr_logistics BETWEEN 1 AND 5", name="dsr_range"),
    sa.CheckConstraint("helpful_count >= 0", name="helpful_non_negative"),
    sa.Index("ix_reviews_product", "product_id", "id"),  # the product page, newest first
    sa.Index("ix_reviews_store", "store_id", "created_at"),  # the store's DSR window and the merchant's list
    sa.Index("ix_reviews_consumer", "consumer_id", "id"),  # my reviews
)

review_follow_ups = sa.Table(
    "review_follow_ups", metadata,
    sa.Column("review_id", sa.String(26), sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("text", sa.String(500), nullable=False),
    timestamp("created_at"),
)

review_replies = sa.Table(
    "review_replies", metadata,
    sa.Column("review_id", sa.String(26), sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
    fk("author_id", "users.id", index=False),  # the store's owner or staff who replied
    sa.Column("text", sa.String(500), nullable=False),
    timestamp("created_at"),
)

review_helpful_votes = sa.Table(
    "review_helpful_votes", metadata,
    sa.Column("review_id", sa.String(26), sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("consumer_id", sa.String(26), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    timestamp("created_at"),
)
