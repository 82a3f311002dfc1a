"""What every trade page shares: dependency aliases, flash messages, how a refusal reaches the page (next to the
field it names, else at the top), yuan typed in forms, the status filter and the store a merchant page acts for."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Any

from fastapi import Depends, Form, Request

from mercato.kernel.errors import DomainError, InputInvalid
from mercato.kernel.http import runtime
from mercato.kernel.money import Money
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.trade.model import OrderStatus
from mercato.web.forms import N_, flash_of, refusal
from mercato.web.guards import page_principal

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(page_principal)]
Csrf = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Form(max_length=300)]
Key = Annotated[str, Form(max_length=128)]

STATUSES = tuple(OrderStatus)
MAX_YUAN_TEXT = 16


FLASH = {
    "added": N_("Added to your cart"),
    "updated": N_("The cart is updated"),
    "removed": N_("The item is removed from your cart"),
    "address_added": N_("The address is saved"),
    "address_deleted": N_("The address is deleted"),
    "address_default": N_("This address is now your default"),
    "cancelled": N_("The order is cancelled"),
    "confirmed": N_("Thank you: the receipt is confirmed and the order is complete"),
    "shipped": N_("The order is shipped"),
    "shipping_saved": N_("The shipping settings are saved"),
}


def flash(done: str) -> str | None:
    return flash_of(FLASH, done)


def failed(exc: DomainError, fields: Collection[str] = ()) -> dict[str, Any]:
    """The page context of a refusal: next to the field it names when the form has that field, else at the top."""
    return refusal(exc, fields)


def yuan(raw: str, field: str) -> int:
    """An amount typed in yuan ("8" or "8.50") as fen."""
    text = raw.strip()
    try:
        minor = Money.parse(text).minor
    except ValueError:
        raise InputInvalid("Enter an amount such as 8 or 8.50", field=field) from None
    if minor < 0 or len(text) > MAX_YUAN_TEXT:
        raise InputInvalid("Enter an amount such as 8 or 8.50", field=field)
    return minor


def optional_yuan(raw: str, field: str) -> int | None:
    """Like `yuan`, but an empty field is None."""
    return yuan(raw, field) if raw.strip() else None


def status_filter(raw: str) -> str:
    """A known order status, or "" (every status) for anything else typed into the address bar."""
    return raw if raw in OrderStatus._value2member_map_ else ""


def htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- the store a merchant page acts for ---------------------------------------------------------------------------

def page_links(request: Request, next_cursor: str | None) -> dict[str, Any]:
    """The pager: the next page (keeping the filters) and the first page."""
    first = request.url.remove_query_params("cursor")
    return {"next_url": _relative(first.include_query_params(cursor=next_cursor)) if next_cursor else None,
            "first_url": _relative(first) if request.query_params.get("cursor") else None}


def _relative(url: Any) -> str:
    return f"{url.path}?{url.query}" if url.query else str(url.path)
