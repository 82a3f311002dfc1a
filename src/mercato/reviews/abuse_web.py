"""The review-abuse pages: the merchant's flagged reviews (report one), the operator's queue (fold, unfold,
sanction, lift, run a scoring pass). Every POST form carries the CSRF token."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.kernel.errors import DomainError, EntityNotFound
from mercato.kernel.http import runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.reviews import abuse_service as service
from mercato.reviews.model.abuse import REASON_CODES
from mercato.reviews.model.abuse_views import ReportReason, SanctionInvalid
from mercato.stores import service as stores
from mercato.stores.model import Permission, chosen_membership
from mercato.web import gettext, render, verify_csrf
from mercato.web.forms import N_, flash_of, refusal
from mercato.web.guards import PageRoute, page_operator, page_principal

router = APIRouter(route_class=PageRoute)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(page_principal)]
Operator = Annotated[Principal, Depends(page_operator)]
Csrf = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Form(max_length=200)]
Note = Annotated[str, Form(max_length=2000)]


FLASH = {"reported": N_("Thank you: the platform will look at this review"), "folded": N_("The review is folded"),
         "unfolded": N_("The review counts again"), "sanctioned": N_("The reviewer is barred from reviewing"),
         "lifted": N_("The sanction is lifted"), "queued": N_("A scoring pass is queued")}
REASON_LABELS = {
    "dense_block": N_("Part of a dense group of reviewers and stores"),
    "refund_after_negative": N_("Bad reviews followed by refund demands"),
    "coordinated_group": N_("Acts with other reviewers at the same stores"),
    "negative_rate": N_("Far more bad reviews than other reviewers"),
    "burst": N_("Many reviews in a short time"),
    "new_account": N_("New account"),
    "thin_history": N_("Few reviews"),
    "quiet_stores": N_("Reviews little-reviewed stores"),
}
REPORT_LABELS = {
    ReportReason.EXTORTION: N_("Demands a refund or compensation"), ReportReason.ABUSIVE: N_("Abusive"),
    ReportReason.IRRELEVANT: N_("Not about the goods or service"), ReportReason.COMPETITOR: N_("Written by a rival"),
    ReportReason.OTHER: N_("Other"),
}
assert set(REASON_LABELS) == set(REASON_CODES)


def _labels() -> dict[str, Any]:
    return {"reason_labels": {code: gettext(text) for code, text in REASON_LABELS.items()},
            "report_labels": {reason.value: gettext(text) for reason, text in REPORT_LABELS.items()}}


def _flash(done: str) -> str | None:
    return flash_of(FLASH, done)


def _failed(exc: DomainError) -> dict[str, Any]:
    return refusal(exc)


# --- the merchant -------------------------------------------------------------------------------------------------

def _merchant_page(request: Request, rt: Runtime, me: Principal, store_id: str, **context: Any) -> HTMLResponse:
    memberships = stores.stores_with(rt, me, Permission.ORDERS)
    membership = chosen_membership(memberships, store_id)
    found = service.flagged_reviews(rt, me, membership.store.id) if membership else []
    shown = {r.review_id for r in found}
    recent = [r for r in service.recent_bad_reviews(rt, me, membership.store.id)
              if r.review_id not in shown] if membership else []
    return render(request, "reviews/abuse_flagged.html", reviews=found, recent=recent, memberships=memberships,
                  store=membership.store if membership else None, reasons=list(ReportReason), **_labels(), **context)


@router.get("/merchant/reviews/flagged", response_class=HTMLResponse)
def merchant_flagged(request: Request, rt: Rt, me: Me, store_id: str = "", done: str = "") -> Response:
    return _merchant_page(request, rt, me, store_id[:26], flash=_flash(done))


@router.post("/merchant/reviews/flagged/{review_id}/report", response_class=HTMLResponse)
def merchant_report(request: Request, rt: Rt, me: Me, review_id: str, csrf_token: Csrf = "", store_id: Short = "",
                    reason: Short = "", note: Note = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.report_review(rt, me, store_id, review_id, reason, note)
    except DomainError as exc:
        if isinstance(exc, EntityNotFound):
            raise
        return _merchant_page(request, rt, me, store_id, **_failed(exc))
    return RedirectResponse(f"/merchant/reviews/flagged?store_id={store_id}&done=reported", status_code=303)


# --- the operator -------------------------------------------------------------------------------------------------

def _queue_page(request: Request, rt: Runtime, op: Principal, **context: Any) -> HTMLResponse:
    return render(request, "reviews/abuse_queue.html", items=service.abuse_queue(rt, op), **_labels(), **context)


@router.get("/ops/reviews/abuse", response_class=HTMLResponse)
def ops_queue(request: Request, rt: Rt, op: Operator, done: str = "") -> Response:
    return _queue_page(request, rt, op, flash=_flash(done))


def _acted(request: Request, rt: Runtime, op: Principal, done: str, act: Any) -> Response:
    """Run the operator's action; a refusal shows the queue with the reason, a success redirects."""
    try:
        act()
    except DomainError as exc:
        if isinstance(exc, EntityNotFound):
            raise
        return _queue_page(request, rt, op, **_failed(exc))
    return RedirectResponse(f"/ops/reviews/abuse?done={done}", status_code=303)


@router.post("/ops/reviews/abuse/score", response_class=HTMLResponse)
def ops_score(request: Request, rt: Rt, op: Operator, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    return _acted(request, rt, op, "queued", lambda: service.request_scoring(rt, op))


@router.post("/ops/reviews/abuse/{review_id}/fold", response_class=HTMLResponse)
def ops_fold(request: Request, rt: Rt, op: Operator, review_id: str, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    return _acted(request, rt, op, "folded", lambda: service.fold_review(rt, op, review_id))


@router.post("/ops/reviews/abuse/{review_id}/unfold", response_class=HTMLResponse)
def ops_unfold(request: Request, rt: Rt, op: Operator, review_id: str, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    return _acted(request, rt, op, "unfolded", lambda: service.unfold_review(rt, op, review_id))


def _days(raw: str) -> int:
    text = raw.strip()
    if not text.isdigit() or not 1 <= int(text) <= 1825:
        raise SanctionInvalid(field="until")
    return int(text)


@router.post("/ops/reviews/abuse/reviewers/{consumer_id}/sanction", response_class=HTMLResponse)
def ops_sanction(request: Request, rt: Rt, op: Operator, consumer_id: str, csrf_token: Csrf = "",
                 days: Short = "", reason: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    return _acted(request, rt, op, "sanctioned", lambda: service.sanction_reviewer(
        rt, op, consumer_id, rt.clock.now() + timedelta(days=_days(days)), reason))


@router.post("/ops/reviews/abuse/reviewers/{consumer_id}/lift", response_class=HTMLResponse)
def ops_lift(request: Request, rt: Rt, op: Operator, consumer_id: str, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    return _acted(request, rt, op, "lifted", lambda: service.lift_sanction(rt, op, consumer_id))
