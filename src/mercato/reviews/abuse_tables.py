"""reviews abuse tables: reviewer risk scores, the flags they put on negative reviews, merchants' reports and the
operator's sanctions. Store ids are opaque references to stores; folding is the `reviews.folded` column."""

import sqlalchemy as sa

from mercato.kernel.db import fk, id_column, metadata, timestamp

# The latest scoring pass: one row per reviewer with reviews in its window (the pass replaces them all).
reviewer_risks = sa.Table(
    "reviewer_risks", metadata,
    sa.Column("consumer_id", sa.String(26), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reasons", sa.JSON, nullable=False),  # [{"code", "strength", "figures": {name: value}}]
    sa.Column("flagged", sa.Boolean, nullable=False),
    timestamp("computed_at"),
    sa.CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
    sa.Index("ix_reviewer_risks_flagged", "flagged", "score"),
)

# A negative review by a flagged reviewer, as of the latest pass.
review_flags = sa.Table(
    "review_flags", metadata,
    sa.Column("review_id", sa.String(26), sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("store_id", sa.String(26), nullable=False),
    fk("consumer_id", "users.id", index=False, ondelete="CASCADE"),
    sa.Column("score", sa.Float, nullable=False),
    timestamp("flagged_at"),
    sa.Index("ix_review_flags_store", "store_id", "flagged_at"),
)

# A merchant's report of a review of its store: one per review and store (the store is the reporter's).
review_reports = sa.Table(
    "review_reports", metadata,
    id_column(),
    sa.Column("review_id", sa.String(26), sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False),
    sa.Column("store_id", sa.String(26), nullable=False),
    fk("reporter_id", "users.id", index=False),
    sa.Column("reason", sa.String(20), nullable=False),
    sa.Column("note", sa.String(500), nullable=False),
    timestamp("created_at"),
    sa.UniqueConstraint("review_id", "store_id"),
    sa.Index("ix_review_reports_store", "store_id", "created_at"),
)

# An operator's bar on reviewing: in force from starts_at until ends_at unless lifted; the history stays.
reviewer_sanctions = sa.Table(
    "reviewer_sanctions", metadata,
    id_column(),
    fk("consumer_id", "users.id"),
    sa.Column("reason", sa.String(200), nullable=False),
    timestamp("starts_at"),
    timestamp("ends_at"),
    fk("created_by", "users.id", index=False),
    timestamp("lifted_at", nullable=True),
    fk("lifted_by", "users.id", nullable=True, index=False),
    sa.CheckConstraint("ends_at > starts_at", name="window"),
)
