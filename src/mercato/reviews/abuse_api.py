"""reviews abuse API."""

from fastapi import APIRouter

router = APIRouter(tags=["reviews"])
