"""credit tables: each consumer's latest credit score, its tier, the factors behind it and the facts it read."""

import sqlalchemy as sa

from mercato.kernel.db import metadata, timestamp

credit_scores = sa.Table(
    "credit_scores", metadata,
    sa.Column("consumer_id", sa.String(26), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("tier", sa.String(12), nullable=False),
    sa.Column("factors", sa.JSON, nullable=False),  # [[name, points, key]], largest first
    sa.Column("facts", sa.JSON, nullable=False),  # the CreditFacts the score was computed from
    timestamp("computed_at"),
    sa.CheckConstraint("score BETWEEN 350 AND 950", name="score_range"),
)
