"""The payments HTTP API under /api/v1 (being built)."""

from __future__ import annotations

from fastapi import APIRouter

from mercato.kernel.http import ERROR_RESPONSES

router = APIRouter(tags=["payments"], responses=ERROR_RESPONSES)
