"""Opaque cursors for keyset pagination: a list of sort-key values, encoded so clients cannot forge meaning."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from mercato.kernel.errors import InputInvalid

T = TypeVar("T")

MAX_PAGE_SIZE = 100


class CursorInvalid(InputInvalid):
    code = "cursor_invalid"
    title = "The page cursor is not valid"


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[Any]:
    """Decode a cursor that must hold exactly `width` scalar values."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CursorInvalid() from exc
    if not isinstance(values, list) or len(values) != width:
        raise CursorInvalid()
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        raise CursorInvalid()
    return values


def clamp_limit(limit: int | None, default: int = 24) -> int:
    if limit is None:
        return default
    if limit < 1 or limit > MAX_PAGE_SIZE:
        raise InputInvalid(f"limit must be between 1 and {MAX_PAGE_SIZE}", field="limit")
    return limit


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def decode_id_cursor(cursor: str | None) -> str | None:
    """The id a one-key cursor points after (None for the first page)."""
    if not cursor:
        return None
    (after,) = decode_cursor(cursor, 1)
    if not isinstance(after, str):
        raise CursorInvalid()
    return after


def encode_time_cursor(at: datetime, item_id: str) -> str:
    """A cursor after (timestamp, id), for lists ordered by time with the id breaking ties."""
    return encode_cursor([at.isoformat(), item_id])


def decode_time_cursor(cursor: str) -> tuple[datetime, str]:
    """The (aware timestamp, id) an `encode_time_cursor` cursor points after."""
    at_text, item_id = decode_cursor(cursor, 2)
    if not isinstance(at_text, str) or not isinstance(item_id, str):
        raise CursorInvalid()
    try:
        at = datetime.fromisoformat(at_text)
    except ValueError as exc:
        raise CursorInvalid() from exc
    if at.tzinfo is None:
        raise CursorInvalid()
    return at, item_id


def page_by_id(rows: list[T], size: int, key: Callable[[T], str] = lambda item: item.id) -> Page[T]:  # type: ignore[attr-defined]
    """A page from `size + 1` fetched rows: the extra row only tells that there is a next page."""
    items = rows[:size]
    return Page(items, encode_cursor([key(items[-1])]) if len(rows) > size else None)
