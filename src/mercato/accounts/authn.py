"""Checking an email and password, throttled per email address: shared by page logins and API token requests.

The slow argon2 check runs between two short transactions, so it never holds SQLite's write lock; the write
transaction re-reads the throttle row under a lock, so parallel guesses cannot slip past a lock-out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from mercato.accounts.model import (
    AccountDisabled,
    CredentialsInvalid,
    EmailInvalid,
    LoginThrottled,
    ThrottlePolicy,
    ThrottleState,
    UserView,
    normalize_email,
    throttle_after_failure,
    throttle_check,
)
from mercato.accounts.passwords import hash_password, needs_rehash, verify_against_decoy, verify_password
from mercato.accounts.repo import AccountsRepo
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork

T = TypeVar("T")
OnSuccess = Callable[[UnitOfWork, UserView, datetime], T]


def authenticate(rt: Runtime, email: str, password: str, on_success: OnSuccess[T]) -> T:
    """Check the credentials, then run `on_success` in the transaction that resets the throttle."""
    identifier = _identifier(email)
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        repo = AccountsRepo(uow.conn)
        _refuse_if_locked(repo.throttle(identifier), now)
        found = repo.credentials(identifier)
    matched = verify_password(found[1], password) if found else verify_against_decoy(password)
    with rt.uow() as uow:
        repo = AccountsRepo(uow.conn)
        state = _refuse_if_locked(repo.lock_throttle(identifier, now), now)
        if found is None or not matched:
            repo.save_throttle(identifier, throttle_after_failure(state, now, _policy(rt)))
            uow.commit()
            raise CredentialsInvalid()
        result = _succeed(uow, repo, identifier, found, password, now, on_success)
        uow.commit()
    return result


def _succeed(uow: UnitOfWork, repo: AccountsRepo, identifier: str, found: tuple[UserView, str], password: str,
             now: datetime, on_success: OnSuccess[T]) -> T:
    user, stored_hash = found
    if not user.is_active:
        raise AccountDisabled()
    repo.clear_throttle(identifier)
    if needs_rehash(stored_hash):
        repo.update_user(user.id, password_hash=hash_password(password))
    return on_success(uow, user, now)


def _identifier(email: str) -> str:
    try:
        return normalize_email(email)
    except EmailInvalid:
        # A malformed address can match no account; say the same thing as for a wrong password.
        raise CredentialsInvalid() from None


def _refuse_if_locked(state: ThrottleState, now: datetime) -> ThrottleState:
    decision = throttle_check(state, now)
    if not decision.allowed:
        raise LoginThrottled(retry_after_seconds=decision.retry_after_seconds)
    return decision.state


def _policy(rt: Runtime) -> ThrottlePolicy:
    return ThrottlePolicy.from_settings(rt.settings.login_max_failures, rt.settings.login_lock_minutes)
