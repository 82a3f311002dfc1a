"""Products, SKUs and the listing rules as plain values: the product status machine and `check_listing`, an engine
that returns every violation of a draft at once (a merchant fixes a form in one go, not one error per submit).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from mercato.catalog.taxonomy import AttributeDef
from mercato.catalog.words import find_prohibited
from mercato.inventory.model import MAX_QUANTITY
from mercato.kernel.errors import EntityNotFound, InputInvalid, StateConflict

MAX_PRICE_MINOR = 1_000_000_000  # 10,000,000.00 yuan in fen
MAX_TITLE = 200
MAX_DESCRIPTION = 20_000
MAX_IMAGES = 20
MAX_IMAGE_URL = 500
MAX_SKUS = 100
MAX_ATTRIBUTE_VALUE = 200
MAX_REASON = 500
_SKU_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$")


class ProductStatus(StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    ACTIVE = "active"
    REJECTED = "rejected"
    DELISTED = "delisted"
    STORE_SUSPENDED = "store_suspended"  # was active; hidden while the operator suspends its store


class SkuStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


_S = ProductStatus
TRANSITIONS: Mapping[ProductStatus, frozenset[ProductStatus]] = {
    _S.DRAFT: frozenset({_S.PENDING_REVIEW, _S.ACTIVE}),
    _S.PENDING_REVIEW: frozenset({_S.ACTIVE, _S.REJECTED}),  # approve / reject, or edited out of a restricted one
    _S.ACTIVE: frozenset({_S.DELISTED, _S.PENDING_REVIEW, _S.STORE_SUSPENDED}),  # delist / edited into a restricted one
    _S.REJECTED: frozenset({_S.PENDING_REVIEW, _S.ACTIVE}),  # the merchant fixes it and resubmits
    _S.DELISTED: frozenset({_S.ACTIVE, _S.PENDING_REVIEW}),  # relist
    _S.STORE_SUSPENDED: frozenset({_S.ACTIVE}),  # only the store's reinstatement brings it back
}


class ProductNotFound(EntityNotFound):
    code = "not_found"
    title = "No such product"


class SkuNotFound(EntityNotFound):
    code = "not_found"
    title = "No such SKU"


class ProductStatusConflict(StateConflict):
    code = "product_status_conflict"
    title = "The product is not in a state that allows this"


class SkuLastActive(StateConflict):
    code = "sku_last_active"
    title = "A product keeps at least one active SKU; delist the product instead"


class ReasonInvalid(InputInvalid):
    code = "reason_invalid"
    title = "Give a reason of 1 to 500 characters"


class ListingRejected(InputInvalid):
    """Refused by the listing rules; `params["violations"]` lists every one of them."""

    code = "listing_rejected"
    title = "The listing breaks the platform rules"

    def __init__(self, violations: Sequence[Violation]) -> None:
        super().__init__(f"{len(violations)} rule(s) broken: " + "; ".join(v.message for v in violations[:5]),
                         violations=[v.as_dict() for v in violations])
        self.violations = list(violations)


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": self.message}


@dataclass(frozen=True, slots=True)
class SkuView:
    id: str
    product_id: str
    store_id: str
    code: str
    options: Mapping[str, str]
    price_minor: int
    list_price_minor: int | None
    status: SkuStatus
    position: int

    @property
    def label(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.options.items()) or self.code


@dataclass(frozen=True, slots=True)
class ProductView:
    id: str
    store_id: str
    store_kind: str
    brand_id: str | None
    category_id: str
    vertical_id: str
    category_l2_id: str | None
    category_l3_id: str | None
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    attributes: Mapping[str, str]
    image_urls: tuple[str, ...]
    status: ProductStatus
    review_note: str | None
    min_price_minor: int
    max_price_minor: int
    in_stock: bool
    sales_count: int
    created_at: datetime
    updated_at: datetime
    skus: tuple[SkuView, ...] = ()


@dataclass(frozen=True, slots=True)
class ProductsChanged:
    """Published in the transaction that changed what shoppers may find of these products (content, status, prices,
    the stock flag); search re-indexes them (subscribed in mercato.wiring)."""

    product_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SkuDraft:
    code: str
    options: Mapping[str, str] = field(default_factory=dict)
    price_minor: int = 0
    list_price_minor: int | None = None
    stock: int = 0


@dataclass(frozen=True, slots=True)
class ProductDraft:
    category_id: str
    brand_id: str | None
    title_en: str
    title_zh: str
    description_en: str = ""
    description_zh: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)
    image_urls: tuple[str, ...] = ()
    skus: tuple[SkuDraft, ...] = ()


@dataclass(frozen=True, slots=True)
class BrandFacts:
    brand_id: str
    protected: bool
    authorised: bool  # the store holds a valid authorisation (or is the brand's own flagship)


@dataclass(frozen=True, slots=True)
class StoreFacts:
    store_id: str
    kind: str
    active: bool


# --- the status machine -------------------------------------------------------------------------------------------

def can_transition(current: ProductStatus, target: ProductStatus) -> bool:
    return target in TRANSITIONS[current]


def transition(current: ProductStatus, target: ProductStatus) -> ProductStatus:
    if not can_transition(current, target):
        raise ProductStatusConflict(f"A {current.value} product cannot become {target.value}",
                                    status=current.value, target=target.value)
    return target


def initial_status(restricted: bool) -> ProductStatus:
    """Listings in a restricted category (or under one) wait for an operator; the rest go live at once."""
    return ProductStatus.PENDING_REVIEW if restricted else ProductStatus.ACTIVE


def status_after_edit(current: ProductStatus, restricted: bool) -> ProductStatus:
    """An edit re-submits the listing: a delisted (or draft) product stays as it is until relisted."""
    if current in (ProductStatus.DELISTED, ProductStatus.DRAFT):
        return current
    target = initial_status(restricted)
    return target if target == current else transition(current, target)


def status_after_relist(current: ProductStatus, restricted: bool) -> ProductStatus:
    if current is not ProductStatus.DELISTED:
        raise ProductStatusConflict("Only a delisted product can be relisted", status=current.value)
    return transition(current, initial_status(restricted))


def status_after_delist(current: ProductStatus) -> ProductStatus:
    return transition(current, ProductStatus.DELISTED)


def status_after_review(current: ProductStatus, approved: bool) -> ProductStatus:
    if current is not ProductStatus.PENDING_REVIEW:
        raise ProductStatusConflict("Only a product waiting for review can be approved or rejected",
                                    status=current.value)
    return transition(current, ProductStatus.ACTIVE if approved else ProductStatus.REJECTED)


def check_reason(reason: str) -> str:
    cleaned = reason.strip()
    if not 1 <= len(cleaned) <= MAX_REASON:
        raise ReasonInvalid(field="reason", maximum=MAX_REASON)
    return cleaned


# --- prices -------------------------------------------------------------------------------------------------------

def price_range(skus: Iterable[SkuView]) -> tuple[int, int]:
    """(min, max) price over the active SKUs; a product always keeps one (see `check_can_deactivate`)."""
    prices = [s.price_minor for s in skus if s.status is SkuStatus.ACTIVE]
    if not prices:
        raise ValueError("a product needs at least one active SKU")
    return min(prices), max(prices)


def check_can_deactivate(skus: Sequence[SkuView], sku_id: str) -> None:
    others = [s for s in skus if s.status is SkuStatus.ACTIVE and s.id != sku_id]
    if not others:
        raise SkuLastActive(field="status")


def check_prices(price_minor: int, list_price_minor: int | None, where: str = "") -> list[Violation]:
    out: list[Violation] = []
    if not _is_int(price_minor) or not 0 < price_minor <= MAX_PRICE_MINOR:
        out.append(Violation("price_out_of_range", f"{where}price_minor",
                             "The price must be above 0 and at most 10,000,000.00"))
    if list_price_minor is None:
        return out
    if not _is_int(list_price_minor) or not 0 < list_price_minor <= MAX_PRICE_MINOR:
        out.append(Violation("price_out_of_range", f"{where}list_price_minor",
                             "The list price must be above 0 and at most 10,000,000.00"))
    elif _is_int(price_minor) and list_price_minor < price_minor:
        out.append(Violation("list_price_below_price", f"{where}list_price_minor",
                             "The list price must not be below the price"))
    return out


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- the listing rules --------------------------------------------------------------------------------------------

def check_listing(draft: ProductDraft, category_attributes: Sequence[AttributeDef],
                  prohibited_words: Collection[str], brand_facts: BrandFacts | None,
                  store_facts: StoreFacts) -> list[Violation]:
    """Every rule the draft breaks, in a stable order; empty when it may be listed."""
    return [
        *_check_store(store_facts),
        *_check_texts(draft),
        *_check_images(draft.image_urls),
        *check_attributes(draft.attributes, category_attributes),
        *check_skus(draft.skus),
        *_check_brand(draft.brand_id, brand_facts),
        *check_words(draft, prohibited_words),
    ]


def _check_store(store: StoreFacts) -> list[Violation]:
    return [] if store.active else [Violation("store_not_active", "store_id", "The store is not active")]


def _check_texts(draft: ProductDraft) -> list[Violation]:
    out: list[Violation] = []
    for name in ("title_en", "title_zh"):
        if not 1 <= len(getattr(draft, name).strip()) <= MAX_TITLE:
            out.append(Violation("title_length", name, f"The title must be 1 to {MAX_TITLE} characters"))
    for name in ("description_en", "description_zh"):
        if len(getattr(draft, name)) > MAX_DESCRIPTION:
            out.append(Violation("description_length", name,
                                 f"The description must be at most {MAX_DESCRIPTION:,} characters"))
    return out


def _check_images(urls: Sequence[str]) -> list[Violation]:
    out: list[Violation] = []
    if len(urls) > MAX_IMAGES:
        out.append(Violation("too_many_images", "image_urls", f"At most {MAX_IMAGES} images"))
    out.extend(Violation("image_url_invalid", f"image_urls[{i}]", "An image must be an http or https address")
               for i, url in enumerate(urls) if not is_image_url(url))
    return out


def is_image_url(url: str) -> bool:
    if not 1 <= len(url) <= MAX_IMAGE_URL or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def check_attributes(values: Mapping[str, str], defs: Sequence[AttributeDef]) -> list[Violation]:
    by_code = {d.code: d for d in defs}
    out = [Violation("attribute_unknown", f"attributes.{code}", f"The category has no attribute {code!r}")
           for code in sorted(values) if code not in by_code]
    for attr in defs:
        out.extend(_check_attribute(attr, values.get(attr.code, "").strip()))
    return out


def _check_attribute(attr: AttributeDef, value: str) -> list[Violation]:
    where = f"attributes.{attr.code}"
    if not value:
        return [Violation("attribute_missing", where, f"{attr.name_en} is required")] if attr.required else []
    if len(value) > MAX_ATTRIBUTE_VALUE:
        return [Violation("attribute_too_long", where, f"{attr.name_en} is too long")]
    if attr.options is not None and value not in attr.options:
        return [Violation("attribute_option_invalid", where,
                          f"{attr.name_en} must be one of: {', '.join(attr.options)}")]
    return []


def check_skus(skus: Sequence[SkuDraft]) -> list[Violation]:
    out: list[Violation] = []
    if not 1 <= len(skus) <= MAX_SKUS:
        out.append(Violation("sku_count", "skus", f"A product has 1 to {MAX_SKUS} SKUs"))
    for i, sku in enumerate(skus):
        out.extend(_check_sku(sku, f"skus[{i}]."))
    out.extend(_duplicates(skus))
    return out


def _check_sku(sku: SkuDraft, where: str) -> list[Violation]:
    out = check_prices(sku.price_minor, sku.list_price_minor, where)
    if not _SKU_CODE.match(sku.code):
        out.append(Violation("sku_code_invalid", f"{where}code",
                             "A SKU code is 1-64 letters, digits or . _ - /, starting with a letter or digit"))
    if not all(1 <= len(k.strip()) <= 32 and 1 <= len(v.strip()) <= 64 for k, v in sku.options.items()):
        out.append(Violation("sku_options_invalid", f"{where}options",
                             "Each option needs a name (1-32 characters) and a value (1-64 characters)"))
    if not _is_int(sku.stock) or not 0 <= sku.stock <= MAX_QUANTITY:
        out.append(Violation("stock_out_of_range", f"{where}stock", f"Stock must be 0 to {MAX_QUANTITY:,}"))
    return out


def _option_key(options: Mapping[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset((k.strip().casefold(), v.strip().casefold()) for k, v in options.items())


def _duplicates(skus: Sequence[SkuDraft]) -> list[Violation]:
    out: list[Violation] = []
    codes: set[str] = set()
    combos: set[frozenset[tuple[str, str]]] = set()
    names = {frozenset(k.strip().casefold() for k in s.options) for s in skus}
    if len(names) > 1:
        out.append(Violation("sku_options_inconsistent", "skus", "Every SKU must name the same options"))
    for i, sku in enumerate(skus):
        if sku.code.casefold() in codes:
            out.append(Violation("sku_code_duplicate", f"skus[{i}].code", f"SKU code {sku.code!r} repeats"))
        if _option_key(sku.options) in combos:
            out.append(Violation("sku_options_duplicate", f"skus[{i}].options",
                                 "Two SKUs have the same option values"))
        codes.add(sku.code.casefold())
        combos.add(_option_key(sku.options))
    return out


def _check_brand(brand_id: str | None, facts: BrandFacts | None) -> list[Violation]:
    if brand_id is None:
        return []
    if facts is None or facts.brand_id != brand_id:
        return [Violation("brand_unknown", "brand_id", "No such brand")]
    if facts.protected and not facts.authorised:
        return [Violation("brand_not_authorised", "brand_id",
                          "This brand is protected: only stores it has authorised may list it")]
    return []


def searchable_texts(draft: ProductDraft) -> list[tuple[str, str]]:
    """(field, text) pairs that prohibited words are sought in."""
    texts = [(name, str(getattr(draft, name))) for name in ("title_en", "title_zh", "description_en",
                                                            "description_zh")]
    texts.extend((f"attributes.{code}", value) for code, value in sorted(draft.attributes.items()))
    texts.extend((f"skus[{i}].options", _options_text(sku)) for i, sku in enumerate(draft.skus))
    return texts


def _options_text(sku: SkuDraft) -> str:
    return " / ".join(f"{k} {v}" for k, v in sku.options.items())


def check_words(draft: ProductDraft, prohibited_words: Collection[str]) -> list[Violation]:
    return _words_in(searchable_texts(draft), prohibited_words)


def check_sku_words(sku: SkuDraft, index: int, prohibited_words: Collection[str]) -> list[Violation]:
    return _words_in([(f"skus[{index}].options", _options_text(sku))], prohibited_words)


def _words_in(texts: Iterable[tuple[str, str]], prohibited_words: Collection[str]) -> list[Violation]:
    out: list[Violation] = []
    for where, text in texts:
        found = find_prohibited(text, prohibited_words)
        if found:
            out.append(Violation("prohibited_word", where, f"Contains prohibited words: {', '.join(found)}"))
    return out
