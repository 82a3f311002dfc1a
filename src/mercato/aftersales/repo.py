"""Every after-sales query, on one connection, returning model values. Status changes are conditional UPDATEs
whose row count is the decision, so a merchant and a job racing on one request move it once."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.aftersales.model import (
    BUYER_FAULT,
    OPEN,
    AftersalesCreditFacts,
    Decision,
    Evidence,
    Kind,
    Reason,
    RefundRequest,
    RequestEvent,
    Status,
)
from mercato.aftersales.tables import refund_events, refund_evidence, refund_requests
from mercato.kernel.idgen import new_id

_R = refund_requests


def _request(row: Any) -> RefundRequest:
    return RefundRequest(
        row.id, row.request_no, row.order_id, row.order_no, row.order_line_id, row.consumer_id, row.store_id,
        Kind(row.kind), row.units, Reason(row.reason), row.note, Status(row.status), int(row.amount),
        int(row.commission_share), int(row.platform_share), int(row.refunded), int(row.shipping), bool(row.quick),
        row.due_at, row.carrier, row.tracking_no, row.refusal, Decision(row.decision) if row.decision else None,
        row.title_en, row.title_zh, row.created_at, row.updated_at)


def _select() -> sa.Select[Any]:
    return sa.select(_R)


class RequestRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- writes -----------------------------------------------------------------------------------------------

    def insert(self, values: dict[str, Any]) -> None:
        self.conn.execute(_R.insert().values(**values))

    def move(self, request_id: str, sources: Collection[Status], target: Status, now: datetime,
             **values: Any) -> bool:
        """Move the request from one of `sources` to `target` (conditional update); whether it moved."""
        query = (_R.update().where(_R.c.id == request_id, _R.c.status.in_([s.value for s in sources]))
                 .values(status=target.value, updated_at=now, **values))
        return self.conn.execute(query).rowcount == 1

    def set(self, request_id: str, **values: Any) -> None:
        self.conn.execute(_R.update().where(_R.c.id == request_id).values(**values))

    def add_event(self, request_id: str, status: Status, at: datetime, actor_id: str | None, note: str) -> None:
        self.conn.execute(refund_events.insert().values(id=new_id(), request_id=request_id, status=status.value,
                                                        at=at, actor_id=actor_id, note=note[:300]))

    def add_evidence(self, request_id: str, party: str, author_id: str | None, text: str, at: datetime) -> None:
        self.conn.execute(refund_evidence.insert().values(id=new_id(), request_id=request_id, party=party,
                                                          author_id=author_id, text=text, created_at=at))

    # --- reads ------------------------------------------------------------------------------------------------

    def get(self, request_id: str) -> RefundRequest | None:
        row = self.conn.execute(_select().where(_R.c.id == request_id)).first()
        return _request(row) if row else None

    def by_no(self, request_no: str) -> RefundRequest | None:
        row = self.conn.execute(_select().where(_R.c.request_no == request_no)).first()
        return _request(row) if row else None

    def page(self, *, consumer_id: str | None = None, store_id: str | None = None,
             statuses: Collection[Status] = (), before_id: str | None, limit: int) -> list[RefundRequest]:
        query = _select()
        if consumer_id is not None:
            query = query.where(_R.c.consumer_id == consumer_id)
        if store_id is not None:
            query = query.where(_R.c.store_id == store_id)
        if statuses:
            query = query.where(_R.c.status.in_([s.value for s in statuses]))
        if before_id is not None:
            query = query.where(_R.c.id < before_id)
        return [_request(r) for r in self.conn.execute(query.order_by(_R.c.id.desc()).limit(limit))]

    def of_orders(self, order_ids: Iterable[str]) -> list[RefundRequest]:
        ids = sorted(set(order_ids))
        if not ids:
            return []
        return [_request(r) for r in self.conn.execute(_select().where(_R.c.order_id.in_(ids)).order_by(_R.c.id))]

    def with_money(self) -> list[RefundRequest]:
        """The requests that moved or may move money: refunded ones and quick refunds."""
        query = _select().where(sa.or_(_R.c.status == Status.REFUNDED.value, _R.c.quick.is_(True)))
        return [_request(r) for r in self.conn.execute(query.order_by(_R.c.id))]

    def open_on_line(self, order_line_id: str) -> bool:
        query = sa.select(_R.c.id).where(_R.c.order_line_id == order_line_id,
                                         _R.c.status.in_(sorted(s.value for s in OPEN)))
        return self.conn.execute(query.limit(1)).first() is not None

    def events(self, request_id: str) -> list[RequestEvent]:
        query = (sa.select(refund_events).where(refund_events.c.request_id == request_id)
                 .order_by(refund_events.c.at, refund_events.c.id))
        return [RequestEvent(Status(r.status), r.at, r.actor_id, r.note) for r in self.conn.execute(query)]

    def evidence(self, request_id: str) -> list[Evidence]:
        query = (sa.select(refund_evidence).where(refund_evidence.c.request_id == request_id)
                 .order_by(refund_evidence.c.created_at, refund_evidence.c.id))
        return [Evidence(r.party, r.text, r.created_at) for r in self.conn.execute(query)]

    def credit_facts(self, consumer_id: str, since: datetime) -> AftersalesCreditFacts:
        """Five counts in one statement (each fact dated by when it happened)."""
        def count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
            return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

        refunded = sa.and_(_R.c.status == Status.REFUNDED.value, _R.c.refunded_at >= since)
        query = sa.select(
            count(refunded),
            count(sa.and_(refunded, _R.c.reason.in_([r.value for r in BUYER_FAULT]))),
            count(sa.and_(_R.c.status == Status.DENIED.value, _R.c.decided_at >= since)),
            count(sa.and_(_R.c.closed_reason == "never_shipped", _R.c.closed_at >= since)),
            count(_R.c.clawed_back_at >= since),
        ).where(_R.c.consumer_id == consumer_id)
        return AftersalesCreditFacts(*(int(v) for v in self.conn.execute(query).one()))

    def request_times(self, consumer_ids: Sequence[str]) -> dict[tuple[str, str], list[datetime]]:
        out: dict[tuple[str, str], list[datetime]] = {}
        if not consumer_ids:
            return out
        query = (sa.select(_R.c.consumer_id, _R.c.store_id, _R.c.created_at)
                 .where(_R.c.consumer_id.in_(sorted(set(consumer_ids)))).order_by(_R.c.created_at, _R.c.id))
        for row in self.conn.execute(query):
            out.setdefault((row.consumer_id, row.store_id), []).append(row.created_at)
        return out
