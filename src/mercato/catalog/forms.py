"""The small text grammars of the catalog pages (pure): SKU rows, option lists, image URLs, attribute lines.

    SKU row (options | code | price | stock | list price):  colour=Red; size=M | TEE-RED-M | 99.00 | 5 | 129.00
    attribute line (code | English | Chinese | required | options):  size | Size | 尺码 | required | S, M, L
"""

from __future__ import annotations

from mercato.catalog.model import SkuDraft
from mercato.catalog.taxonomy import AttributeDef
from mercato.kernel.errors import InputInvalid
from mercato.kernel.money import Money

MAX_LINES = 200


class FormInvalid(InputInvalid):
    code = "form_invalid"
    title = "A line of the form cannot be read"


def lines(text: str) -> list[str]:
    found = [line.strip() for line in text.splitlines() if line.strip()]
    if len(found) > MAX_LINES:
        raise FormInvalid(f"At most {MAX_LINES} lines")
    return found


def parse_options(text: str, where: str = "options") -> dict[str, str]:
    options: dict[str, str] = {}
    for part in (p.strip() for p in text.split(";") if p.strip()):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise FormInvalid(f"{where}: write options as name=value; name=value", field=where)
        options[name.strip()] = value.strip()
    return options


def parse_price(text: str, where: str) -> int:
    try:
        return Money.parse(text.strip().lstrip("¥")).minor
    except ValueError:
        raise FormInvalid(f"{where}: {text.strip()!r} is not an amount like 99.00", field=where) from None


def parse_count(text: str, where: str) -> int:
    raw = text.strip() or "0"
    if not raw.lstrip("-").isdigit() or len(raw) > 9:
        raise FormInvalid(f"{where}: {raw!r} is not a whole number", field=where)
    return int(raw)


def parse_sku_line(line: str, number: int) -> SkuDraft:
    where = f"SKU line {number}"
    parts = [p.strip() for p in line.split("|")]
    if not 3 <= len(parts) <= 5:
        raise FormInvalid(f"{where}: write options | code | price | stock | list price", field="skus")
    parts += [""] * (5 - len(parts))
    options, code, price, stock, list_price = parts
    return SkuDraft(code=code, options=parse_options(options, where), price_minor=parse_price(price, where),
                    list_price_minor=parse_price(list_price, where) if list_price else None,
                    stock=parse_count(stock, where))


def parse_sku_lines(text: str) -> tuple[SkuDraft, ...]:
    return tuple(parse_sku_line(line, i) for i, line in enumerate(lines(text), start=1))


def format_sku_line(sku: SkuDraft) -> str:
    options = "; ".join(f"{k}={v}" for k, v in sku.options.items())
    parts = [options, sku.code, Money(sku.price_minor).decimal_string(), str(sku.stock)]
    if sku.list_price_minor is not None:
        parts.append(Money(sku.list_price_minor).decimal_string())
    return " | ".join(parts)


def parse_attribute_lines(text: str) -> list[AttributeDef]:
    defs = []
    for i, line in enumerate(lines(text), start=1):
        parts = [p.strip() for p in line.split("|")]
        if not 3 <= len(parts) <= 5:
            raise FormInvalid(f"Attribute line {i}: write code | English | Chinese | required | options",
                              field="attributes")
        parts += [""] * (5 - len(parts))
        code, name_en, name_zh, required, options = parts
        choices = tuple(o.strip() for o in options.split(",") if o.strip()) or None
        defs.append(AttributeDef(code, name_en, name_zh, required.lower() in ("required", "yes", "y", "1", "true"),
                                 choices, i))
    return defs


def format_attribute_line(attr: AttributeDef) -> str:
    required = "required" if attr.required else ""
    return " | ".join([attr.code, attr.name_en, attr.name_zh, required, ", ".join(attr.options or ())])
