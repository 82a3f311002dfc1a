"""The catalog HTTP API under /api/v1: the public category tree, merchants' products and SKUs, operators'
categories, commission rates, prohibited words and listing reviews."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from mercato.catalog import service
from mercato.catalog.edits import SkuChange
from mercato.catalog.model import ProductStatus
from mercato.catalog.schemas import (
    AttributesPut,
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    ProductCreate,
    ProductPage,
    ProductRead,
    ProductUpdate,
    RatePut,
    RateRead,
    RejectBody,
    SkuCreate,
    SkuRead,
    SkuUpdate,
    WordCreate,
    WordRead,
)
from mercato.kernel.http import ERROR_RESPONSES, require_operator, require_principal, runtime
from mercato.kernel.pagination import MAX_PAGE_SIZE
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

router = APIRouter(tags=["catalog"], responses=ERROR_RESPONSES)

Rt = Annotated[Runtime, Depends(runtime)]
Merchant = Annotated[Principal, Depends(require_principal)]
Operator = Annotated[Principal, Depends(require_operator)]
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]


@router.get("/categories", response_model=list[CategoryRead])
def categories(rt: Rt) -> list[CategoryRead]:
    """The public category tree (active categories only), each with its own and inherited attributes."""
    tree = service.category_tree(rt)
    return [CategoryRead.of(c, tree, public=True) for c in tree.roots if c.active]


# --- merchants ----------------------------------------------------------------------------------------------------

@router.post("/merchant/stores/{store_id}/products", response_model=ProductRead, status_code=201)
def create_product(store_id: str, body: ProductCreate, rt: Rt, principal: Merchant) -> ProductRead:
    """List a product with its SKUs and opening stock. 400 `listing_rejected` lists every broken rule."""
    product = service.create_product(rt, principal, store_id, body.draft())
    return ProductRead.of(product, {s.id: d.stock for s, d in zip(product.skus, body.skus, strict=True)})


@router.get("/merchant/stores/{store_id}/products", response_model=ProductPage)
def store_products(store_id: str, rt: Rt, principal: Merchant, status: ProductStatus | None = None,
                   cursor: Cursor = None, limit: Limit = 24) -> ProductPage:
    page = service.list_store_products(rt, principal, store_id, status, cursor, limit)
    return ProductPage(items=[ProductRead.of(p) for p in page.items], next_cursor=page.next_cursor)


@router.get("/merchant/products/{product_id}", response_model=ProductRead)
def get_product(product_id: str, rt: Rt, principal: Merchant) -> ProductRead:
    product, stocked = service.get_product_for_merchant(rt, principal, product_id)
    return ProductRead.of(product, {s.sku.id: s.available for s in stocked})


@router.patch("/merchant/products/{product_id}", response_model=ProductRead)
def update_product(product_id: str, body: ProductUpdate, rt: Rt, principal: Merchant) -> ProductRead:
    """Change the content; checked by the listing rules again (a restricted category goes back to review)."""
    return ProductRead.of(service.update_product(rt, principal, product_id, body.edit()))


@router.post("/merchant/products/{product_id}/skus", response_model=SkuRead, status_code=201)
def add_sku(product_id: str, body: SkuCreate, rt: Rt, principal: Merchant) -> SkuRead:
    return SkuRead.of(service.add_sku(rt, principal, product_id, body.draft()), body.stock)


@router.patch("/merchant/skus/{sku_id}", response_model=SkuRead)
def update_sku(sku_id: str, body: SkuUpdate, rt: Rt, principal: Merchant) -> SkuRead:
    """Change price, list price (null removes it) and status in one transaction."""
    change = SkuChange(price_minor=body.price_minor, list_price_minor=body.list_price_minor,
                       list_price_set="list_price_minor" in body.model_fields_set, status=body.status)
    return SkuRead.of(service.update_sku(rt, principal, sku_id, change))


@router.post("/merchant/products/{product_id}/delist", response_model=ProductRead)
def delist(product_id: str, rt: Rt, principal: Merchant) -> ProductRead:
    return ProductRead.of(service.delist_product(rt, principal, product_id))


@router.post("/merchant/products/{product_id}/relist", response_model=ProductRead)
def relist(product_id: str, rt: Rt, principal: Merchant) -> ProductRead:
    return ProductRead.of(service.relist_product(rt, principal, product_id))


# --- operators ----------------------------------------------------------------------------------------------------

@router.post("/ops/categories", response_model=CategoryRead, status_code=201)
def create_category(body: CategoryCreate, rt: Rt, operator: Operator) -> CategoryRead:
    cat = service.create_category(rt, operator, body.parent_id, body.slug, body.name_en, body.name_zh,
                                  body.restricted, body.position)
    return CategoryRead.of(cat)


@router.patch("/ops/categories/{category_id}", response_model=CategoryRead)
def update_category(category_id: str, body: CategoryUpdate, rt: Rt, operator: Operator) -> CategoryRead:
    cat = service.update_category(rt, operator, category_id, name_en=body.name_en, name_zh=body.name_zh,
                                  restricted=body.restricted, position=body.position, active=body.active)
    return CategoryRead.of(cat)


@router.put("/ops/categories/{category_id}/attributes", response_model=CategoryRead)
def set_attributes(category_id: str, body: AttributesPut, rt: Rt, operator: Operator) -> CategoryRead:
    """Replace the category's own attributes; its descendants inherit them."""
    cat = service.set_category_attributes(rt, operator, category_id, [a.definition() for a in body.attributes])
    return CategoryRead.of(cat)


