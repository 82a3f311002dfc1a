"""The promotion form of the pages: its fields as typed (yuan, percent, UTC times, tiers like "200:20, 300:40")
turned into a `PromotionDraft`, and a saved promotion turned back into the form's text. A field that cannot be read
is `promotion_invalid` naming it; the draft's own rules are checked by the use case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from mercato.kernel.money import Money
from mercato.pricing.model import Kind, PromoClass, PromotionInvalid, Requirement, Tier
from mercato.pricing.model.drafts import PromotionDraft

YUAN_FIELDS = ("threshold", "amount", "cap", "every", "price")
INT_FIELDS = ("percent", "buy", "get", "nth", "priority", "per_person")
OPTIONAL_INT_FIELDS = ("platform_share_bp", "total_quantity", "valid_days")
TEXT_FIELDS = ("kind", "name_en", "name_zh", "exclusive_group", "requirement", "starts_at", "ends_at", "tiers",
               "sku_ids", "vertical_ids", "claimable", *YUAN_FIELDS, *INT_FIELDS, *OPTIONAL_INT_FIELDS)
TIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_TEXT = 40


def _bad(field: str, message: str) -> PromotionInvalid:
    return PromotionInvalid(message, field=field)


def _yuan(raw: str, field: str) -> int:
    text = raw.strip()
    try:
        minor = Money.parse(text).minor if text else 0
    except ValueError:
        raise _bad(field, "Enter an amount such as 8 or 8.50") from None
    if len(text) > MAX_TEXT:
        raise _bad(field, "Enter an amount such as 8 or 8.50")
    return minor


def _int(raw: str, field: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    if len(text) > MAX_TEXT or not text.lstrip("-").isdigit():
        raise _bad(field, "Enter a whole number")
    return int(text)


def _time(raw: str, field: str) -> datetime | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return datetime.strptime(text[:16], TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise _bad(field, "Enter a date and time such as 2026-11-11T00:00") from None


def _tiers(raw: str) -> tuple[Tier, ...]:
    """"200:20, 300:40" (yuan) as tiers."""
    tiers = []
    for part in (p for p in raw.replace("，", ",").split(",") if p.strip()):
        threshold, sep, amount = part.partition(":")
        if not sep:
            raise _bad("tiers", "Write tiers as threshold:amount, e.g. 200:20, 300:40")
        tiers.append(Tier(_yuan(threshold, "tiers"), _yuan(amount, "tiers")))
    return tuple(tiers)


def _ids(raw: Sequence[str]) -> frozenset[str]:
    return frozenset(part.strip() for text in raw for part in text.replace(",", " ").split()
                     if 0 < len(part.strip()) <= 26)


def _kind(raw: str) -> Kind:
    if raw not in Kind._value2member_map_:
        raise _bad("kind", "Choose one of the options")
    return Kind(raw)


def _requirement(raw: str) -> Requirement:
    if raw not in Requirement._value2member_map_:
        raise _bad("requirement", "Choose one of the options")
    return Requirement(raw)


def _numbers(form: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """Every number of the form as the draft's keyword arguments (yuan as fen; empty optional fields None)."""
    def one(name: str) -> str:
        return (form.get(name) or [""])[0]

    numbers: dict[str, Any] = {name: _yuan(one(name), name) for name in YUAN_FIELDS}
    numbers.update({name: _int(one(name), name) or 0 for name in INT_FIELDS})
    numbers.update({name: _int(one(name), name) for name in OPTIONAL_INT_FIELDS})
    numbers["cap"] = numbers["cap"] if one("cap").strip() else None
    numbers["per_person"] = numbers["per_person"] or 1
    return numbers


def draft_of_form(form: Mapping[str, Sequence[str]]) -> PromotionDraft:
    """The draft a submitted promotion form describes; each value is a list (checkboxes repeat)."""
    def one(name: str) -> str:
        return (form.get(name) or [""])[0]

    combines = frozenset(PromoClass(c) for c in form.get("combines_with", ()) if c in PromoClass._value2member_map_)
    return PromotionDraft(
        kind=_kind(one("kind")), name_en=one("name_en"), name_zh=one("name_zh"),
        starts_at=_time(one("starts_at"), "starts_at"), ends_at=_time(one("ends_at"), "ends_at"),
        tiers=_tiers(one("tiers")), sku_ids=_ids(form.get("sku_ids", ())),
        vertical_ids=_ids(form.get("vertical_ids", ())), requirement=_requirement(one("requirement") or "none"),
        combines_with=combines, exclusive_group=one("exclusive_group"), claimable=one("claimable") == "on",
        **_numbers(form),
    )


def _yuan_text(minor: int | None) -> str:
    return Money(minor).decimal_string() if minor else ""


def form_of(draft: PromotionDraft) -> dict[str, object]:
    """A saved promotion as the form shows it (yuan, UTC times; sets for the checkboxes)."""
    def text(value: int | None) -> str:
        return "" if value is None or value == 0 else str(value)

    return {
        "kind": draft.kind.value, "name_en": draft.name_en, "name_zh": draft.name_zh,
        "starts_at": draft.starts_at.strftime(TIME_FORMAT) if draft.starts_at else "",
        "ends_at": draft.ends_at.strftime(TIME_FORMAT) if draft.ends_at else "",
        **{name: _yuan_text(getattr(draft, name)) for name in YUAN_FIELDS},
        "cap": "" if draft.cap is None else Money(draft.cap).decimal_string(),
        **{name: text(getattr(draft, name)) for name in INT_FIELDS},
        **{name: "" if getattr(draft, name) is None else str(getattr(draft, name)) for name in OPTIONAL_INT_FIELDS},
        "tiers": ", ".join(f"{Money(t.threshold).decimal_string()}:{Money(t.amount).decimal_string()}"
                           for t in draft.tiers),
        "sku_ids": set(draft.sku_ids), "vertical_ids": set(draft.vertical_ids),
        "combines_with": {c.value for c in draft.combines_with}, "requirement": draft.requirement.value,
        "exclusive_group": draft.exclusive_group, "claimable": draft.claimable,
    }


def blank_form(kind: Kind) -> dict[str, object]:
    """A new promotion's form: every class combines, one per person, claimable."""
    return {**form_of(PromotionDraft(kind=kind, name_en="", name_zh="")), "per_person": "1"}
