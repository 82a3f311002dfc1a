"""Page sessions: logging in and out, and resolving a session cookie into the acting principal.

The cookie carries a random secret; the database keeps only its SHA-256, so a leaked table opens no session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mercato.accounts.authn import authenticate
from mercato.accounts.model import SessionRecord, UserView, principal_of, secret_digest
from mercato.accounts.repo import AccountsRepo
from mercato.kernel.idgen import new_id, new_token
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork

SECRET_MAX = 256


@dataclass(frozen=True, slots=True)
class LoginResult:
    user: UserView
    principal: Principal
    session_secret: str  # goes into the cookie, never stored
    session_id: str
    csrf: str
    expires_at: datetime


def login(rt: Runtime, email: str, password: str) -> LoginResult:
    """Open a page session for valid credentials (throttled per email address)."""

    def open_session(uow: UnitOfWork, user: UserView, now: datetime) -> LoginResult:
        return open_session_in(uow, user, now, rt.settings.session_days)

    return authenticate(rt, email, password, open_session)


def open_session_in(uow: UnitOfWork, user: UserView, now: datetime, days: int) -> LoginResult:
    """A new session for `user` (after registering, the page logs the new user straight in)."""
    secret, csrf = new_token(32), new_token(24)
    session = SessionRecord(id=new_id(), user_id=user.id, expires_at=now + timedelta(days=days), revoked_at=None)
    AccountsRepo(uow.conn).insert_session(session, secret_digest(secret), csrf, now)
    return LoginResult(user=user, principal=principal_of(user, "session", session.id), session_secret=secret,
                       session_id=session.id, csrf=csrf, expires_at=session.expires_at)


def logout(rt: Runtime, session_id: str) -> None:
    """Revoke the session; logging out twice is harmless."""
    with rt.uow() as uow:
        AccountsRepo(uow.conn).revoke_session(session_id, rt.clock.now())
        uow.commit()


def principal_for_session(rt: Runtime, secret: str) -> Principal | None:
    """Who a session cookie belongs to, or None when it is unknown, expired, revoked or the user is disabled."""
    if not secret or len(secret) > SECRET_MAX:
        return None
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        repo = AccountsRepo(uow.conn)
        session = repo.session_by_hash(secret_digest(secret))
        if session is None or not session.is_valid(now):
            return None
        user = repo.user(session.user_id)
    if user is None or not user.is_active:
        return None
    return principal_of(user, "session", session.id)
