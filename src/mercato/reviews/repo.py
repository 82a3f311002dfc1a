"""Every query of reviews: reviews and their follow-ups, replies and helpful votes, the aggregates the scores read,
and the pages (newest first by id, which is time-ordered)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from mercato.reviews.model import FollowUpView, ReplyView, ReviewView, ScoredOrder, StoreScores
from mercato.reviews.tables import review_follow_ups, review_helpful_votes, review_replies, reviews

r = reviews


def _scores(row: Any) -> StoreScores | None:
    if row.dsr_description is None:
        return None
    return StoreScores(int(row.dsr_description), int(row.dsr_service), int(row.dsr_logistics))


def review_view(row: Any, follow_up: FollowUpView | None = None, reply: ReplyView | None = None) -> ReviewView:
    return ReviewView(id=row.id, order_id=row.order_id, order_line_id=row.order_line_id, product_id=row.product_id,
                      store_id=row.store_id, consumer_id=row.consumer_id, rating=int(row.rating), text=row.text,
                      store_scores=_scores(row), is_default=bool(row.is_default), folded=bool(row.folded),
                      helpful_count=int(row.helpful_count), created_at=row.created_at, follow_up=follow_up,
                      reply=reply)


class ReviewRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _insert_once(self, table: sa.Table, values: Mapping[str, Any], unique: Sequence[str]) -> bool:
        """Insert unless a row with the same unique key exists (also one a concurrent transaction committed);
        whether this call inserted it."""
        insert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=unique)
        # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT DO NOTHING
        return self.conn.execute(statement.returning(table.c[unique[0]])).first() is not None

    # --- writes ---------------------------------------------------------------------------------------------------

    def insert_review(self, values: Mapping[str, Any]) -> bool:
        return self._insert_once(r, values, ["order_line_id"])

    def insert_follow_up(self, review_id: str, text: str, now: datetime) -> bool:
        return self._insert_once(review_follow_ups, {"review_id": review_id, "text": text, "created_at": now},
                                 ["review_id"])

    def insert_reply(self, review_id: str, author_id: str, text: str, now: datetime) -> bool:
        return self._insert_once(review_replies, {"review_id": review_id, "author_id": author_id, "text": text,
                                                  "created_at": now}, ["review_id"])

    def insert_vote(self, review_id: str, consumer_id: str, now: datetime) -> int | None:
        """Record the vote and count it; the review's new helpful count, or None when this consumer had voted."""
        if not self._insert_once(review_helpful_votes, {"review_id": review_id, "consumer_id": consumer_id,
                                                        "created_at": now}, ["review_id", "consumer_id"]):
            return None
        row = self.conn.execute(r.update().where(r.c.id == review_id).values(helpful_count=r.c.helpful_count + 1)
                                .returning(r.c.helpful_count)).one()
        return int(row.helpful_count)

    def set_folded(self, review_id: str, folded: bool) -> bool:
        """Whether the flag changed (a repeat changes nothing)."""
        result = self.conn.execute(r.update().where(r.c.id == review_id, r.c.folded.is_not(folded))
                                   .values(folded=folded))
        return bool(result.rowcount == 1)

    # --- single reads ---------------------------------------------------------------------------------------------

    def get(self, review_id: str, *, lock: bool = False) -> ReviewView | None:
        query = sa.select(r).where(r.c.id == review_id)
        row = self.conn.execute(query.with_for_update() if lock else query).first()
        return self.with_extras([review_view(row)])[0] if row else None

    def by_line(self, order_line_id: str) -> ReviewView | None:
        row = self.conn.execute(sa.select(r).where(r.c.order_line_id == order_line_id)).first()
        return review_view(row) if row else None

    def reviewed_lines(self, line_ids: Collection[str]) -> set[str]:
        if not line_ids:
            return set()
        query = sa.select(r.c.order_line_id).where(r.c.order_line_id.in_(sorted(set(line_ids))))
        return {str(v) for v in self.conn.execute(query).scalars()}

    def order_has_scores(self, order_id: str) -> bool:
        query = sa.select(r.c.id).where(r.c.order_id == order_id, r.c.dsr_description.is_not(None)).limit(1)
        return self.conn.execute(query).first() is not None

    # --- aggregates -----------------------------------------------------------------------------------------------

    def product_totals(self, product_id: str) -> tuple[int, int]:
        """(sum of stars, count) of the product's reviews that are not folded."""
        row = self.conn.execute(sa.select(sa.func.coalesce(sa.func.sum(r.c.rating), 0), sa.func.count())
                                .where(r.c.product_id == product_id, r.c.folded.is_(False))).one()
        return int(row[0]), int(row[1])

    def scored_orders(self, store_id: str, since: datetime) -> list[ScoredOrder]:
        """The store's order score sets given since `since`, each marked folded when any review of its order is."""
        rows = list(self.conn.execute(
            sa.select(r.c.order_id, r.c.created_at, r.c.dsr_description, r.c.dsr_service, r.c.dsr_logistics)
            .where(r.c.store_id == store_id, r.c.created_at >= since, r.c.dsr_description.is_not(None))
            .order_by(r.c.id)))
        order_ids = sorted({row.order_id for row in rows})
        folded = set(self.conn.execute(sa.select(r.c.order_id).where(
            r.c.order_id.in_(order_ids), r.c.folded.is_(True))).scalars()) if order_ids else set()
        return [ScoredOrder(row.order_id, row.created_at, _scores(row) or StoreScores(5, 5, 5),
                            row.order_id in folded) for row in rows]

    def helpful_reviews_of(self, consumer_id: str) -> int:
        query = sa.select(sa.func.count()).where(r.c.consumer_id == consumer_id, r.c.helpful_count > 0,
                                                 r.c.folded.is_(False))
        return int(self.conn.execute(query).scalar_one())

    def stores_scored_since(self, since: datetime, after: str | None, limit: int) -> list[str]:
        """Stores with a store score set given since `since`, by id after `after` (the daily refresh's batches)."""
        query = (sa.select(r.c.store_id).where(r.c.created_at >= since, r.c.dsr_description.is_not(None))
                 .group_by(r.c.store_id).order_by(r.c.store_id).limit(limit))
        if after is not None:
            query = query.where(r.c.store_id > after)
        return [str(v) for v in self.conn.execute(query).scalars()]

    # --- pages ----------------------------------------------------------------------------------------------------

    def page(self, *, after: str | None, limit: int, product_id: str | None = None, store_id: str | None = None,
             consumer_id: str | None = None) -> list[ReviewView]:
        """`limit` reviews newest first after the id `after`, of one product, store or consumer."""
        query = sa.select(r).order_by(r.c.id.desc()).limit(limit)
        for column, value in ((r.c.product_id, product_id), (r.c.store_id, store_id),
                              (r.c.consumer_id, consumer_id)):
            if value is not None:
                query = query.where(column == value)
        if after is not None:
            query = query.where(r.c.id < after)
        return self.with_extras([review_view(row) for row in self.conn.execute(query)])

    def with_extras(self, views: list[ReviewView]) -> list[ReviewView]:
        """The reviews with their follow-ups and replies (two statements for any number of reviews)."""
        ids = [v.id for v in views]
        if not ids:
            return views
        follow_ups = {row.review_id: FollowUpView(row.text, row.created_at) for row in self.conn.execute(
            sa.select(review_follow_ups).where(review_follow_ups.c.review_id.in_(ids)))}
        replies = {row.review_id: ReplyView(row.text, row.created_at) for row in self.conn.execute(
            sa.select(review_replies).where(review_replies.c.review_id.in_(ids)))}
        return [_extended(v, follow_ups.get(v.id), replies.get(v.id)) for v in views]

    def voted(self, consumer_id: str, review_ids: Collection[str]) -> set[str]:
        if not review_ids:
            return set()
        query = sa.select(review_helpful_votes.c.review_id).where(
            review_helpful_votes.c.consumer_id == consumer_id, review_helpful_votes.c.review_id.in_(list(review_ids)))
        return {str(v) for v in self.conn.execute(query).scalars()}


def _extended(view: ReviewView, follow_up: FollowUpView | None, reply: ReplyView | None) -> ReviewView:
    return replace(view, follow_up=follow_up, reply=reply)
