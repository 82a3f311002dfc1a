"""reviews abuse pages: the merchant's flagged reviews, the operator's queue."""

from fastapi import APIRouter

from mercato.web.guards import PageRoute

router = APIRouter(route_class=PageRoute)
