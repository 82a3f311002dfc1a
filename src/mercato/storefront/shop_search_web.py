"""The shop results page: stores matching a query by name, tags or goods, each with a few matching goods, and a
"distinctive shops" block of the stores whose catalogue is most about the query. Works without JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from mercato.kernel.runtime import Runtime
from mercato.search import shops
from mercato.web import render

router = APIRouter()

KINDS = ("flagship", "independent")
PAGE_SIZE = 20
DISTINCTIVE_SHOWN = 3


async def _rt(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


Rt = Annotated[Runtime, Depends(_rt)]


@router.get("/search/shops", response_class=HTMLResponse)
def shop_search_page(request: Request, rt: Rt, q: Annotated[str, Query(max_length=5000)] = "",
                     kind: Annotated[str, Query(max_length=20)] = "",
                     cursor: Annotated[str | None, Query(max_length=400)] = None) -> HTMLResponse:
    wanted = kind if kind in KINDS else None
    result = shops.find_shops(rt, q, wanted, False, PAGE_SIZE, cursor or None)
    distinctive = (shops.find_shops(rt, q, wanted, True, DISTINCTIVE_SHOWN, log=False).hits
                   if not cursor and result.terms else [])
    next_url = (str(request.url.include_query_params(cursor=result.next_cursor))
                if result.next_cursor else None)
    return render(request, "storefront/shop_search.html", q=q[:200], kind=wanted or "", kinds=KINDS,
                  result=result, distinctive=distinctive, next_url=next_url,
                  first_url=str(request.url.remove_query_params("cursor")))
