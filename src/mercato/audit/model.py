"""The audit log as pure values: an entry view and the rules an entry must follow before it is written."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mercato.kernel.errors import InputInvalid

ACTION_MAX = 64
TARGET_TYPE_MAX = 32
TARGET_ID_MAX = 64
DETAIL_MAX_BYTES = 8192

# "<capability>.<verb>" with optional further segments: store.approve, category.create, commission.rate.set
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_ACTION_PREFIX = re.compile(r"^[a-z0-9_.]+$")
_TARGET_TYPE = re.compile(r"^[a-z][a-z0-9_]*$")


class AuditEntryInvalid(InputInvalid):
    code = "audit_entry_invalid"
    title = "The audit entry is not valid"


class AuditFilterInvalid(InputInvalid):
    code = "audit_filter_invalid"
    title = "The action filter may hold only lower-case letters, digits, '_' and '.' (at most 64)"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: str
    at: datetime
    actor_id: str | None
    action: str
    target_type: str
    target_id: str
    detail: Mapping[str, Any]

    @property
    def capability(self) -> str:
        return self.action.split(".", 1)[0]


def check_action(action: str) -> str:
    if len(action) > ACTION_MAX or not _ACTION.match(action):
        raise AuditEntryInvalid("An audit action looks like 'store.approve'", field="action")
    return action


def check_target(target_type: str, target_id: str) -> None:
    if len(target_type) > TARGET_TYPE_MAX or not _TARGET_TYPE.match(target_type):
        raise AuditEntryInvalid("An audit target type looks like 'store'", field="target_type")
    if not 1 <= len(target_id) <= TARGET_ID_MAX:
        raise AuditEntryInvalid(f"An audit target id has 1-{TARGET_ID_MAX} characters", field="target_id")


def check_detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON-safe copy of `detail`, small enough to keep forever."""
    try:
        encoded = json.dumps(dict(detail), ensure_ascii=False, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise AuditEntryInvalid("Audit detail must be JSON (strings, numbers, lists, objects)",
                                field="detail") from exc
    if len(encoded.encode()) > DETAIL_MAX_BYTES:
        raise AuditEntryInvalid(f"Audit detail is larger than {DETAIL_MAX_BYTES} bytes", field="detail")
    copy: dict[str, Any] = json.loads(encoded)
    return copy


def check_action_prefix(prefix: str | None) -> str | None:
    """An optional filter on the start of the action ('store' or 'store.appr'); blank means no filter."""
    if prefix is None or not prefix.strip():
        return None
    prefix = prefix.strip()
    if len(prefix) > ACTION_MAX or not _ACTION_PREFIX.match(prefix):
        raise AuditFilterInvalid()
    return prefix
