"""The accounts HTTP API under /api/v1/auth: registering, exchanging credentials for tokens, who am I."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from mercato.accounts import service
from mercato.accounts.model import (
    DISPLAY_NAME_MAX,
    EMAIL_MAX,
    PASSWORD_MAX,
    SUPPORTED_LOCALES,
    TOKEN_EXPIRY_MAX_DAYS,
    TOKEN_NAME_MAX,
    TokenView,
    UserView,
)
from mercato.kernel.http import ERROR_RESPONSES, require_principal, runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

router = APIRouter(prefix="/auth", tags=["accounts"], responses=ERROR_RESPONSES)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(require_principal)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class RegisterCreate(_Strict):
    email: str = Field(min_length=1, max_length=EMAIL_MAX)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    display_name: str = Field(min_length=1, max_length=DISPLAY_NAME_MAX)
    locale: str = Field(default="en", max_length=8, description=f"one of {', '.join(SUPPORTED_LOCALES)}")


class TokenCreate(_Strict):
    email: str = Field(min_length=1, max_length=EMAIL_MAX)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    name: str = Field(default="api", min_length=1, max_length=TOKEN_NAME_MAX)
    expires_days: int | None = Field(default=None, ge=1, le=TOKEN_EXPIRY_MAX_DAYS,
                                     description="days until the token stops working; omit for no expiry")


class UserRead(BaseModel):
    id: str
    email: str
    display_name: str
    is_operator: bool
    locale: str
    status: str
    created_at: datetime

    @classmethod
    def of(cls, user: UserView) -> UserRead:
        return cls(id=user.id, email=user.email, display_name=user.display_name, is_operator=user.is_operator,
                   locale=user.locale, status=user.status, created_at=user.created_at)


class TokenRead(BaseModel):
    id: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, token: TokenView) -> TokenRead:
        return cls(id=token.id, name=token.name, prefix=token.prefix, created_at=token.created_at,
                   expires_at=token.expires_at, last_used_at=token.last_used_at, revoked_at=token.revoked_at)


class TokenCreated(TokenRead):
    token: str = Field(description="the bearer token; shown only in this response, keep it secret")


class TokenList(BaseModel):
    items: list[TokenRead]


@router.post("/register", status_code=201, response_model=UserRead)
def register(body: RegisterCreate, rt: Rt) -> UserRead:
    """Create a consumer account (409 `email_taken`, 400 `password_weak` / `email_invalid` / ...)."""
    user = service.register(rt, body.email, body.password, body.display_name, body.locale)
    return UserRead.of(user)


@router.post("/tokens", status_code=201, response_model=TokenCreated,
             responses={429: {"description": "`login_throttled`: too many failed attempts for this email"}})
def issue_token(body: TokenCreate, rt: Rt) -> TokenCreated:
    """Exchange an email and password for a bearer token (401 `credentials_invalid`, throttled per email)."""
    plain, token = service.issue_token_for_credentials(rt, body.email, body.password, body.name,
                                                       body.expires_days)
    return TokenCreated(token=plain, **TokenRead.of(token).model_dump())


@router.get("/me", response_model=UserRead)
def me(principal: Me, rt: Rt) -> UserRead:
    """The account behind the bearer token."""
    return UserRead.of(service.get_user(rt, principal.user_id))


@router.get("/tokens", response_model=TokenList)
def list_tokens(principal: Me, rt: Rt) -> TokenList:
    """Your API tokens, newest first (never the tokens themselves)."""
    return TokenList(items=[TokenRead.of(t) for t in service.list_api_tokens(rt, principal)])


@router.delete("/tokens/{token_id}", status_code=204, response_class=Response)
def revoke_token(principal: Me, rt: Rt, token_id: Annotated[str, Path(min_length=1, max_length=64)]) -> Response:
    """Revoke one of your tokens (404 `not_found` for anyone else's)."""
    service.revoke_api_token(rt, principal, token_id)
    return Response(status_code=204)
