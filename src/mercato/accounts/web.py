"""The accounts pages."""

from fastapi import APIRouter

router = APIRouter()