@router.get("/ops/commission-rates", response_model=list[RateRead])
def commission_rates(rt: Rt, operator: Operator) -> list[RateRead]:
    """Every vertical by every store kind; `is_default` where the platform default applies."""
    return [RateRead.of(r) for r in service.commission_rates(rt)]


@router.put("/ops/commission-rates", response_model=RateRead)
def set_commission_rate(body: RatePut, rt: Rt, operator: Operator) -> RateRead:
    """Basis points (500 = 5 %), 0 to 5000."""
    return RateRead.of(service.set_commission_rate(rt, operator, body.vertical_id, body.store_kind, body.rate_bp))


@router.get("/ops/prohibited-words", response_model=list[WordRead])
def prohibited_words(rt: Rt, operator: Operator) -> list[WordRead]:
    return [WordRead.of(w) for w in service.prohibited_words(rt, operator)]


@router.post("/ops/prohibited-words", response_model=WordRead, status_code=201)
def add_prohibited_word(body: WordCreate, rt: Rt, operator: Operator) -> WordRead:
    return WordRead.of(service.add_prohibited_word(rt, operator, body.word))


@router.delete("/ops/prohibited-words/{word_id}", status_code=204)
def remove_prohibited_word(word_id: str, rt: Rt, operator: Operator) -> Response:
    service.remove_prohibited_word(rt, operator, word_id)
    return Response(status_code=204)


@router.get("/ops/product-reviews", response_model=ProductPage)
def review_queue(rt: Rt, operator: Operator, cursor: Cursor = None, limit: Limit = 24) -> ProductPage:
    page = service.review_queue(rt, operator, cursor, limit)
    return ProductPage(items=[ProductRead.of(p) for p in page.items], next_cursor=page.next_cursor)


@router.post("/ops/product-reviews/{product_id}/approve", response_model=ProductRead)
def approve(product_id: str, rt: Rt, operator: Operator) -> ProductRead:
    return ProductRead.of(service.approve_product(rt, operator, product_id))


@router.post("/ops/product-reviews/{product_id}/reject", response_model=ProductRead)
def reject(product_id: str, body: RejectBody, rt: Rt, operator: Operator) -> ProductRead:
    return ProductRead.of(service.reject_product(rt, operator, product_id, body.reason))
