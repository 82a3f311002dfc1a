"""The recommendation pages and blocks: "guess you like" on the home page and at /for-you (more pages through a
"load more" link that htmx swaps in place, a plain link without JavaScript), "pick what you like" for a viewer
without history, "similar items" on the product page and "shops you may like" (home block and /for-you/shops).

Behaviour from pages: a product page view is recorded after the response is sent (a failure is logged, never
shown). It is a `search_click` with its query when the page was opened from a search results page of this site
(the Referer says so; browsers send it for same-origin links), otherwise a `view`: one event per page view,
no script and no redirect hop in front of the product page.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.background import BackgroundTask

from mercato.catalog import browse
from mercato.kernel.runtime import Runtime
from mercato.recommend import coldstart
from mercato.recommend import service as recommend
from mercato.recommend.feeds import Viewer
from mercato.storefront import feed_views
from mercato.storefront.views import ProductTile
from mercato.web import render, verify_csrf
from mercato.web.guards import local_redirect_target

router = APIRouter()
log = logging.getLogger(__name__)

PICKS_COOKIE = "mercato_picks"
SEARCH_PATHS = ("/search", "/products")


async def _rt(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


Rt = Annotated[Runtime, Depends(_rt)]


def actor_of(request: Request) -> str | None:
    """The logged-in consumer, else the anonymous visitor keyed by the page's CSRF cookie token."""
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        return str(principal.user_id)
    token = getattr(request.state, "csrf_token", None)
    return recommend.visitor_key(token) if token else None


def viewer_of(request: Request) -> Viewer:
    picks = request.cookies.get(PICKS_COOKIE, "")[:coldstart.MAX_COOKIE_CHARS]
    return Viewer(actor_of(request), tuple(p for p in picks.split(".") if p))


# --- blocks on the home and product pages ----------------------------------------------------------------------

def home_context(request: Request, rt: Runtime) -> dict[str, Any]:
    """The home page's feed and shops blocks."""
    viewer = viewer_of(request)
    return {"feed": feed_views.feed_block(rt, viewer),
            "shops_for_you": feed_views.shops_block(rt, viewer, feed_views.HOME_SHOPS)}


def similar_for(rt: Runtime, product_id: str) -> list[ProductTile]:
    """The product page's similar items; the page shows without them if they fail (logged)."""
    try:
        return feed_views.similar_tiles(rt, product_id)
    except Exception:  # the block is a suggestion: a failure must not take the product page down with it
        log.warning("similar items of %s failed", product_id, exc_info=True)
        return []


def search_query_of(request: Request) -> str | None:
    """The query of the search results page of this site that linked here, if any."""
    referer = urlsplit(request.headers.get("referer", "")[:1000])
    if referer.netloc != request.url.netloc or referer.path not in SEARCH_PATHS:
        return None
    query = parse_qs(referer.query).get("q", [""])[0].strip()
    return query[:200] or None


def _record(rt: Runtime, event: recommend.EventIn) -> None:
    try:
        recommend.record_events(rt, [event])
    except Exception:  # a lost view must never turn into a broken page
        log.warning("recording a %s event failed", event.kind, exc_info=True)


def record_view_after(request: Request, rt: Runtime, response: Response, product_id: str) -> None:
    """Record this product page view (or search click) once the response has been sent."""
    actor = actor_of(request)
    if actor is None:
        return
    query = search_query_of(request)
    event = recommend.EventIn(actor, product_id, "search_click" if query else "view", query)
    response.background = BackgroundTask(_record, rt, event)


# --- pages --------------------------------------------------------------------------------------------------------

@router.get("/for-you", response_class=HTMLResponse)
def for_you_page(request: Request, rt: Rt, cursor: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    feed = feed_views.feed_block(rt, viewer_of(request), cursor or None)
    if request.headers.get("hx-request"):
        return render(request, "storefront/_feed_items.html", feed=feed)
    return render(request, "storefront/for_you.html", feed=feed, later_page=bool(cursor))


@router.post("/for-you/verticals")
def pick_verticals(request: Request, rt: Rt, csrf_token: Annotated[str, Form(max_length=128)] = "",
                   vertical: Annotated[list[str] | None, Form()] = None,
                   next: Annotated[str, Form(max_length=600)] = "/") -> Response:
    """Keep the picked verticals in a cookie (a year) and go back; an unknown vertical is a 400 and keeps nothing."""
    verify_csrf(request, csrf_token)
    value = coldstart.choose_verticals((vertical or [])[:20], browse.category_tree(rt).verticals())
    response = RedirectResponse(local_redirect_target(next), status_code=303)
    response.set_cookie(PICKS_COOKIE, value, max_age=365 * 86400, samesite="lax", httponly=True,
                        secure=rt.settings.secure_cookies)
    return response


@router.get("/for-you/shops", response_class=HTMLResponse)
def shops_page(request: Request, rt: Rt) -> HTMLResponse:
    block = feed_views.shops_block(rt, viewer_of(request))
    return render(request, "storefront/for_you_shops.html", shops_for_you=block)
