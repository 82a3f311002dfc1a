"""What reviews asks trade: the facts of the order lines a consumer may review (whose order, its status, when its
receipt was confirmed), as plain values; and, when an order completes, the job that gives its unreviewed lines the
default positive rating once the review window has closed (the job's handler lives in reviews, above trade)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from mercato.kernel import jobs
from mercato.kernel.uow import UnitOfWork
from mercato.trade.model import looks_like_order_no
from mercato.trade.tables import order_lines, orders

DEFAULT_REVIEWS_JOB = "reviews.default_ratings"
REVIEW_WINDOW = timedelta(days=15)  # the same as reviews.model.REVIEW_WINDOW (a reviews test checks they agree)


@dataclass(frozen=True, slots=True)
class ReviewableLine:
    order_id: str
    order_no: str
    order_line_id: str
    product_id: str
    store_id: str
    consumer_id: str
    title_en: str
    title_zh: str
    sku_label: str
    status: str  # the order's status; "completed" once its receipt is confirmed
    completed_at: datetime | None


def _select() -> sa.Select[tuple[object, ...]]:
    return (sa.select(orders.c.id.label("order_id"), orders.c.order_no, order_lines.c.id.label("line_id"),
                      order_lines.c.product_id, orders.c.store_id, orders.c.consumer_id, order_lines.c.title_en,
                      order_lines.c.title_zh, order_lines.c.sku_label, orders.c.status, orders.c.completed_at)
            .join(order_lines, order_lines.c.order_id == orders.c.id).order_by(order_lines.c.id))


def _line(row: sa.Row[tuple[object, ...]]) -> ReviewableLine:
    r = row._mapping
    return ReviewableLine(str(r["order_id"]), str(r["order_no"]), str(r["line_id"]), str(r["product_id"]),
                          str(r["store_id"]), str(r["consumer_id"]), str(r["title_en"]), str(r["title_zh"]),
                          str(r["sku_label"]), str(r["status"]), r["completed_at"])


def reviewable_lines_in(uow: UnitOfWork, consumer_id: str, order_no: str) -> list[ReviewableLine]:
    """The lines of the consumer's order `order_no` (none when it is not theirs or does not exist)."""
    if not looks_like_order_no(order_no):
        return []
    query = _select().where(orders.c.order_no == order_no, orders.c.consumer_id == consumer_id)
    return [_line(row) for row in uow.conn.execute(query)]


def order_lines_for_reviews_in(uow: UnitOfWork, order_id: str) -> list[ReviewableLine]:
    """Every line of one order, for the default-rating job."""
    return [_line(row) for row in uow.conn.execute(_select().where(orders.c.id == order_id))]


def review_lines_by_ids_in(uow: UnitOfWork, line_ids: Collection[str]) -> dict[str, ReviewableLine]:
    """These order lines by id (the titles shown beside reviews)."""
    if not line_ids:
        return {}
    rows = uow.conn.execute(_select().where(order_lines.c.id.in_(sorted(set(line_ids)))))
    return {line.order_line_id: line for line in map(_line, rows)}


def schedule_default_reviews_in(uow: UnitOfWork, order_id: str, completed_at: datetime) -> None:
    """Called as the order completes: once its review window closes, reviews rates what was left unrated."""
    jobs.enqueue(uow, DEFAULT_REVIEWS_JOB, {"order_id": order_id}, now=completed_at,
                 run_at=completed_at + REVIEW_WINDOW, key=f"{DEFAULT_REVIEWS_JOB}:{order_id}")
