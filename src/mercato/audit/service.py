"""Audit use cases: every capability records its privileged actions here, operators read them back.

`record` runs inside the caller's unit of work, so an entry commits or rolls back with the action it describes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mercato.audit.model import AuditEntry, check_action, check_action_prefix, check_detail, check_target
from mercato.audit.repo import AuditRepo
from mercato.kernel.errors import AccessDenied
from mercato.kernel.idgen import new_id
from mercato.kernel.pagination import Page, clamp_limit, decode_time_cursor, encode_time_cursor
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork

DEFAULT_PAGE = 50


def record(uow: UnitOfWork, actor: Principal | None, action: str, target_type: str, target_id: str,
           detail: Mapping[str, Any], now: datetime) -> AuditEntry:
    """Append one entry in the caller's transaction. `actor` None means the system (CLI, jobs)."""
    check_target(target_type, target_id)
    entry = AuditEntry(id=new_id(), at=now, actor_id=actor.user_id if actor else None,
                       action=check_action(action), target_type=target_type, target_id=target_id,
                       detail=check_detail(detail))
    AuditRepo(uow.conn).append(entry)
    return entry


def list_entries(rt: Runtime, principal: Principal, action_prefix: str | None = None,
                 cursor: str | None = None, limit: int | None = DEFAULT_PAGE) -> Page[AuditEntry]:
    """Entries newest first, optionally only actions starting with `action_prefix`; operators only."""
    _require_operator(principal)
    prefix = check_action_prefix(action_prefix)
    size = clamp_limit(limit, DEFAULT_PAGE)
    after = decode_time_cursor(cursor) if cursor else None
    with rt.uow(read_only=True) as uow:
        rows = AuditRepo(uow.conn).page(action_prefix=prefix, after=after, limit=size + 1)
    items = rows[:size]
    next_cursor = encode_time_cursor(items[-1].at, items[-1].id) if len(rows) > size else None
    return Page(items=items, next_cursor=next_cursor)


def entries_for_target_in(uow: UnitOfWork, target_type: str, target_id: str, limit: int = 20) -> list[AuditEntry]:
    """The latest entries about one object, for a capability's own pages and tests (no access check)."""
    return AuditRepo(uow.conn).for_target(target_type, target_id, clamp_limit(limit, 20))


def _require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may read the audit log")


