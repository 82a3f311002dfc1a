"""credit pages."""

from fastapi import APIRouter

from mercato.web.guards import PageRoute

router = APIRouter(route_class=PageRoute)
