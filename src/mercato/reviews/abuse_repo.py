"""Every query of review-abuse protection: the scoring pass's inputs and outputs (review edges, reviewer risks,
review flags), merchants' reports, the operator's queue and sanctions."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from mercato.reviews.abuse_tables import review_flags, review_reports, reviewer_risks, reviewer_sanctions
from mercato.reviews.model.abuse import ReviewEdge
from mercato.reviews.model.abuse_views import FlaggedReview, ReportReason, ReportView, RiskView, SanctionView
from mercato.reviews.tables import reviews

NEGATIVE_MAX_RATING = 2
CHUNK = 500


def _risk(row: Any) -> RiskView:
    reasons = row.reasons if not isinstance(row.reasons, str) else json.loads(row.reasons)
    return RiskView(row.consumer_id, float(row.score), bool(row.flagged), tuple(reasons), row.computed_at)


def _sanction(row: Any) -> SanctionView:
    return SanctionView(row.id, row.consumer_id, row.reason, row.starts_at, row.ends_at, row.created_by,
                        row.lifted_at, row.lifted_by)


def _report(row: Any) -> ReportView:
    return ReportView(row.id, row.review_id, row.store_id, row.reporter_id, ReportReason(row.reason), row.note,
                      row.created_at)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


class AbuseRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- the scoring pass ---------------------------------------------------------------------------------------

    def edges_since(self, since: datetime) -> list[tuple[str, ReviewEdge]]:
        """(review id, edge) for every review written since then; default ratings are nobody's behaviour."""
        query = (sa.select(reviews.c.id, reviews.c.consumer_id, reviews.c.store_id, reviews.c.product_id,
                           reviews.c.rating, reviews.c.created_at)
                 .where(reviews.c.created_at >= since, reviews.c.is_default.is_(False)).order_by(reviews.c.id))
        return [(row.id, ReviewEdge(row.consumer_id, row.store_id, row.product_id, int(row.rating), row.created_at))
                for row in self.conn.execute(query)]

    def replace_risks(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.conn.execute(sa.delete(reviewer_risks))
        for chunk in _chunks(rows):
            self.conn.execute(sa.insert(reviewer_risks), list(chunk))

    def replace_flags(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.conn.execute(sa.delete(review_flags))
        for chunk in _chunks(rows):
            self.conn.execute(sa.insert(review_flags), list(chunk))

    def risks_of(self, consumer_ids: Collection[str]) -> dict[str, RiskView]:
        if not consumer_ids:
            return {}
        query = sa.select(reviewer_risks).where(reviewer_risks.c.consumer_id.in_(sorted(set(consumer_ids))))
        return {row.consumer_id: _risk(row) for row in self.conn.execute(query)}

    # --- reviews and reports ------------------------------------------------------------------------------------

    def review(self, review_id: str, *, lock: bool = False) -> Any:
        query = sa.select(reviews.c.id, reviews.c.store_id, reviews.c.consumer_id, reviews.c.folded,
                          reviews.c.rating).where(reviews.c.id == review_id)
        return self.conn.execute(query.with_for_update() if lock else query).first()

    def add_report(self, values: Mapping[str, Any]) -> bool:
        """Insert the report unless the store has reported the review already (also under a race)."""
        insert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        statement = (insert(review_reports).values(**values)
                     .on_conflict_do_nothing(index_elements=["review_id", "store_id"]))
        # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT DO NOTHING
        return self.conn.execute(statement.returning(review_reports.c.id)).first() is not None

    def reports_of(self, review_ids: Collection[str]) -> dict[str, list[ReportView]]:
        found: dict[str, list[ReportView]] = {}
        if review_ids:
            query = (sa.select(review_reports).where(review_reports.c.review_id.in_(sorted(set(review_ids))))
                     .order_by(review_reports.c.created_at, review_reports.c.id))
            for row in self.conn.execute(query):
                found.setdefault(row.review_id, []).append(_report(row))
        return found

    def flagged_of_store(self, store_id: str, limit: int) -> list[FlaggedReview]:
        """The store's flagged or reported reviews, newest first."""
        reported = sa.select(review_reports.c.review_id).where(review_reports.c.store_id == store_id)
        flagged = sa.select(review_flags.c.review_id).where(review_flags.c.store_id == store_id)
        ids = reported.union(flagged).subquery()
        return self._reviews(sa.select(ids.c.review_id), limit, store_id=store_id)

    def negative_of_store(self, store_id: str, since: datetime, limit: int) -> list[FlaggedReview]:
        """The store's bad reviews (<= 2 stars, default ratings aside) written since then, newest first."""
        ids = sa.select(reviews.c.id).where(reviews.c.store_id == store_id, reviews.c.created_at >= since,
                                            reviews.c.rating <= NEGATIVE_MAX_RATING, reviews.c.is_default.is_(False))
        return self._reviews(ids, limit, store_id=store_id)

    def queue(self, limit: int) -> list[FlaggedReview]:
        """Every flagged or reported review, newest first."""
        ids = sa.select(review_reports.c.review_id).union(sa.select(review_flags.c.review_id)).subquery()
        return self._reviews(sa.select(ids.c.review_id), limit)

    def _reviews(self, ids: sa.Select[Any], limit: int, store_id: str | None = None) -> list[FlaggedReview]:
        query = (sa.select(reviews, review_flags.c.review_id.label("flag"), reviewer_risks.c.score.label("risk"),
                           reviewer_risks.c.reasons.label("reasons"))
                 .outerjoin(review_flags, review_flags.c.review_id == reviews.c.id)
                 .outerjoin(reviewer_risks, reviewer_risks.c.consumer_id == reviews.c.consumer_id)
                 .where(reviews.c.id.in_(ids)).order_by(reviews.c.created_at.desc(), reviews.c.id.desc())
                 .limit(limit))
        if store_id is not None:
            query = query.where(reviews.c.store_id == store_id)
        rows = list(self.conn.execute(query))
        reports = self.reports_of([row.id for row in rows])
        return [self._flagged(row, reports.get(row.id, [])) for row in rows]

    @staticmethod
    def _flagged(row: Any, reports: list[ReportView]) -> FlaggedReview:
        reasons = row.reasons if not isinstance(row.reasons, str) else json.loads(row.reasons)
        return FlaggedReview(row.id, row.store_id, row.product_id, row.consumer_id, int(row.rating), row.text,
                             row.created_at, bool(row.folded), row.flag is not None,
                             None if row.risk is None else float(row.risk),
                             tuple(str(r["code"]) for r in reasons or ()), tuple(reports))

    # --- sanctions ----------------------------------------------------------------------------------------------

    def add_sanction(self, values: Mapping[str, Any]) -> None:
        self.conn.execute(sa.insert(reviewer_sanctions).values(**values))

    def sanction_in_force(self, consumer_id: str, now: datetime, *, lock: bool = False) -> SanctionView | None:
        s = reviewer_sanctions
        query = (sa.select(s).where(s.c.consumer_id == consumer_id, s.c.lifted_at.is_(None), s.c.starts_at <= now,
                                    s.c.ends_at > now).order_by(s.c.ends_at.desc()).limit(1))
        row = self.conn.execute(query.with_for_update() if lock else query).first()
        return _sanction(row) if row else None

    def sanctions_in_force(self, consumer_ids: Collection[str], now: datetime) -> dict[str, SanctionView]:
        s = reviewer_sanctions
        if not consumer_ids:
            return {}
        query = (sa.select(s).where(s.c.consumer_id.in_(sorted(set(consumer_ids))), s.c.lifted_at.is_(None),
                                    s.c.starts_at <= now, s.c.ends_at > now).order_by(s.c.ends_at))
        return {row.consumer_id: _sanction(row) for row in self.conn.execute(query)}

    def lift(self, sanction_id: str, now: datetime, by: str) -> None:
        s = reviewer_sanctions
        self.conn.execute(sa.update(s).where(s.c.id == sanction_id).values(lifted_at=now, lifted_by=by))

    def sanctions_of(self, consumer_id: str) -> list[SanctionView]:
        s = reviewer_sanctions
        query = sa.select(s).where(s.c.consumer_id == consumer_id).order_by(s.c.starts_at.desc(), s.c.id.desc())
        return [_sanction(row) for row in self.conn.execute(query)]

    def violations(self, consumer_id: str) -> int:
        """Sanctions never lifted, in force or past: a lifted one was a mistake undone."""
        s = reviewer_sanctions
        query = sa.select(sa.func.count()).select_from(s).where(s.c.consumer_id == consumer_id,
                                                                s.c.lifted_at.is_(None))
        return int(self.conn.execute(query).scalar_one())

    def lock_user(self, consumer_id: str) -> None:
        """Serialise sanctions of one consumer (PostgreSQL; SQLite has one writer)."""
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                              {"key": f"reviewer_sanction:{consumer_id}"})
