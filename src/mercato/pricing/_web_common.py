"""What the pricing pages share: dependency aliases, the posted form as lists, flash messages, how a refusal reaches
the page (next to the field it names, else at the top), and the store a merchant page acts for."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Any

from fastapi import Depends, Request

from mercato.kernel.errors import DomainError
from mercato.kernel.http import runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.pricing.forms import TEXT_FIELDS
from mercato.stores import service as stores
from mercato.stores.model import Membership, Permission
from mercato.web import gettext, verify_csrf
from mercato.web.forms import N_, flash_of
from mercato.web.guards import page_operator, page_principal

FormData = dict[str, list[str]]
MAX_VALUE = 2000
MAX_VALUES = 600


async def posted_form(request: Request) -> FormData:
    """The submitted form, every field as a list (checkboxes repeat), after the CSRF check."""
    form = await request.form(max_fields=MAX_VALUES)
    data: FormData = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            data.setdefault(key, []).append(value[:MAX_VALUE])
    verify_csrf(request, (data.get("csrf_token") or [""])[0])
    return data


Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(page_principal)]
Operator = Annotated[Principal, Depends(page_operator)]
Posted = Annotated[FormData, Depends(posted_form)]


FLASH = {
    "created": N_("The promotion is saved"),
    "updated": N_("The promotion is updated"),
    "pause": N_("The promotion is paused"),
    "resume": N_("The promotion runs again"),
    "end": N_("The promotion has ended"),
    "joined": N_("Your store takes part in the festival"),
    "left": N_("Your store no longer takes part in the festival"),
    "claimed": N_("The coupon is yours: it is in My vouchers"),
    "campaign": N_("The vouchers are being issued"),
}


def flash(done: str) -> str | None:
    return flash_of(FLASH, done)


def failed(exc: DomainError, fields: Collection[str] = TEXT_FIELDS) -> dict[str, Any]:
    """The page context of a refusal: next to the field it names when the form has that field, else at the top."""
    message = gettext(exc.message)
    field = exc.params.get("field")
    context: dict[str, Any] = {"status_code": exc.status, "error_code": exc.code}
    if isinstance(field, str) and field in fields:
        context["field_errors"] = {field: message}
    context["problem"] = message  # not `error`: the layout would show it a second time
    return context


def first(form: FormData, name: str) -> str:
    return (form.get(name) or [""])[0]


def promotion_stores(rt: Runtime, me: Principal) -> list[Membership]:
    """The person's stores whose promotions they may manage (the `products` permission)."""
    return stores.stores_with(rt, me, Permission.PRODUCTS)


def echo_form(form: FormData) -> dict[str, Any]:
    """The submitted promotion form, shown again after a refusal."""
    echoed: dict[str, Any] = {key: values[0] for key, values in form.items() if values}
    for many in ("sku_ids", "vertical_ids", "combines_with"):
        echoed[many] = set(form.get(many, ()))
    echoed["claimable"] = first(form, "claimable") == "on"
    return echoed
