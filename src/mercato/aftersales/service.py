"""The after-sales use cases, one public surface: the consumer's requests (ask, withdraw, ship back, escalate),
the merchant's answers (agree, refuse, confirm receipt), the operator's decisions, the deadline jobs, and the facts
credit and abuse detection read. Public use cases take `rt` first; `*_in` helpers take the caller's `uow`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from mercato.aftersales._consumer import (
    cancel_request,
    escalate,
    my_order_requests,
    my_request,
    my_requests,
    refund_form,
    request_refund,
    ship_back,
)
from mercato.aftersales._core import ANSWER_JOB, ESCALATE_JOB, RECEIPT_JOB, RETURN_JOB
from mercato.aftersales._decisions import (
    agree,
    answer_due_job,
    confirm_received,
    decide,
    dispute,
    disputes,
    escalate_due_job,
    on_order_cancelled,
    receipt_due_job,
    refuse,
    return_due_job,
    store_request,
    store_requests,
)
from mercato.aftersales._verify import verify_aftersales, verify_in
from mercato.aftersales.model import AftersalesCreditFacts, Status
from mercato.aftersales.repo import RequestRepo
from mercato.kernel.jobs import Handler
from mercato.kernel.uow import UnitOfWork
from mercato.trade import service as trade

JOB_HANDLERS: dict[str, Handler] = {
    ANSWER_JOB: answer_due_job,
    RETURN_JOB: return_due_job,
    RECEIPT_JOB: receipt_due_job,
    ESCALATE_JOB: escalate_due_job,
}


def credit_facts_in(uow: UnitOfWork, consumer_id: str, since: datetime) -> AftersalesCreditFacts:
    """The consumer's refunds (and how many for their own fault), lost disputes, returns never shipped back and
    clawed-back quick refunds since `since`."""
    return RequestRepo(uow.conn).credit_facts(consumer_id, since)


def fully_refunded_lines_in(uow: UnitOfWork, order_id: str) -> set[str]:
    """The order's lines every unit of which went back (refunded requests covering all its units): nothing is left
    for their buyer to rate, so reviews gives them no default rating."""
    order = trade.order_for_aftersales_in(uow, order_id=order_id)
    if order is None:
        return set()
    refunded: dict[str, int] = {}
    for request in RequestRepo(uow.conn).of_orders([order_id]):
        if request.status is Status.REFUNDED:
            refunded[request.order_line_id] = refunded.get(request.order_line_id, 0) + request.units
    return {line.id for line in order.lines if refunded.get(line.id, 0) >= line.quantity}


def request_times_in(uow: UnitOfWork, consumer_ids: Collection[str]) -> dict[tuple[str, str], list[datetime]]:
    """Per (consumer, store): when the consumer opened refund requests at that store, oldest first."""
    return RequestRepo(uow.conn).request_times(sorted(consumer_ids))


__all__ = [
    "ANSWER_JOB",
    "ESCALATE_JOB",
    "JOB_HANDLERS",
    "RECEIPT_JOB",
    "RETURN_JOB",
    "agree",
    "answer_due_job",
    "cancel_request",
    "confirm_received",
    "credit_facts_in",
    "decide",
    "dispute",
    "disputes",
    "escalate",
    "escalate_due_job",
    "fully_refunded_lines_in",
    "my_order_requests",
    "my_request",
    "my_requests",
    "on_order_cancelled",
    "receipt_due_job",
    "refund_form",
    "refuse",
    "request_refund",
    "request_times_in",
    "return_due_job",
    "ship_back",
    "store_request",
    "store_requests",
    "verify_aftersales",
    "verify_in",
]
