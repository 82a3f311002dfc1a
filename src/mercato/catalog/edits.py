"""Partial changes of a product or SKU (pure): an edit is turned back into a draft, so that it is checked by
exactly the rules a new listing is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from mercato.catalog.model import ProductDraft, ProductView, SkuDraft, SkuStatus, SkuView


@dataclass(frozen=True, slots=True)
class ProductEdit:
    """A partial change of a product's content: None leaves a field as it is."""

    category_id: str | None = None
    brand_id: str | None = None
    clear_brand: bool = False
    title_en: str | None = None
    title_zh: str | None = None
    description_en: str | None = None
    description_zh: str | None = None
    attributes: Mapping[str, str] | None = None
    image_urls: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class SkuChange:
    """A partial change of a SKU: None leaves a field as it is; `list_price_set` with None clears the list price."""

    price_minor: int | None = None
    list_price_minor: int | None = None
    list_price_set: bool = False
    status: SkuStatus | None = None


def sku_draft_of(sku: SkuView) -> SkuDraft:
    return SkuDraft(code=sku.code, options=dict(sku.options), price_minor=sku.price_minor,
                    list_price_minor=sku.list_price_minor)


def draft_of(product: ProductView) -> ProductDraft:
    """The product as a draft again, so that an edit is checked by exactly the rules a new listing is."""
    return ProductDraft(category_id=product.category_id, brand_id=product.brand_id, title_en=product.title_en,
                        title_zh=product.title_zh, description_en=product.description_en,
                        description_zh=product.description_zh, attributes=dict(product.attributes),
                        image_urls=product.image_urls, skus=tuple(sku_draft_of(s) for s in product.skus))


def apply_edit(draft: ProductDraft, edit: ProductEdit) -> ProductDraft:
    changes: dict[str, Any] = {name: getattr(edit, name) for name in (
        "category_id", "brand_id", "title_en", "title_zh", "description_en", "description_zh", "attributes",
        "image_urls") if getattr(edit, name) is not None}
    if edit.clear_brand:
        changes["brand_id"] = None
    return replace(draft, **changes)


def apply_sku_change(sku: SkuView, change: SkuChange) -> SkuView:
    return replace(
        sku,
        price_minor=sku.price_minor if change.price_minor is None else change.price_minor,
        list_price_minor=change.list_price_minor if change.list_price_set else sku.list_price_minor,
        status=change.status or sku.status)


@dataclass(frozen=True, slots=True)
class StockedSku:
    """A SKU with its stock, for the merchant's pages."""

    sku: SkuView
    available: int
    reserved: int
