"""What every capability's form pages share: marking a message for translation where it is defined, the flash line a
redirect's `?done=` asks for, and the page context of a refusal (next to its field, or at the top)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from mercato.kernel.errors import DomainError
from mercato.web.i18n import gettext


def N_(message: str) -> str:  # noqa: N802 (the gettext convention, and an extraction keyword)
    """Marks a literal for the catalog; it is translated where it is shown."""
    return message


def flash_of(messages: Mapping[str, str], done: str) -> str | None:
    """The translated flash line for `?done=<key>`; None for a key the page does not know (never echoed)."""
    message = messages.get(done)
    return gettext(message) if message else None


def refusal(exc: DomainError, fields: Collection[str] = ()) -> dict[str, Any]:
    """The page context of a refused action: its status and code, and its message next to the field it names when
    the form has that field, else at the top of the page."""
    message = gettext(exc.message)
    field = exc.params.get("field")
    context: dict[str, Any] = {"status_code": exc.status, "error_code": exc.code}
    if isinstance(field, str) and field in fields:
        context["field_errors"] = {field: message}
    else:
        context["error"] = message
    return context
