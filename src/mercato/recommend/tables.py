"""recommend tables: the append-only behaviour event log, the dropped-event counters and the trained models."""

import sqlalchemy as sa

from mercato.kernel.db import metadata, timestamp

# A 64-bit sequence on PostgreSQL; on SQLite only INTEGER PRIMARY KEY is the rowid alias that autoincrements.
EVENT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# `actor_id` is a consumer's user id (26 characters) or an anonymous visitor's key ("v_" + 24 hex characters of a
# hash of the visitor's cookie token). Training reads by `id` in batches; history reads by (actor_id, at, id)
# newest first straight from the index.
recommend_events = sa.Table(
    "recommend_events", metadata,
    sa.Column("id", EVENT_ID, primary_key=True, autoincrement=True),
    sa.Column("actor_id", sa.String(40), nullable=False),
    sa.Column("product_id", sa.String(26), nullable=False),
    sa.Column("store_id", sa.String(26), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("query", sa.String(200), nullable=True),  # search_click only: the query the click came from
    timestamp("at"),
    sa.Index("ix_recommend_events_actor_at", "actor_id", "at", "id"),
    sa.Index("ix_recommend_events_at", "at"),
)

# Events refused, counted per UTC day and reason (unknown_product, inactive_product, bot, kind_invalid).
recommend_event_drops = sa.Table(
    "recommend_event_drops", metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("reason", sa.String(32), primary_key=True),
    sa.Column("dropped", sa.BigInteger, nullable=False),
)

# One row per trained model, the newest the largest id (ids increase with creation); `blob` is a compressed
# numpy .npz of plain arrays (no pickled objects).
recommend_models = sa.Table(
    "recommend_models", metadata,
    sa.Column("id", sa.String(26), primary_key=True),
    timestamp("trained_at"),
    sa.Column("events_used", sa.BigInteger, nullable=False),
    sa.Column("last_event_id", sa.BigInteger, nullable=False),  # the newest event the model saw (refresh trigger)
    sa.Column("item_count", sa.Integer, nullable=False),
    sa.Column("blob", sa.LargeBinary, nullable=False),
    sa.Column("metrics", sa.JSON, nullable=False),
)
