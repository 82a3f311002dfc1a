"""API tokens: issue, list, revoke, and resolve a bearer token into the acting principal.

A token reads "mct_<random>"; the database keeps its SHA-256 and its first characters (to tell tokens apart).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from mercato.accounts.authn import authenticate
from mercato.accounts.model import (
    MAX_ACTIVE_TOKENS,
    TOKEN_SCHEME,
    TokenLimitReached,
    TokenNotFound,
    TokenView,
    UserView,
    clean_token_name,
    principal_of,
    secret_digest,
    token_expiry,
    token_prefix,
)
from mercato.accounts.repo import AccountsRepo
from mercato.kernel.idgen import new_id, new_token
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork

TOKEN_MAX = 200
# Recording every request's use would turn each API read into a write; once a minute is enough to audit.
TOUCH_INTERVAL = timedelta(minutes=1)


def create_api_token(rt: Runtime, principal: Principal, name: str,
                     expires_days: int | None = None) -> tuple[str, TokenView]:
    """A new token for the acting user: the plain token (shown once) and its stored view."""
    clean = clean_token_name(name)
    with rt.uow() as uow:
        issued = create_api_token_in(uow, principal.user_id, clean, expires_days, rt.clock.now())
        uow.commit()
    return issued


def create_api_token_in(uow: UnitOfWork, user_id: str, name: str, expires_days: int | None,
                        now: datetime) -> tuple[str, TokenView]:
    repo = AccountsRepo(uow.conn)
    expires_at = token_expiry(expires_days, now)
    if repo.count_active_tokens(user_id, now) >= MAX_ACTIVE_TOKENS:
        raise TokenLimitReached()
    plain = TOKEN_SCHEME + new_token(32)
    token = TokenView(id=new_id(), user_id=user_id, name=clean_token_name(name), prefix=token_prefix(plain),
                      created_at=now, expires_at=expires_at, last_used_at=None, revoked_at=None)
    repo.insert_token(token, secret_digest(plain))
    return plain, token


def issue_token_for_credentials(rt: Runtime, email: str, password: str, name: str,
                                expires_days: int | None = None) -> tuple[str, TokenView]:
    """For API clients: exchange an email and password for a token (throttled like a page login)."""
    clean = clean_token_name(name)
    token_expiry(expires_days, rt.clock.now())  # refuse a bad expiry before spending a login attempt

    def issue(uow: UnitOfWork, user: UserView, now: datetime) -> tuple[str, TokenView]:
        return create_api_token_in(uow, user.id, clean, expires_days, now)

    return authenticate(rt, email, password, issue)


def list_api_tokens(rt: Runtime, principal: Principal) -> list[TokenView]:
    """The acting user's tokens, newest first, revoked and expired ones included."""
    with rt.uow(read_only=True) as uow:
        return AccountsRepo(uow.conn).tokens_of(principal.user_id)


def revoke_api_token(rt: Runtime, principal: Principal, token_id: str) -> None:
    """Revoke one of the acting user's tokens (again is harmless); anyone else's is not found."""
    with rt.uow() as uow:
        repo = AccountsRepo(uow.conn)
        if not repo.revoke_token(principal.user_id, token_id, rt.clock.now()):
            if not repo.token_owned(principal.user_id, token_id):
                raise TokenNotFound(token_id=token_id[:64])
            return
        uow.commit()


def principal_for_token(rt: Runtime, token: str) -> Principal | None:
    """Who a bearer token belongs to, or None when it is unknown, revoked, expired or the user is disabled."""
    if not token.startswith(TOKEN_SCHEME) or len(token) > TOKEN_MAX:
        return None
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        repo = AccountsRepo(uow.conn)
        view = repo.token_by_hash(secret_digest(token))
        user = repo.user(view.user_id) if view and view.is_usable(now) else None
    if view is None or user is None or not user.is_active:
        return None
    if view.last_used_at is None or now - view.last_used_at >= TOUCH_INTERVAL:
        with rt.uow() as uow:
            AccountsRepo(uow.conn).touch_token(view.id, now, now - TOUCH_INTERVAL)
            uow.commit()
    return principal_of(user, "token", view.id)
