"""credit API."""

from fastapi import APIRouter

router = APIRouter(tags=["credit"])
