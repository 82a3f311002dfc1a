"""The catalog pages."""

from fastapi import APIRouter

router = APIRouter()
