"""Every query of accounts: users, page sessions, API tokens and the login throttle."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from mercato.accounts.model import EmailTaken, SessionRecord, ThrottleState, TokenView, UserView
from mercato.accounts.tables import api_tokens, login_throttle, sessions, users

_USER_COLUMNS = (users.c.id, users.c.email, users.c.display_name, users.c.is_operator, users.c.locale,
                 users.c.status, users.c.created_at)


def _user(row: Any) -> UserView:
    return UserView(id=row.id, email=row.email, display_name=row.display_name, is_operator=bool(row.is_operator),
                    locale=row.locale, status=row.status, created_at=row.created_at)


def _token(row: Any) -> TokenView:
    return TokenView(id=row.id, user_id=row.user_id, name=row.name, prefix=row.prefix, created_at=row.created_at,
                     expires_at=row.expires_at, last_used_at=row.last_used_at, revoked_at=row.revoked_at)


class AccountsRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- users ----------------------------------------------------------------------------------------------------

    def insert_user(self, user: UserView, password_hash: str) -> None:
        """Insert a new account; EmailTaken when the (normalised) address exists, even if a racing insert won."""
        if self.email_exists(user.email):
            raise EmailTaken()
        try:
            self.conn.execute(users.insert().values(
                id=user.id, email=user.email, display_name=user.display_name, password_hash=password_hash,
                is_operator=user.is_operator, locale=user.locale, status=user.status, created_at=user.created_at))
        except sa.exc.IntegrityError as exc:
            raise EmailTaken() from exc

    def email_exists(self, email: str) -> bool:
        query = sa.select(users.c.id).where(users.c.email == email)
        return self.conn.execute(query).first() is not None

    def user(self, user_id: str) -> UserView | None:
        row = self.conn.execute(sa.select(*_USER_COLUMNS).where(users.c.id == user_id)).first()
        return _user(row) if row else None

    def user_by_email(self, email: str) -> UserView | None:
        row = self.conn.execute(sa.select(*_USER_COLUMNS).where(users.c.email == email)).first()
        return _user(row) if row else None

    def users(self, user_ids: Iterable[str]) -> dict[str, UserView]:
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        rows = self.conn.execute(sa.select(*_USER_COLUMNS).where(users.c.id.in_(wanted)))
        return {row.id: _user(row) for row in rows}

    def consumer_ids_after(self, after_id: str, limit: int, registered_since: datetime | None) -> list[str]:
        """Active consumer (non-operator) ids in id order after `after_id`: a keyset page for batch jobs."""
        query = sa.select(users.c.id).where(users.c.id > after_id, users.c.status == "active",
                                            users.c.is_operator.is_(False))
        if registered_since is not None:
            query = query.where(users.c.created_at >= registered_since)
        return list(self.conn.execute(query.order_by(users.c.id).limit(limit)).scalars())

    def credentials(self, email: str) -> tuple[UserView, str] | None:
        """The user and their password hash, for checking a login."""
        row = self.conn.execute(
            sa.select(*_USER_COLUMNS, users.c.password_hash).where(users.c.email == email)).first()
        return (_user(row), row.password_hash) if row else None

    def update_user(self, user_id: str, **values: Any) -> None:
        self.conn.execute(users.update().where(users.c.id == user_id).values(**values))

    # --- sessions -------------------------------------------------------------------------------------------------

    def insert_session(self, session: SessionRecord, token_hash: str, csrf_token: str, now: datetime) -> None:
        self.conn.execute(sessions.insert().values(
            id=session.id, user_id=session.user_id, token_hash=token_hash, csrf_token=csrf_token,
            created_at=now, expires_at=session.expires_at, revoked_at=None))

    def session_by_hash(self, token_hash: str) -> SessionRecord | None:
        query = sa.select(sessions.c.id, sessions.c.user_id, sessions.c.expires_at, sessions.c.revoked_at).where(
            sessions.c.token_hash == token_hash)
        row = self.conn.execute(query).first()
        return SessionRecord(row.id, row.user_id, row.expires_at, row.revoked_at) if row else None

    def revoke_session(self, session_id: str, now: datetime) -> bool:
        result = self.conn.execute(sessions.update().where(
            sessions.c.id == session_id, sessions.c.revoked_at.is_(None)).values(revoked_at=now))
        return result.rowcount == 1

    # --- API tokens -----------------------------------------------------------------------------------------------

    def insert_token(self, token: TokenView, token_hash: str) -> None:
        self.conn.execute(api_tokens.insert().values(
            id=token.id, user_id=token.user_id, name=token.name, prefix=token.prefix, token_hash=token_hash,
            created_at=token.created_at, expires_at=token.expires_at, last_used_at=None, revoked_at=None))

    def token_by_hash(self, token_hash: str) -> TokenView | None:
        row = self.conn.execute(sa.select(api_tokens).where(api_tokens.c.token_hash == token_hash)).first()
        return _token(row) if row else None

    def tokens_of(self, user_id: str) -> list[TokenView]:
        query = (sa.select(api_tokens).where(api_tokens.c.user_id == user_id)
                 .order_by(api_tokens.c.created_at.desc(), api_tokens.c.id.desc()))
        return [_token(row) for row in self.conn.execute(query)]

    def count_active_tokens(self, user_id: str, now: datetime) -> int:
        query = sa.select(sa.func.count()).select_from(api_tokens).where(
            api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None),
            sa.or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > now))
        return int(self.conn.execute(query).scalar_one())

    def revoke_token(self, user_id: str, token_id: str, now: datetime) -> bool:
        """Revoke one of `user_id`'s tokens; False when it is not theirs or already revoked."""
        result = self.conn.execute(api_tokens.update().where(
            api_tokens.c.id == token_id, api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None),
        ).values(revoked_at=now))
        return result.rowcount == 1

    def token_owned(self, user_id: str, token_id: str) -> bool:
        query = sa.select(api_tokens.c.id).where(api_tokens.c.id == token_id, api_tokens.c.user_id == user_id)
        return self.conn.execute(query).first() is not None

    def touch_token(self, token_id: str, now: datetime, stale_before: datetime) -> None:
        """Record a use, unless one was recorded after `stale_before` (a conditional update, no read first)."""
        self.conn.execute(api_tokens.update().where(
            api_tokens.c.id == token_id,
            sa.or_(api_tokens.c.last_used_at.is_(None), api_tokens.c.last_used_at <= stale_before),
        ).values(last_used_at=now))

    # --- login throttle -------------------------------------------------------------------------------------------

    def lock_throttle(self, identifier: str, now: datetime) -> ThrottleState:
        """The identifier's throttle state, its row locked for this transaction (created empty if missing)."""
        insert = postgresql.insert if self.conn.dialect.name == "postgresql" else sqlite.insert
        self.conn.execute(insert(login_throttle).values(
            identifier=identifier, failures=0, first_failure_at=now, locked_until=None,
        ).on_conflict_do_nothing(index_elements=[login_throttle.c.identifier]))
        row = self.conn.execute(sa.select(login_throttle).where(
            login_throttle.c.identifier == identifier).with_for_update()).one()
        return ThrottleState(row.failures, row.first_failure_at if row.failures else None, row.locked_until)

    def throttle(self, identifier: str) -> ThrottleState:
        row = self.conn.execute(sa.select(login_throttle).where(login_throttle.c.identifier == identifier)).first()
        if row is None:
            return ThrottleState()
        return ThrottleState(row.failures, row.first_failure_at if row.failures else None, row.locked_until)

    def save_throttle(self, identifier: str, state: ThrottleState) -> None:
        self.conn.execute(login_throttle.update().where(login_throttle.c.identifier == identifier).values(
            failures=state.failures, first_failure_at=state.first_failure_at, locked_until=state.locked_until))

    def clear_throttle(self, identifier: str) -> None:
        self.conn.execute(login_throttle.delete().where(login_throttle.c.identifier == identifier))
