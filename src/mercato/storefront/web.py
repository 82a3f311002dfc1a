"""The storefront pages."""

from fastapi import APIRouter

router = APIRouter()
