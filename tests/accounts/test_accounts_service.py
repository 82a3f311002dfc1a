"""Accounts use cases on the real databases: registering, logging in, throttling, sessions and API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from accounts_helpers import PASSWORD, MakeUser, principal_of

from mercato.accounts import service as accounts
from mercato.accounts.model import (
    AccountDisabled,
    CredentialsInvalid,
    EmailTaken,
    LocaleUnsupported,
    LoginThrottled,
    PasswordWeak,
    TokenLimitReached,
    TokenNotFound,
    secret_digest,
)
from mercato.accounts.tables import api_tokens, login_throttle, sessions, users
from mercato.audit import service as audit
from mercato.kernel.clock import FixedClock
from mercato.kernel.errors import AccessDenied
from mercato.kernel.runtime import Runtime


def _count(rt: Runtime, table: sa.Table) -> int:
    with rt.uow(read_only=True) as uow:
        return int(uow.conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _fail_logins(rt: Runtime, email: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(CredentialsInvalid):
            accounts.login(rt, email, "Wrong-password-1")


# --- registering --------------------------------------------------------------------------------------------------


def test_registering_stores_a_normalised_active_consumer_with_an_argon2_hash(rt: Runtime) -> None:
    user = accounts.register(rt, " Li.Wei@Example.COM ", PASSWORD, " Li  Wei ", locale="zh-CN")
    assert (user.email, user.display_name, user.is_operator, user.locale, user.status) == (
        "li.wei@example.com", "Li Wei", False, "zh-CN", "active")
    assert accounts.get_user(rt, user.id) == user
    with rt.uow(read_only=True) as uow:
        stored = uow.conn.execute(sa.select(users.c.password_hash).where(users.c.id == user.id)).scalar_one()
    assert stored.startswith("$argon2id$") and accounts.verify_password(stored, PASSWORD)


def test_an_email_registered_in_another_letter_case_is_taken(rt: Runtime, make_user: MakeUser) -> None:
    make_user("li@example.com")
    with pytest.raises(EmailTaken) as info:
        accounts.register(rt, "LI@Example.com", PASSWORD, "Someone else")
    assert info.value.code == "email_taken"
    assert _count(rt, users) == 1


def test_a_weak_password_is_refused_and_nothing_is_stored(rt: Runtime) -> None:
    with pytest.raises(PasswordWeak):
        accounts.register(rt, "li@example.com", "li@example.com", "Li")
    with pytest.raises(LocaleUnsupported):
        accounts.register(rt, "li@example.com", PASSWORD, "Li", locale="fr")
    assert _count(rt, users) == 0


def test_creating_an_operator_is_audited_as_the_system(rt: Runtime) -> None:
    operator = accounts.create_operator(rt, "ops@example.com", PASSWORD, "Ops")
    assert operator.is_operator
    with rt.uow(read_only=True) as uow:
        entries = audit.entries_for_target_in(uow, "user", operator.id)
    assert [(e.action, e.actor_id, dict(e.detail)) for e in entries] == [
        ("user.create_operator", None, {"email": "ops@example.com"})]


def test_users_are_found_by_email_in_any_case_and_by_ids(rt: Runtime, make_user: MakeUser) -> None:
    li, wang = make_user("li@example.com"), make_user("wang@example.com")
    assert accounts.find_user_by_email(rt, "LI@EXAMPLE.COM") == li
    assert accounts.find_user_by_email(rt, "nobody@example.com") is None
    assert accounts.find_user_by_email(rt, "not an email") is None
    assert accounts.users_by_ids(rt, [li.id, wang.id, "01UNKNOWN0000000000000000A"]) == {li.id: li, wang.id: wang}
    assert accounts.users_by_ids(rt, []) == {}


# --- logging in ---------------------------------------------------------------------------------------------------


def test_logging_in_opens_a_session_that_resolves_to_the_user(rt: Runtime, make_user: MakeUser) -> None:
    user = make_user()
    result = accounts.login(rt, "LI@example.com", PASSWORD)
    principal = accounts.principal_for_session(rt, result.session_secret)
    assert principal is not None
    assert (principal.user_id, principal.via, principal.credential_id) == (user.id, "session", result.session_id)
    with rt.uow(read_only=True) as uow:
        stored = uow.conn.execute(sa.select(sessions.c.token_hash)).scalar_one()
    assert stored == secret_digest(result.session_secret) != result.session_secret


def test_a_wrong_password_and_an_unknown_email_get_the_same_refusal(rt: Runtime, make_user: MakeUser) -> None:
    make_user()
    with pytest.raises(CredentialsInvalid) as wrong:
        accounts.login(rt, "li@example.com", "Wrong-password-1")
    with pytest.raises(CredentialsInvalid) as unknown:
        accounts.login(rt, "nobody@example.com", PASSWORD)
    with pytest.raises(CredentialsInvalid) as malformed:
        accounts.login(rt, "not an email", PASSWORD)
    assert {wrong.value.message, unknown.value.message, malformed.value.message} == {CredentialsInvalid.title}
    assert wrong.value.status == 401
    assert _count(rt, sessions) == 0


def test_failed_logins_lock_the_email_until_the_clock_passes_the_lock(
        rt: Runtime, clock: FixedClock, make_user: MakeUser) -> None:
    make_user()
    _fail_logins(rt, "li@example.com", 5)
    with pytest.raises(LoginThrottled) as info:
        accounts.login(rt, "li@example.com", PASSWORD)  # even the right password waits
    assert info.value.code == "login_throttled" and info.value.status == 429
    assert info.value.params == {"retry_after_seconds": 15 * 60}
    clock.advance(timedelta(minutes=14, seconds=59))
    with pytest.raises(LoginThrottled):
        accounts.login(rt, "li@example.com", PASSWORD)
    clock.advance(timedelta(seconds=1))
    assert accounts.login(rt, "li@example.com", PASSWORD).user.email == "li@example.com"
    assert _count(rt, login_throttle) == 0


def test_a_successful_login_resets_the_failure_count(rt: Runtime, make_user: MakeUser) -> None:
    make_user()
    _fail_logins(rt, "li@example.com", 4)
    accounts.login(rt, "li@example.com", PASSWORD)
    _fail_logins(rt, "li@example.com", 4)
    assert accounts.login(rt, "li@example.com", PASSWORD).user.email == "li@example.com"


def test_unknown_emails_are_throttled_too_so_locks_reveal_nothing(rt: Runtime) -> None:
    _fail_logins(rt, "nobody@example.com", 5)
    with pytest.raises(LoginThrottled):
        accounts.login(rt, "nobody@example.com", PASSWORD)


def test_throttling_is_per_email(rt: Runtime, make_user: MakeUser) -> None:
    make_user("li@example.com")
    make_user("wang@example.com")
    _fail_logins(rt, "li@example.com", 5)
    assert accounts.login(rt, "wang@example.com", PASSWORD).user.email == "wang@example.com"


def test_a_disabled_user_cannot_log_in_and_their_sessions_stop_working(rt: Runtime, make_user: MakeUser) -> None:
    operator, user = make_user("ops@example.com", operator=True), make_user()
    session = accounts.login(rt, user.email, PASSWORD)
    accounts.set_user_status(rt, principal_of(operator), user.id, "disabled")
    with pytest.raises(AccountDisabled):
        accounts.login(rt, user.email, PASSWORD)
    assert accounts.principal_for_session(rt, session.session_secret) is None
    accounts.set_user_status(rt, principal_of(operator), user.id, "active")
    assert accounts.principal_for_session(rt, session.session_secret) is not None


def test_only_operators_change_account_status(rt: Runtime, make_user: MakeUser) -> None:
    user, other = make_user(), make_user("wang@example.com")
    with pytest.raises(AccessDenied):
        accounts.set_user_status(rt, principal_of(user), other.id, "disabled")
    assert accounts.get_user(rt, other.id).status == "active"


# --- sessions -----------------------------------------------------------------------------------------------------


def test_a_session_expires_after_the_configured_days(rt: Runtime, clock: FixedClock, make_user: MakeUser) -> None:
    make_user()
    secret = accounts.login(rt, "li@example.com", PASSWORD).session_secret
    clock.advance(timedelta(days=rt.settings.session_days) - timedelta(seconds=1))
    assert accounts.principal_for_session(rt, secret) is not None
    clock.advance(timedelta(seconds=1))
    assert accounts.principal_for_session(rt, secret) is None


def test_logging_out_revokes_the_session(rt: Runtime, make_user: MakeUser) -> None:
    make_user()
    result = accounts.login(rt, "li@example.com", PASSWORD)
    accounts.logout(rt, result.session_id)
    accounts.logout(rt, result.session_id)
    assert accounts.principal_for_session(rt, result.session_secret) is None


def test_unknown_or_absurd_session_secrets_resolve_to_nobody(rt: Runtime) -> None:
    assert accounts.principal_for_session(rt, "no-such-secret") is None
    assert accounts.principal_for_session(rt, "") is None
    assert accounts.principal_for_session(rt, "x" * 10_000) is None


# --- preferences --------------------------------------------------------------------------------------------------


def test_a_user_sets_their_language_and_profile(rt: Runtime, make_user: MakeUser) -> None:
    user = make_user()
    assert accounts.set_locale(rt, principal_of(user), "zh-CN").locale == "zh-CN"
    with pytest.raises(LocaleUnsupported):
        accounts.set_locale(rt, principal_of(user), "de")
    updated = accounts.update_profile(rt, principal_of(user), " 李 伟 ", "en")
    assert (updated.display_name, updated.locale) == ("李 伟", "en")


# --- API tokens ---------------------------------------------------------------------------------------------------


def test_a_created_token_authenticates_and_is_stored_only_as_a_hash(rt: Runtime, make_user: MakeUser) -> None:
    user = make_user()
    plain, view = accounts.create_api_token(rt, principal_of(user), " deploy ", expires_days=30)
    assert plain.startswith("mct_") and len(plain) > 40
    assert (view.name, view.prefix, view.expires_at) == ("deploy", plain[:8], rt.clock.now() + timedelta(days=30))
    principal = accounts.principal_for_token(rt, plain)
    assert principal is not None and (principal.user_id, principal.via, principal.credential_id) == (
        user.id, "token", view.id)
    with rt.uow(read_only=True) as uow:
        stored = uow.conn.execute(sa.select(api_tokens.c.token_hash)).scalar_one()
    assert stored == secret_digest(plain)


def test_token_use_is_recorded_at_most_once_a_minute(rt: Runtime, clock: FixedClock, make_user: MakeUser) -> None:
    plain, view = accounts.create_api_token(rt, principal_of(make_user()), "ci")
    first = clock.now()
    accounts.principal_for_token(rt, plain)
    clock.advance(timedelta(seconds=59))
    accounts.principal_for_token(rt, plain)
    [token] = accounts.list_api_tokens(rt, principal_of(accounts.get_user(rt, view.user_id)))
    assert token.last_used_at == first
    clock.advance(timedelta(seconds=1))
    accounts.principal_for_token(rt, plain)
    [token] = accounts.list_api_tokens(rt, principal_of(accounts.get_user(rt, view.user_id)))
    assert token.last_used_at == clock.now()


def test_a_revoked_or_expired_token_is_refused(rt: Runtime, clock: FixedClock, make_user: MakeUser) -> None:
    owner = principal_of(make_user())
    revoked, revoked_view = accounts.create_api_token(rt, owner, "old")
    expiring, _ = accounts.create_api_token(rt, owner, "short", expires_days=1)
    accounts.revoke_api_token(rt, owner, revoked_view.id)
    accounts.revoke_api_token(rt, owner, revoked_view.id)  # again is harmless
    assert accounts.principal_for_token(rt, revoked) is None
    assert accounts.principal_for_token(rt, expiring) is not None
    clock.advance(timedelta(days=1))
    assert accounts.principal_for_token(rt, expiring) is None


def test_another_users_token_cannot_be_revoked_and_stays_usable(rt: Runtime, make_user: MakeUser) -> None:
    li, wang = principal_of(make_user()), principal_of(make_user("wang@example.com"))
    plain, view = accounts.create_api_token(rt, li, "mine")
    with pytest.raises(TokenNotFound) as info:
        accounts.revoke_api_token(rt, wang, view.id)
    assert info.value.code == "not_found"
    assert accounts.principal_for_token(rt, plain) is not None
    assert accounts.list_api_tokens(rt, wang) == []


def test_malformed_bearer_tokens_resolve_to_nobody(rt: Runtime) -> None:
    for token in ("", "abc", "mct_unknown", "mct_" + "x" * 500):
        assert accounts.principal_for_token(rt, token) is None


def test_an_account_holds_at_most_fifty_active_tokens(rt: Runtime, make_user: MakeUser) -> None:
    owner = principal_of(make_user())
    for n in range(50):
        accounts.create_api_token(rt, owner, f"t{n}")
    with pytest.raises(TokenLimitReached):
        accounts.create_api_token(rt, owner, "one too many")
    assert _count(rt, api_tokens) == 50


def test_tokens_are_issued_for_credentials_and_throttled_like_logins(rt: Runtime, make_user: MakeUser) -> None:
    make_user()
    plain, view = accounts.issue_token_for_credentials(rt, "li@example.com", PASSWORD, "cli")
    assert accounts.principal_for_token(rt, plain) is not None and view.name == "cli"
    for _ in range(5):
        with pytest.raises(CredentialsInvalid):
            accounts.issue_token_for_credentials(rt, "li@example.com", "Wrong-password-1", "cli")
    with pytest.raises(LoginThrottled):
        accounts.issue_token_for_credentials(rt, "li@example.com", PASSWORD, "cli")
    assert _count(rt, api_tokens) == 1
