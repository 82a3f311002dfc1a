"""Accounts use cases: registering people and operators, reading them, their preferences and status.

Logging in (`sessions`) and API tokens (`tokens`) live in their own modules and are re-exported here, so other
capabilities and the composition root only ever import `mercato.accounts.service`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from mercato.accounts.model import (
    EmailInvalid,
    UserNotFound,
    UserStatus,
    UserView,
    check_locale,
    check_password,
    clean_display_name,
    normalize_email,
)
from mercato.accounts.passwords import hash_password, verify_password
from mercato.accounts.repo import AccountsRepo
from mercato.accounts.sessions import LoginResult, login, logout, open_session_in, principal_for_session
from mercato.accounts.tokens import (
    create_api_token,
    issue_token_for_credentials,
    list_api_tokens,
    principal_for_token,
    revoke_api_token,
)
from mercato.audit import service as audit
from mercato.kernel.errors import AccessDenied, InputInvalid
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork

__all__ = [
    "LoginResult", "consumer_ids_after_in", "create_api_token", "create_operator", "find_user_by_email",
    "find_user_by_email_in",
    "get_user", "get_user_in", "hash_password", "issue_token_for_credentials", "list_api_tokens", "login",
    "logout", "principal_for_session", "principal_for_token", "register", "register_and_login",
    "revoke_api_token", "set_locale", "set_user_status", "update_profile", "users_by_ids", "users_by_ids_in",
    "verify_password",
]


def register(rt: Runtime, email: str, password: str, display_name: str, locale: str = "en") -> UserView:
    """A new consumer account (email_taken when the address, in any letter case, is already registered)."""
    draft, password_hash = _draft(rt, email, password, display_name, locale, is_operator=False)
    with rt.uow() as uow:
        AccountsRepo(uow.conn).insert_user(draft, password_hash)
        uow.commit()
    return draft


def register_and_login(rt: Runtime, email: str, password: str, display_name: str,
                       locale: str = "en") -> LoginResult:
    """Register and open a page session in the same transaction (the registration page)."""
    draft, password_hash = _draft(rt, email, password, display_name, locale, is_operator=False)
    with rt.uow() as uow:
        AccountsRepo(uow.conn).insert_user(draft, password_hash)
        result = open_session_in(uow, draft, draft.created_at, rt.settings.session_days)
        uow.commit()
    return result


def create_operator(rt: Runtime, email: str, password: str, display_name: str) -> UserView:
    """A platform operator account (the `mercato user create-operator` command); audited as the system."""
    draft, password_hash = _draft(rt, email, password, display_name, "en", is_operator=True)
    with rt.uow() as uow:
        AccountsRepo(uow.conn).insert_user(draft, password_hash)
        audit.record(uow, None, "user.create_operator", "user", draft.id, {"email": draft.email},
                     draft.created_at)
        uow.commit()
    return draft


def _draft(rt: Runtime, email: str, password: str, display_name: str, locale: str,
           *, is_operator: bool) -> tuple[UserView, str]:
    """Validate a new account and hash its password before any transaction opens (argon2 is slow on purpose)."""
    clean_email = normalize_email(email)
    name = clean_display_name(display_name)
    check_password(password, clean_email)
    user = UserView(id=new_id(), email=clean_email, display_name=name, is_operator=is_operator,
                    locale=check_locale(locale), status=UserStatus.ACTIVE.value, created_at=rt.clock.now())
    return user, hash_password(password)


# --- reading people -----------------------------------------------------------------------------------------------


def get_user(rt: Runtime, user_id: str) -> UserView:
    with rt.uow(read_only=True) as uow:
        return get_user_in(uow, user_id)


def get_user_in(uow: UnitOfWork, user_id: str) -> UserView:
    user = AccountsRepo(uow.conn).user(user_id)
    if user is None:
        raise UserNotFound(user_id=user_id[:64])
    return user


def find_user_by_email(rt: Runtime, email: str) -> UserView | None:
    with rt.uow(read_only=True) as uow:
        return find_user_by_email_in(uow, email)


def find_user_by_email_in(uow: UnitOfWork, email: str) -> UserView | None:
    """The account with this address in any letter case, or None (also for a malformed address)."""
    try:
        clean = normalize_email(email)
    except EmailInvalid:
        return None
    return AccountsRepo(uow.conn).user_by_email(clean)


def users_by_ids(rt: Runtime, user_ids: Iterable[str]) -> dict[str, UserView]:
    with rt.uow(read_only=True) as uow:
        return users_by_ids_in(uow, user_ids)


def users_by_ids_in(uow: UnitOfWork, user_ids: Iterable[str]) -> dict[str, UserView]:
    """The accounts among `user_ids` keyed by id; unknown ids are simply absent."""
    return AccountsRepo(uow.conn).users(user_ids)


def consumer_ids_after_in(uow: UnitOfWork, after_id: str, limit: int,
                          registered_since: datetime | None = None) -> list[str]:
    """A page of active consumer ids after `after_id` (id order), optionally only those registered since then:
    campaigns walk every consumer in batches with it."""
    return AccountsRepo(uow.conn).consumer_ids_after(after_id, limit, registered_since)


# --- preferences and status ---------------------------------------------------------------------------------------


def set_locale(rt: Runtime, principal: Principal, locale: str) -> UserView:
    """The acting user's preferred language (en | zh-CN)."""
    check_locale(locale)
    with rt.uow() as uow:
        AccountsRepo(uow.conn).update_user(principal.user_id, locale=locale)
        user = get_user_in(uow, principal.user_id)
        uow.commit()
    return user


def update_profile(rt: Runtime, principal: Principal, display_name: str, locale: str) -> UserView:
    """The acting user's display name and preferred language, together (the account page's form)."""
    values = {"display_name": clean_display_name(display_name), "locale": check_locale(locale)}
    with rt.uow() as uow:
        AccountsRepo(uow.conn).update_user(principal.user_id, **values)
        user = get_user_in(uow, principal.user_id)
        uow.commit()
    return user


def set_user_status(rt: Runtime, principal: Principal, user_id: str, status: str) -> UserView:
    """An operator disables or re-enables an account (audited); a disabled account's sessions stop working."""
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may change an account's status")
    if status not in {s.value for s in UserStatus}:
        raise InputInvalid("status must be active or disabled", field="status")
    if user_id == principal.user_id:
        raise AccessDenied("Operators cannot change their own account's status")
    with rt.uow() as uow:
        before = get_user_in(uow, user_id)
        AccountsRepo(uow.conn).update_user(user_id, status=status)
        audit.record(uow, principal, f"user.{'enable' if status == 'active' else 'disable'}", "user", user_id,
                     {"from": before.status, "to": status}, rt.clock.now())
        uow.commit()
    return get_user(rt, user_id)
