"""The inventory pages."""

from fastapi import APIRouter

router = APIRouter()
