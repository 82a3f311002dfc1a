"""Accounts rules as pure values: views of people and tokens, input rules, the password policy and login throttling.

Nothing here reads the clock or randomness: callers pass `now` and the settings in.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from mercato.kernel.errors import (
    AccessDenied,
    DuplicateEntity,
    EntityNotFound,
    InputInvalid,
    NotAuthenticated,
    RateLimited,
    StateConflict,
)
from mercato.kernel.principal import Principal

SUPPORTED_LOCALES = ("en", "zh-CN")
EMAIL_MAX = 254
EMAIL_LOCAL_MAX = 64
DISPLAY_NAME_MAX = 64
TOKEN_NAME_MAX = 64
PASSWORD_MIN = 8
PASSWORD_MAX = 128
TOKEN_EXPIRY_MAX_DAYS = 365
MAX_ACTIVE_TOKENS = 50
TOKEN_SCHEME = "mct_"  # noqa: S105  (a public marker that lets secret scanners spot leaked tokens)
TOKEN_PREFIX_LENGTH = 8

# The local part allows the RFC 5322 "atext" set plus dots; quoted local parts are refused on purpose (no real
# mailbox provider hands them out and they complicate uniqueness). Only ASCII: no homoglyph look-alike accounts.
_LOCAL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# Bidirectional overrides let a name render as something else ("evil‮moc.") : refused with the control characters.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


class UserStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


# --- errors -------------------------------------------------------------------------------------------------------


class EmailInvalid(InputInvalid):
    code = "email_invalid"
    title = "The email address is not valid"


class DisplayNameInvalid(InputInvalid):
    code = "display_name_invalid"
    title = "The display name must be 1-64 characters without control characters"


class PasswordWeak(InputInvalid):
    code = "password_weak"
    title = "The password does not meet the password policy"


class LocaleUnsupported(InputInvalid):
    code = "locale_unsupported"
    title = "This language is not supported"


class TokenNameInvalid(InputInvalid):
    code = "token_name_invalid"
    title = "The token name must be 1-64 characters without control characters"


class TokenExpiryInvalid(InputInvalid):
    code = "token_expiry_invalid"
    title = f"A token expires after 1 to {TOKEN_EXPIRY_MAX_DAYS} days, or never"


class EmailTaken(DuplicateEntity):
    code = "email_taken"
    title = "An account with this email address already exists"


class CredentialsInvalid(NotAuthenticated):
    code = "credentials_invalid"
    title = "The email address or password is not correct"


class LoginThrottled(RateLimited):
    code = "login_throttled"
    title = "Too many failed logins; wait a few minutes and try again"


class AccountDisabled(AccessDenied):
    code = "account_disabled"
    title = "This account is disabled"


class UserNotFound(EntityNotFound):
    title = "No such user"


class TokenNotFound(EntityNotFound):
    title = "No such API token"


class TokenLimitReached(StateConflict):
    code = "token_limit_reached"
    title = f"An account may hold at most {MAX_ACTIVE_TOKENS} active API tokens; revoke one first"


# --- views --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserView:
    id: str
    email: str
    display_name: str
    is_operator: bool
    locale: str
    status: str
    created_at: datetime

    @property
    def is_active(self) -> bool:
        return self.status == UserStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class TokenView:
    id: str
    user_id: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: str
    user_id: str
    expires_at: datetime
    revoked_at: datetime | None

    def is_valid(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


def principal_of(user: UserView, via: str, credential_id: str) -> Principal:
    """The acting principal for `user`, authenticated through a session or an API token."""
    return Principal(user_id=user.id, email=user.email, display_name=user.display_name,
                     is_operator=user.is_operator, locale=user.locale, via=via, credential_id=credential_id)


# --- input rules --------------------------------------------------------------------------------------------------


def normalize_email(raw: str) -> str:
    """The canonical form of an email address (trimmed, lower-case), or EmailInvalid."""
    email = raw.strip().lower()
    if not email.isascii() or not 3 <= len(email) <= EMAIL_MAX or email.count("@") != 1:
        raise EmailInvalid()
    local, domain = email.split("@")
    if len(local) > EMAIL_LOCAL_MAX or not _LOCAL.match(local):
        raise EmailInvalid()
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise EmailInvalid()
    return email


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs") or c in _BIDI_CONTROLS for c in text)


def clean_label(raw: str, max_length: int) -> str | None:
    """A trimmed single-line label with runs of spaces collapsed, or None when it breaks the rule."""
    if _has_control(raw):
        return None
    label = " ".join(raw.split())
    return label if 1 <= len(label) <= max_length else None


def clean_display_name(raw: str) -> str:
    name = clean_label(raw, DISPLAY_NAME_MAX)
    if name is None:
        raise DisplayNameInvalid()
    return name


def clean_token_name(raw: str) -> str:
    name = clean_label(raw, TOKEN_NAME_MAX)
    if name is None:
        raise TokenNameInvalid()
    return name


def _character_classes(password: str) -> int:
    checks = (str.islower, str.isupper, str.isdigit)
    classes = {i for c in password for i, check in enumerate(checks) if check(c)}
    if any(not (c.islower() or c.isupper() or c.isdigit()) for c in password):
        classes.add(len(checks))
    return len(classes)


def check_password(password: str, email: str) -> None:
    """The password policy: 8-128 characters, at least two character classes, not the email address."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise PasswordWeak(f"The password must be {PASSWORD_MIN}-{PASSWORD_MAX} characters long")
    if _character_classes(password) < 2:
        raise PasswordWeak("Mix at least two kinds of characters (lower case, upper case, digits, symbols)")
    if password.strip().lower() == email.strip().lower():
        raise PasswordWeak("The password must not be the email address")


