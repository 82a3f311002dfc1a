"""The reviews pages: the review form (linked per line from a received order), my reviews with their follow-ups,
a product's reviews as an htmx fragment of the product page (with the product's rating and its store's scores,
and the helpful button), a store's scores as a fragment of the store page, and the merchant's reviews with replies.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.kernel.errors import DomainError
from mercato.kernel.http import optional_principal, runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.reviews import service
from mercato.reviews.model import StoreScores
from mercato.stores import service as stores
from mercato.web import gettext, render, verify_csrf
from mercato.web.forms import N_, flash_of, refusal
from mercato.web.guards import PageRoute, page_principal

router = APIRouter(route_class=PageRoute)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(page_principal)]
Viewer = Annotated[Principal | None, Depends(optional_principal)]
Csrf = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Form(max_length=40)]
Words = Annotated[str, Form(max_length=2_000)]
STARS = (5, 4, 3, 2, 1)


FLASH = {"submitted": N_("Thank you: your review is published"), "followed": N_("Your follow-up is added"),
         "replied": N_("Your reply is published")}


def _flash(done: str) -> str | None:
    return flash_of(FLASH, done)


def _failed(exc: DomainError) -> dict[str, Any]:
    return refusal(exc)


def _star(raw: str) -> int:
    """A star count from a form; the use case checks the range (0 stands for anything unreadable)."""
    text = raw.strip()
    return int(text) if text.isdigit() and len(text) < 3 else 0


# --- the consumer -------------------------------------------------------------------------------------------------

@router.get("/reviews/new", response_class=HTMLResponse)
def review_page(request: Request, rt: Rt, me: Me, order_no: str = "", line: str = "") -> Response:
    """The form for one line of a received order; a refusal (not bought, not received, closed, done) shows why."""
    form = service.review_form(rt, me, order_no[:40], line[:26])
    return render(request, "reviews/new.html", form=form, stars=STARS, values={})


@router.post("/reviews/new", response_class=HTMLResponse)
def review_submit(request: Request, rt: Rt, me: Me, csrf_token: Csrf = "", order_no: Short = "",
                  line: Short = "", rating: Short = "", text: Words = "", description: Short = "",
                  service_score: Short = "", logistics: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    given = description or service_score or logistics
    scores = StoreScores(_star(description), _star(service_score), _star(logistics)) if given else None
    try:
        service.submit_review(rt, me, order_no, line, _star(rating), text, scores)
    except DomainError as exc:
        form = service.review_form(rt, me, order_no, line)
        values = {"rating": rating, "text": text, "description": description, "service": service_score,
                  "logistics": logistics}
        return render(request, "reviews/new.html", form=form, stars=STARS, values=values, **_failed(exc))
    return RedirectResponse("/account/reviews?done=submitted", status_code=303)


@router.get("/account/reviews", response_class=HTMLResponse)
def my_reviews_page(request: Request, rt: Rt, me: Me, cursor: str = "", done: str = "") -> Response:
    page = service.my_reviews(rt, me, cursor or None)
    return render(request, "reviews/mine.html", page=page, flash=_flash(done))


@router.post("/account/reviews/{review_id}/follow-up", response_class=HTMLResponse)
def follow_up_submit(request: Request, rt: Rt, me: Me, review_id: str, csrf_token: Csrf = "",
                     text: Words = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.add_follow_up(rt, me, review_id, text)
    except DomainError as exc:
        return render(request, "reviews/mine.html", page=service.my_reviews(rt, me), **_failed(exc))
    return RedirectResponse("/account/reviews?done=followed", status_code=303)


# --- the product and store pages' fragments -----------------------------------------------------------------------

@router.get("/products/{product_id}/reviews", response_class=HTMLResponse)
def product_reviews_fragment(request: Request, rt: Rt, viewer: Viewer, product_id: str,
                             cursor: str = "") -> Response:
    """Loaded into the product page by htmx: the rating, the store's scores and a page of reviews, newest first."""
    found = service.product_reviews(rt, product_id[:26], cursor or None, None, viewer)
    return render(request, "reviews/_product_reviews.html", found=found, viewer=viewer)


@router.post("/reviews/{review_id}/helpful", response_class=HTMLResponse)
def helpful_submit(request: Request, rt: Rt, me: Me, review_id: str, csrf_token: Csrf = "") -> Response:
    """The helpful button: by htmx it swaps in the new count; without it, back to the product page."""
    verify_csrf(request, csrf_token)
    try:
        review = service.vote_helpful(rt, me, review_id)
    except DomainError as exc:
        if request.headers.get("HX-Request") == "true":
            return render(request, "reviews/_helpful.html", review_id=review_id, count=None,
                          message=gettext(exc.message), status_code=200)
        raise
    if request.headers.get("HX-Request") == "true":
        return render(request, "reviews/_helpful.html", review_id=review.id, count=review.helpful_count,
                      message=None)
    return RedirectResponse(f"/p/{review.product_id}", status_code=303)


@router.get("/stores/{store_id}/ratings", response_class=HTMLResponse)
def store_ratings_fragment(request: Request, rt: Rt, store_id: str) -> Response:
    """Loaded into the store page by htmx: the store's service scores."""
    return render(request, "reviews/_store_ratings.html", scores=service.store_ratings(rt, store_id[:26]))


# --- the merchant -------------------------------------------------------------------------------------------------

def _merchant_page(request: Request, rt: Runtime, me: Principal, store_id: str, cursor: str = "",
                   **context: Any) -> HTMLResponse:
    memberships = stores.my_stores(rt, me)
    store = next((m.store for m in memberships if m.store.id == store_id), None) if store_id else \
        (memberships[0].store if memberships else None)
    page = service.store_reviews(rt, me, store.id if store else store_id, cursor or None) \
        if store or store_id else None
    return render(request, "reviews/merchant.html", memberships=memberships, store=store, page=page, **context)


@router.get("/merchant/reviews", response_class=HTMLResponse)
def merchant_reviews_page(request: Request, rt: Rt, me: Me, store_id: str = "", cursor: str = "",
                          done: str = "") -> Response:
    return _merchant_page(request, rt, me, store_id[:26], cursor, flash=_flash(done))


@router.post("/merchant/reviews/{review_id}/reply", response_class=HTMLResponse)
def reply_submit(request: Request, rt: Rt, me: Me, review_id: str, csrf_token: Csrf = "", store_id: Short = "",
                 text: Words = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.reply(rt, me, store_id, review_id, text)
    except DomainError as exc:
        return _merchant_page(request, rt, me, store_id, **_failed(exc))
    return RedirectResponse(f"/merchant/reviews?store_id={store_id}&done=replied", status_code=303)
