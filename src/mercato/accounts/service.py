"""Accounts use cases (stub until filled): resolving sessions and tokens into principals."""

from __future__ import annotations

from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime


def principal_for_session(rt: Runtime, secret: str) -> Principal | None:
    return None


def principal_for_token(rt: Runtime, token: str) -> Principal | None:
    return None
