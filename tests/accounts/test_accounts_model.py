"""Accounts rules with plain values: email, names, the password policy, redirects and login throttling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.accounts.model import (
    CLEAR,
    DisplayNameInvalid,
    EmailInvalid,
    LocaleUnsupported,
    PasswordWeak,
    ThrottlePolicy,
    ThrottleState,
    TokenExpiryInvalid,
    TokenNameInvalid,
    check_locale,
    check_password,
    clean_display_name,
    clean_token_name,
    normalize_email,
    secret_digest,
    throttle_after_failure,
    throttle_check,
    token_expiry,
    token_prefix,
)
from mercato.web.guards import local_redirect_target

NOW = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(max_failures=5, window=timedelta(minutes=15), lock=timedelta(minutes=15))


# --- email --------------------------------------------------------------------------------------------------------


def test_email_is_trimmed_and_lower_cased() -> None:
    assert normalize_email("  Li.Wei+Shop@Example.COM ") == "li.wei+shop@example.com"


@pytest.mark.parametrize("raw", [
    "", "plain", "a@b", "@example.com", "li@", "li@@example.com", "li wei@example.com", "li@exa mple.com",
    "li@-example.com", "li@example-.com", "li@example.123", ".li@example.com", "li.@example.com",
    "li..wei@example.com", "李@example.com", "li@例子.com", "li@exam\nple.com", "li\x00@example.com",
    "a" * 65 + "@example.com", "li@" + "a" * 250 + ".com", '"li"@example.com',
])
def test_malformed_email_addresses_are_refused(raw: str) -> None:
    with pytest.raises(EmailInvalid) as info:
        normalize_email(raw)
    assert info.value.code == "email_invalid"


def test_the_longest_local_part_is_accepted() -> None:
    assert normalize_email("a" * 64 + "@example.com") == "a" * 64 + "@example.com"


@given(st.emails())
def test_email_normalisation_is_idempotent(raw: str) -> None:
    try:
        once = normalize_email(raw)
    except EmailInvalid:
        return
    assert normalize_email(once) == once
    assert once == once.lower().strip()


@given(st.text(max_size=80))
def test_email_normalisation_never_returns_an_oversized_or_multi_at_address(raw: str) -> None:
    try:
        email = normalize_email(raw)
    except EmailInvalid:
        return
    assert len(email) <= 254 and email.count("@") == 1


# --- names --------------------------------------------------------------------------------------------------------


def test_display_name_is_trimmed_and_inner_spaces_collapse() -> None:
    assert clean_display_name("  Li   Wei 李伟 ") == "Li Wei 李伟"


@pytest.mark.parametrize("raw", ["", "   ", "x" * 65, "Li\x00Wei", "Li\nWei", "evil\u202ename", "tab\there"])
def test_display_names_breaking_the_rule_are_refused(raw: str) -> None:
    with pytest.raises(DisplayNameInvalid):
        clean_display_name(raw)


def test_a_display_name_of_exactly_64_characters_is_kept() -> None:
    assert clean_display_name("名" * 64) == "名" * 64


def test_token_names_follow_the_same_rule_with_their_own_code() -> None:
    assert clean_token_name(" ci deploy ") == "ci deploy"
    with pytest.raises(TokenNameInvalid) as info:
        clean_token_name("")
    assert info.value.code == "token_name_invalid"


# --- passwords ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", [
    "Tiger123", "correct horse battery", "ABCDEFG1", "密码密码密码密码1", "x" * 127 + "1",
])
def test_passwords_meeting_the_policy_are_accepted(password: str) -> None:
    check_password(password, "li@example.com")


@pytest.mark.parametrize("password", [
    "Ab1", "Abcdef1", "a" * 8, "12345678", "ABCDEFGH", "!!!!!!!!", "x" * 128 + "1", "Li@Example.com",
])
def test_passwords_breaking_the_policy_are_refused(password: str) -> None:
    with pytest.raises(PasswordWeak) as info:
        check_password(password, "li@example.com")
    assert info.value.code == "password_weak"


# --- small rules --------------------------------------------------------------------------------------------------


def test_only_english_and_simplified_chinese_are_supported() -> None:
    assert check_locale("zh-CN") == "zh-CN"
    with pytest.raises(LocaleUnsupported):
        check_locale("fr")


def test_token_expiry_is_one_to_365_days_or_never() -> None:
    assert token_expiry(None, NOW) is None
    assert token_expiry(30, NOW) == NOW + timedelta(days=30)
    for days in (0, -1, 366):
        with pytest.raises(TokenExpiryInvalid):
            token_expiry(days, NOW)


def test_the_token_prefix_is_its_first_eight_characters() -> None:
    assert token_prefix("mct_abcdefghij") == "mct_abcd"


def test_the_secret_digest_is_sha256_hex() -> None:
    assert secret_digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.parametrize(("raw", "expected"), [
    ("/account", "/account"), ("/products?q=tea", "/products?q=tea"), (None, "/"), ("", "/"),
    ("https://evil.example/", "/"), ("//evil.example", "/"), ("/\\evil.example", "/"), ("account", "/"),
    ("/a\r\nSet-Cookie:x", "/"), ("/" + "a" * 600, "/"),
])
def test_only_local_paths_are_redirect_targets(raw: str | None, expected: str) -> None:
    assert local_redirect_target(raw) == expected


# --- throttling ---------------------------------------------------------------------------------------------------


def _fail(state: ThrottleState, times: int, at: datetime) -> ThrottleState:
    for _ in range(times):
        assert throttle_check(state, at).allowed
        state = throttle_after_failure(state, at, POLICY)
    return state


def test_a_clear_identifier_may_try() -> None:
    assert throttle_check(CLEAR, NOW).allowed


def test_the_fifth_failure_within_the_window_locks_for_the_lock_period() -> None:
    state = _fail(CLEAR, 4, NOW)
    assert state.locked_until is None and state.failures == 4
    state = _fail(state, 1, NOW + timedelta(minutes=1))
    assert state.locked_until == NOW + timedelta(minutes=16)
    decision = throttle_check(state, NOW + timedelta(minutes=2))
    assert not decision.allowed
    assert decision.retry_after_seconds == 14 * 60


def test_an_expired_lock_clears_the_state() -> None:
    state = _fail(CLEAR, 5, NOW)
    decision = throttle_check(state, NOW + timedelta(minutes=15))
    assert decision.allowed and decision.state == CLEAR


def test_failures_outside_the_window_start_a_new_streak() -> None:
    state = _fail(CLEAR, 4, NOW)
    state = _fail(state, 1, NOW + timedelta(minutes=15))
    assert state == ThrottleState(1, NOW + timedelta(minutes=15), None)


_gaps = st.lists(st.integers(min_value=0, max_value=40 * 60), min_size=1, max_size=60)


def _accepted_failures(gaps: list[int], policy: ThrottlePolicy) -> list[tuple[datetime, ThrottleState]]:
    """Replay failed attempts `gaps` seconds apart; keep the time and state after each one the throttle let in."""
    state, at, accepted = CLEAR, NOW, []
    for gap in gaps:
        at += timedelta(seconds=gap)
        if throttle_check(state, at).allowed:
            state = throttle_after_failure(state, at, policy)
            accepted.append((at, state))
    return accepted


@given(_gaps, st.integers(min_value=1, max_value=6))
def test_a_streak_never_accepts_more_than_max_failures_within_its_window(gaps: list[int], limit: int) -> None:
    policy = ThrottlePolicy(limit, timedelta(minutes=15), timedelta(minutes=15))
    accepted = _accepted_failures(gaps, policy)
    for start, state in accepted:
        if state.failures == 1:
            in_window = [t for t, _ in accepted if start <= t < start + policy.window]
            assert len(in_window) <= limit


@given(_gaps, st.integers(min_value=1, max_value=6))
def test_any_window_accepts_fewer_than_twice_max_failures(gaps: list[int], limit: int) -> None:
    policy = ThrottlePolicy(limit, timedelta(minutes=15), timedelta(minutes=15))
    times = [t for t, _ in _accepted_failures(gaps, policy)]
    for start in times:
        assert len([t for t in times if start <= t < start + policy.window]) <= 2 * limit - 1


@given(_gaps)
def test_a_locked_identifier_refuses_every_attempt_until_the_lock_ends(gaps: list[int]) -> None:
    for at, state in _accepted_failures(gaps, POLICY):
        if state.locked_until is not None:
            assert state.locked_until == at + POLICY.lock
            assert not throttle_check(state, state.locked_until - timedelta(microseconds=1)).allowed
            assert throttle_check(state, state.locked_until).allowed
