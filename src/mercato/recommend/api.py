"""The behaviour event API: `POST /api/v1/events` (one event or a batch of at most 50) from consumers (bearer
token or page session cookie) and anonymous visitors (the page's visitor cookie), and the operators' view of
dropped events and of the stored model under /api/v1/ops/recommend."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from mercato.accounts import service as accounts
from mercato.kernel.http import ERROR_RESPONSES, optional_principal, require_operator, runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.recommend import service
from mercato.recommend.events import VisitorUnknown
from mercato.web.render import CSRF_COOKIE, SESSION_COOKIE, read_csrf_cookie

router = APIRouter(tags=["recommend"], responses=ERROR_RESPONSES)

Rt = Annotated[Runtime, Depends(runtime)]
Operator = Annotated[Principal, Depends(require_operator)]


def page_actor(request: Request) -> str:
    """The actor of a page request: the logged-in person, else the visitor keyed by the page's CSRF cookie token."""
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        return str(principal.user_id)
    token = getattr(request.state, "csrf_token", None)
    if not token:
        raise VisitorUnknown()
    return service.visitor_key(token)


def api_actor(request: Request, rt: Rt) -> str:
    """The actor of an API request: the bearer token's person, else the page session's (a page's script calling
    the API), else the anonymous visitor of the page cookie; none of these is `visitor_unknown`."""
    principal = optional_principal(request)
    if principal is None and request.cookies.get(SESSION_COOKIE):
        principal = accounts.principal_for_session(rt, request.cookies[SESSION_COOKIE])
    if principal is not None:
        return principal.user_id
    token = read_csrf_cookie(request, request.cookies.get(CSRF_COOKIE))
    if not token:
        raise VisitorUnknown()
    return service.visitor_key(token)


Actor = Annotated[str, Depends(api_actor)]


class EventCreate(BaseModel):
    product_id: str = Field(min_length=1, max_length=64)
    kind: str = Field(min_length=1, max_length=32, description="view | favourite | cart | buy | search_click")
    query: str | None = Field(default=None, max_length=1000, description="search_click: the query (kept to 200)")


class EventBatchCreate(BaseModel):
    events: list[EventCreate] = Field(max_length=1000, description="At most 50 are accepted in one request")


class EventsRecordedRead(BaseModel):
    accepted: int
    dropped: dict[str, int] = Field(description="Events not stored, by reason: " + ", ".join(service.DROP_REASONS))


class DropCountRead(BaseModel):
    day: date
    reason: str
    count: int


class ModelRead(BaseModel):
    id: str
    trained_at: datetime
    events_used: int
    items: int
    size_bytes: int
    metrics: dict[str, Any]


@router.post("/events", response_model=EventsRecordedRead)
def record_events(body: EventCreate | EventBatchCreate, actor: Actor, rt: Rt) -> EventsRecordedRead:
    """Record behaviour events of the calling consumer or visitor. Events of unknown or inactive products, of an
    unknown kind, or beyond 20 per second per actor (bots) are dropped and counted, not stored."""
    items = body.events if isinstance(body, EventBatchCreate) else [body]
    events = [service.EventIn(actor, item.product_id, item.kind, item.query) for item in items]
    outcome = service.record_events(rt, events)
    return EventsRecordedRead(accepted=outcome.accepted, dropped=dict(outcome.dropped))


@router.get("/ops/recommend/drops", response_model=list[DropCountRead])
def dropped_events(operator: Operator, rt: Rt,
                   days: Annotated[int, Query(ge=1, le=366)] = service.DROP_DAYS) -> list[DropCountRead]:
    """Dropped events per day and reason over the last `days` days, newest day first."""
    return [DropCountRead(day=d.day, reason=d.reason, count=d.count) for d in service.drop_counts(rt, days)]


@router.get("/ops/recommend/model", response_model=ModelRead | None)
def stored_model(operator: Operator, rt: Rt) -> ModelRead | None:
    """The newest stored feed model (null before the first training)."""
    stored = service.model_status(rt)
    if stored is None:
        return None
    return ModelRead(id=stored.id, trained_at=stored.trained_at, events_used=stored.events_used, items=stored.items,
                     size_bytes=stored.size_bytes, metrics=stored.metrics)
