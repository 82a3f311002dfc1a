"""aftersales API."""

from fastapi import APIRouter

router = APIRouter(tags=["aftersales"])
