"""The stores pages."""

from fastapi import APIRouter

router = APIRouter()