def check_locale(locale: str) -> str:
    if locale not in SUPPORTED_LOCALES:
        raise LocaleUnsupported(locale=locale[:16])
    return locale


def token_expiry(expires_days: int | None, now: datetime) -> datetime | None:
    if expires_days is None:
        return None
    if isinstance(expires_days, bool) or not 1 <= expires_days <= TOKEN_EXPIRY_MAX_DAYS:
        raise TokenExpiryInvalid()
    return now + timedelta(days=expires_days)


def secret_digest(secret: str) -> str:
    """What is stored for a session secret or API token: its SHA-256 (the secrets are random, so no salt)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def token_prefix(plain_token: str) -> str:
    return plain_token[:TOKEN_PREFIX_LENGTH]


# --- login throttling ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """At most `max_failures` failed logins within `window`; the next one locks the identifier for `lock`."""

    max_failures: int
    window: timedelta
    lock: timedelta

    @classmethod
    def from_settings(cls, max_failures: int, lock_minutes: int) -> ThrottlePolicy:
        minutes = timedelta(minutes=lock_minutes)
        return cls(max_failures=max(1, max_failures), window=minutes, lock=minutes)


@dataclass(frozen=True, slots=True)
class ThrottleState:
    failures: int = 0
    first_failure_at: datetime | None = None
    locked_until: datetime | None = None

    @property
    def is_clear(self) -> bool:
        return self.failures == 0 and self.locked_until is None


CLEAR = ThrottleState()


@dataclass(frozen=True, slots=True)
class ThrottleDecision:
    allowed: bool
    state: ThrottleState
    retry_after_seconds: int = 0


def throttle_check(state: ThrottleState, now: datetime) -> ThrottleDecision:
    """May a login attempt for this identifier be evaluated at `now`? An expired lock clears the state."""
    if state.locked_until is None:
        return ThrottleDecision(True, state)
    if now < state.locked_until:
        wait = state.locked_until - now
        return ThrottleDecision(False, state, max(1, int(wait.total_seconds() + 0.999)))
    return ThrottleDecision(True, CLEAR)


def throttle_after_failure(state: ThrottleState, now: datetime, policy: ThrottlePolicy) -> ThrottleState:
    """The state after one more failed attempt (the caller checked it was allowed).

    Failures count in a fixed window opened by the first failure of a streak; the failure that reaches
    `max_failures` locks the identifier. Fixed windows keep the state to three columns; the price is that an
    interval of `window` straddling two streaks can hold up to 2 * max_failures - 1 failures (tested).
    """
    current = throttle_check(state, now).state
    fresh = current.first_failure_at is None or current.failures == 0 or (
        now - current.first_failure_at >= policy.window)
    failures = 1 if fresh else current.failures + 1
    first = now if fresh else current.first_failure_at
    locked_until = now + policy.lock if failures >= policy.max_failures else None
    return ThrottleState(failures=failures, first_failure_at=first, locked_until=locked_until)
