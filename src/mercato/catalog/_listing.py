"""Gathering what the listing rules need (tree, words, brand and store facts) and refusing a broken listing."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from mercato.catalog._categories import category_tree_in
from mercato.catalog._rules import prohibited_word_texts_in
from mercato.catalog.model import (
    BrandFacts,
    ListingRejected,
    ProductDraft,
    SkuDraft,
    StoreFacts,
    Violation,
    check_listing,
)
from mercato.catalog.repo_products import ProductRepo
from mercato.catalog.taxonomy import CategoryTree, path_ids
from mercato.kernel.errors import EntityNotFound
from mercato.kernel.uow import UnitOfWork
from mercato.stores import service as stores_service
from mercato.stores.model import StoreView


def refuse_broken_listing(uow: UnitOfWork, store: StoreView, draft: ProductDraft, now: datetime,
                          product_id: str | None = None) -> CategoryTree:
    """Raise ListingRejected with every violation; else the category tree the listing was checked against."""
    tree = category_tree_in(uow)
    violations = _category_violations(tree, draft.category_id)
    attributes = tree.attributes_for(draft.category_id) if not violations else []
    # Without a category its attributes are unknowable; reporting each one as unknown would only be noise.
    checked = draft if not violations else replace(draft, attributes={})
    violations += check_listing(checked, attributes, prohibited_word_texts_in(uow),
                                brand_facts_in(uow, store, draft.brand_id, now),
                                StoreFacts(store.id, store.kind.value, store.is_active))
    violations += taken_code_violations(uow, store.id, draft.skus, product_id)
    if violations:
        raise ListingRejected(violations)
    return tree


def _category_violations(tree: CategoryTree, category_id: str) -> list[Violation]:
    if category_id not in tree.categories:
        return [Violation("category_unknown", "category_id", "No such category")]
    if not tree.is_active(category_id):
        return [Violation("category_inactive", "category_id", "The category no longer takes listings")]
    return []


def brand_facts_in(uow: UnitOfWork, store: StoreView, brand_id: str | None, now: datetime) -> BrandFacts | None:
    if brand_id is None:
        return None
    try:
        brand = stores_service.get_brand_in(uow, brand_id)
    except EntityNotFound:
        return None
    own = store.brand_id == brand.id
    authorised = own or stores_service.is_brand_authorised_in(uow, store.id, brand.id, on=now.date())
    return BrandFacts(brand.id, brand.protected, authorised)


def taken_code_violations(uow: UnitOfWork, store_id: str, skus: tuple[SkuDraft, ...] | list[SkuDraft],
                          product_id: str | None) -> list[Violation]:
    taken = ProductRepo(uow.conn).taken_codes(store_id, [s.code for s in skus], product_id)
    return [Violation("sku_code_taken", f"skus[{i}].code", f"Another product of the store uses code {s.code!r}")
            for i, s in enumerate(skus) if s.code in taken]


def content_columns(draft: ProductDraft, tree: CategoryTree) -> dict[str, Any]:
    """The product columns that come from a draft, with the category path denormalised for listings."""
    vertical, level2, level3 = path_ids(tree, draft.category_id)
    return {"category_id": draft.category_id, "vertical_id": vertical, "category_l2_id": level2,
            "category_l3_id": level3, "brand_id": draft.brand_id, "title_en": draft.title_en.strip(),
            "title_zh": draft.title_zh.strip(), "description_en": draft.description_en,
            "description_zh": draft.description_zh,
            "attributes": {k: v.strip() for k, v in draft.attributes.items() if v.strip()},
            "image_urls": list(draft.image_urls)}
