"""Who is acting: the authenticated person a request runs as (pure value)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    email: str
    display_name: str
    is_operator: bool
    locale: str
    via: str  # "session" for pages, "token" for the API
    credential_id: str  # the session id or API token id that authenticated this request
