"""The audit HTTP API under /api/v1/ops: operators read the log of privileged actions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from mercato.audit import service
from mercato.audit.model import ACTION_MAX, AuditEntry
from mercato.kernel.http import ERROR_RESPONSES, require_operator, runtime
from mercato.kernel.pagination import MAX_PAGE_SIZE
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

router = APIRouter(prefix="/ops", tags=["audit"], responses=ERROR_RESPONSES)


class AuditEntryRead(BaseModel):
    id: str
    at: datetime
    actor_id: str | None
    action: str
    target_type: str
    target_id: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryRead:
        return cls(id=entry.id, at=entry.at, actor_id=entry.actor_id, action=entry.action,
                   target_type=entry.target_type, target_id=entry.target_id, detail=dict(entry.detail))


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    next_cursor: str | None


@router.get("/audit", response_model=AuditPage)
def list_audit(
    principal: Annotated[Principal, Depends(require_operator)],
    rt: Annotated[Runtime, Depends(runtime)],
    action_prefix: Annotated[str | None, Query(max_length=ACTION_MAX)] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = service.DEFAULT_PAGE,
) -> AuditPage:
    """Privileged actions newest first; filter with `action_prefix` (e.g. `store.`), page with `next_cursor`."""
    page = service.list_entries(rt, principal, action_prefix=action_prefix, cursor=cursor, limit=limit)
    return AuditPage(items=[AuditEntryRead.of(e) for e in page.items], next_cursor=page.next_cursor)
