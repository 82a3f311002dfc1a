"""The reviews HTTP API under /api/v1: the consumer's reviews and follow-ups, helpful votes, a product's reviews,
a store's service scores, and the merchant's reply. Body bounds are wide on purpose: the domain rules answer with
their codes (`review_rating_invalid`, `review_text_invalid`, ...), 422 is for malformed requests only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from mercato.kernel.http import ERROR_RESPONSES, optional_principal, require_principal, runtime
from mercato.kernel.pagination import MAX_PAGE_SIZE, Page
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.reviews import service
from mercato.reviews.model import ServiceScores, StoreScores

router = APIRouter(tags=["reviews"], responses=ERROR_RESPONSES)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(require_principal)]
Viewer = Annotated[Principal | None, Depends(optional_principal)]
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Star = Annotated[int, Field(ge=-1_000, le=1_000)]  # the domain rule (1..5) answers review_rating_invalid
Text = Annotated[str, Field(max_length=2_000)]  # the domain rule (2..500 characters) answers review_text_invalid


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class StoreScoresBody(Strict):
    description: Star
    service: Star
    logistics: Star


class ReviewCreate(Strict):
    order_no: Annotated[str, Field(min_length=1, max_length=40)]
    order_line_id: Annotated[str, Field(min_length=1, max_length=26)]
    rating: Star
    text: Text
    store_scores: StoreScoresBody | None = None  # required on an order's first review, ignored on later ones


class TextBody(Strict):
    text: Text


class NoteRead(BaseModel):
    text: str
    created_at: datetime


class ReviewRead(BaseModel):
    id: str
    order_line_id: str
    product_id: str
    store_id: str
    reviewer: str  # masked on public lists
    rating: int
    text: str
    store_scores: StoreScoresBody | None
    is_default: bool
    folded: bool
    helpful_count: int
    created_at: datetime
    follow_up: NoteRead | None
    reply: NoteRead | None

    @classmethod
    def of(cls, v: service.ReviewView) -> ReviewRead:
        scores = StoreScoresBody(description=v.store_scores.description, service=v.store_scores.service,
                                 logistics=v.store_scores.logistics) if v.store_scores else None
        return cls(id=v.id, order_line_id=v.order_line_id, product_id=v.product_id, store_id=v.store_id,
                   reviewer=v.reviewer_name, rating=v.rating, text=v.text, store_scores=scores,
                   is_default=v.is_default, folded=v.folded, helpful_count=v.helpful_count, created_at=v.created_at,
                   follow_up=NoteRead(text=v.follow_up.text, created_at=v.follow_up.created_at) if v.follow_up
                   else None,
                   reply=NoteRead(text=v.reply.text, created_at=v.reply.created_at) if v.reply else None)


class ReviewPage(BaseModel):
    items: list[ReviewRead]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[service.ReviewView]) -> ReviewPage:
        return cls(items=[ReviewRead.of(v) for v in page.items], next_cursor=page.next_cursor)


class RatingsRead(BaseModel):
    """Stars x 100 (100 = 1 star); null until scored."""

    description: int | None
    service: int | None
    logistics: int | None
    overall: int | None

    @classmethod
    def of(cls, s: ServiceScores) -> RatingsRead:
        return cls(description=s.description, service=s.service, logistics=s.logistics, overall=s.overall)


class ProductReviewsRead(BaseModel):
    product_id: str
    rating: int | None  # stars x 100
    rating_count: int
    store_ratings: RatingsRead
    reviews: ReviewPage


@router.post("/me/reviews", response_model=ReviewRead, status_code=201)
def create_review(body: ReviewCreate, rt: Rt, me: Me) -> ReviewRead:
    """Rate a received item 1-5 with a text, within 15 days of receipt, once per order line. 403
    `review_item_not_bought`, 409 `review_before_receipt` / `review_window_closed` / `review_duplicate`, 400
    `review_rating_invalid` / `review_store_scores_required`."""
    scores = StoreScores(body.store_scores.description, body.store_scores.service,
                         body.store_scores.logistics) if body.store_scores else None
    return ReviewRead.of(service.submit_review(rt, me, body.order_no, body.order_line_id, body.rating, body.text,
                                               scores))


@router.get("/me/reviews", response_model=ReviewPage)
def list_my_reviews(rt: Rt, me: Me, cursor: Cursor = None, limit: Limit = 10) -> ReviewPage:
    return ReviewPage.of(service.my_reviews(rt, me, cursor, limit))


@router.post("/me/reviews/{review_id}/follow-up", response_model=ReviewRead, status_code=201)
def follow_up(review_id: str, body: TextBody, rt: Rt, me: Me) -> ReviewRead:
    """One follow-up within 180 days of one's own review."""
    return ReviewRead.of(service.add_follow_up(rt, me, review_id, body.text))


@router.post("/reviews/{review_id}/helpful", response_model=ReviewRead)
def helpful(review_id: str, rt: Rt, me: Me) -> ReviewRead:
    """Find someone else's review helpful, once."""
    return ReviewRead.of(service.vote_helpful(rt, me, review_id))


@router.get("/products/{product_id}/reviews", response_model=ProductReviewsRead)
def product_reviews(product_id: str, rt: Rt, viewer: Viewer, cursor: Cursor = None,
                    limit: Limit = 10) -> ProductReviewsRead:
    """Newest first; folded reviews are listed and marked. With the product's rating and its store's scores."""
    found = service.product_reviews(rt, product_id, cursor, limit, viewer)
    return ProductReviewsRead(product_id=product_id, rating=found.rating.rating, rating_count=found.rating.count,
                              store_ratings=RatingsRead.of(found.store_scores), reviews=ReviewPage.of(found.page))


@router.get("/stores/{store_id}/ratings", response_model=RatingsRead)
def store_ratings(store_id: str, rt: Rt) -> RatingsRead:
    """The store's service scores (DSR): recency-weighted averages over 180 days."""
    return RatingsRead.of(service.store_ratings(rt, store_id))


@router.post("/merchant/stores/{store_id}/reviews/{review_id}/reply", response_model=ReviewRead, status_code=201)
def reply(store_id: str, review_id: str, body: TextBody, rt: Rt, me: Me) -> ReviewRead:
    """The store answers a review of its goods once (permission `orders` or `products`)."""
    return ReviewRead.of(service.reply(rt, me, store_id, review_id, body.text))


@router.get("/merchant/stores/{store_id}/reviews", response_model=ReviewPage)
def merchant_reviews(store_id: str, rt: Rt, me: Me, cursor: Cursor = None, limit: Limit = 10) -> ReviewPage:
    return ReviewPage.of(service.store_reviews(rt, me, store_id, cursor, limit))
