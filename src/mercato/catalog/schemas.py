"""Request and response schemas of the catalog API. Bounds here only refuse absurd requests (422); the listing
rules in catalog.model decide what may be listed (400 `listing_rejected` with every violation)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from mercato.catalog.edits import ProductEdit
from mercato.catalog.model import ProductDraft, ProductStatus, ProductView, SkuDraft, SkuStatus, SkuView
from mercato.catalog.taxonomy import AttributeDef, CategoryTree, CategoryView, CommissionRateView
from mercato.catalog.words import ProhibitedWord

Text = Annotated[str, Field(max_length=1000)]
LongText = Annotated[str, Field(max_length=50_000)]
Id = Annotated[str, Field(min_length=1, max_length=26)]
Minor = Annotated[int, Field(ge=-(10**12), le=10**12)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class SkuCreate(Body):
    code: Annotated[str, Field(max_length=100)]
    options: Annotated[dict[Annotated[str, Field(max_length=100)], Text], Field(max_length=20)] = {}
    price_minor: Minor
    list_price_minor: Minor | None = None
    stock: Annotated[int, Field(ge=-(10**9), le=10**9)] = 0

    def draft(self) -> SkuDraft:
        return SkuDraft(self.code, dict(self.options), self.price_minor, self.list_price_minor, self.stock)


class ProductContent(Body):
    category_id: Id
    brand_id: Id | None = None
    title_en: Text
    title_zh: Text
    description_en: LongText = ""
    description_zh: LongText = ""
    attributes: Annotated[dict[Annotated[str, Field(max_length=100)], Text], Field(max_length=100)] = {}
    image_urls: Annotated[list[Text], Field(max_length=100)] = []


class ProductCreate(ProductContent):
    skus: Annotated[list[SkuCreate], Field(max_length=500)]

    def draft(self) -> ProductDraft:
        return ProductDraft(self.category_id, self.brand_id, self.title_en, self.title_zh, self.description_en,
                            self.description_zh, dict(self.attributes), tuple(self.image_urls),
                            tuple(s.draft() for s in self.skus))


class ProductUpdate(Body):
    """Fields left out stay as they are; `"brand_id": null` removes the brand."""

    category_id: Id | None = None
    brand_id: Id | None = None
    title_en: Text | None = None
    title_zh: Text | None = None
    description_en: LongText | None = None
    description_zh: LongText | None = None
    attributes: Annotated[dict[Annotated[str, Field(max_length=100)], Text], Field(max_length=100)] | None = None
    image_urls: Annotated[list[Text], Field(max_length=100)] | None = None

    def edit(self) -> ProductEdit:
        return ProductEdit(
            category_id=self.category_id, brand_id=self.brand_id,
            clear_brand="brand_id" in self.model_fields_set and self.brand_id is None, title_en=self.title_en,
            title_zh=self.title_zh, description_en=self.description_en, description_zh=self.description_zh,
            attributes=dict(self.attributes) if self.attributes is not None else None,
            image_urls=tuple(self.image_urls) if self.image_urls is not None else None)


class SkuUpdate(Body):
    """Fields left out stay as they are; `"list_price_minor": null` removes the list price."""

    price_minor: Minor | None = None
    list_price_minor: Minor | None = None
    status: Annotated[SkuStatus, Field(strict=False)] | None = None  # enums arrive as JSON strings


class SkuRead(BaseModel):
    id: str
    product_id: str
    code: str
    options: dict[str, str]
    price_minor: int
    list_price_minor: int | None
    status: SkuStatus
    available: int | None = None

    @classmethod
    def of(cls, sku: SkuView, available: int | None = None) -> SkuRead:
        return cls(id=sku.id, product_id=sku.product_id, code=sku.code, options=dict(sku.options),
                   price_minor=sku.price_minor, list_price_minor=sku.list_price_minor, status=sku.status,
                   available=available)


class ProductRead(BaseModel):
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
    attributes: dict[str, str]
    image_urls: list[str]
    status: ProductStatus
    review_note: str | None
    min_price_minor: int
    max_price_minor: int
    in_stock: bool
    created_at: datetime
    updated_at: datetime
    skus: list[SkuRead]

    @classmethod
    def of(cls, p: ProductView, stock: dict[str, int] | None = None) -> ProductRead:
        return cls(
            id=p.id, store_id=p.store_id, store_kind=p.store_kind, brand_id=p.brand_id, category_id=p.category_id,
            vertical_id=p.vertical_id, category_l2_id=p.category_l2_id, category_l3_id=p.category_l3_id,
            title_en=p.title_en, title_zh=p.title_zh, description_en=p.description_en,
            description_zh=p.description_zh, attributes=dict(p.attributes), image_urls=list(p.image_urls),
            status=p.status, review_note=p.review_note, min_price_minor=p.min_price_minor,
            max_price_minor=p.max_price_minor, in_stock=p.in_stock, created_at=p.created_at,
            updated_at=p.updated_at, skus=[SkuRead.of(s, (stock or {}).get(s.id)) for s in p.skus])


class ProductPage(BaseModel):
    items: list[ProductRead]
    next_cursor: str | None


class AttributeIn(Body):
    code: Annotated[str, Field(max_length=100)]
    name_en: Text
    name_zh: Text
    required: bool = False
    options: Annotated[list[Text], Field(max_length=500)] | None = None
    position: Annotated[int, Field(ge=0, le=10_000)] = 0

    def definition(self) -> AttributeDef:
        options = tuple(self.options) if self.options is not None else None
        return AttributeDef(self.code, self.name_en, self.name_zh, self.required, options, self.position)


class AttributesPut(Body):
    attributes: Annotated[list[AttributeIn], Field(max_length=200)]


class AttributeRead(BaseModel):
    code: str
    name_en: str
    name_zh: str
    required: bool
    options: list[str] | None
    position: int

    @classmethod
    def of(cls, a: AttributeDef) -> AttributeRead:
        return cls(code=a.code, name_en=a.name_en, name_zh=a.name_zh, required=a.required,
                   options=list(a.options) if a.options is not None else None, position=a.position)


class CategoryCreate(Body):
    parent_id: Id | None = None
    slug: Annotated[str, Field(max_length=100)]
    name_en: Text
    name_zh: Text
    restricted: bool = False
    position: Annotated[int, Field(ge=0, le=10_000)] = 0


class CategoryUpdate(Body):
    name_en: Text | None = None
    name_zh: Text | None = None
    restricted: bool | None = None
    position: Annotated[int, Field(ge=0, le=10_000)] | None = None
    active: bool | None = None


class CategoryRead(BaseModel):
    id: str
    parent_id: str | None
    level: int
    slug: str
    name_en: str
    name_zh: str
    position: int
    restricted: bool
    active: bool
    attributes: list[AttributeRead]  # own and inherited
    children: list[CategoryRead] = []

    @classmethod
    def of(cls, c: CategoryView, tree: CategoryTree | None = None, *, public: bool = False) -> CategoryRead:
        attributes = tree.attributes_for(c.id) if tree is not None else list(c.attributes)
        children = [cls.of(k, tree, public=public) for k in tree.children(c.id)
                    if not public or k.active] if tree is not None else []
        return cls(id=c.id, parent_id=c.parent_id, level=c.level, slug=c.slug, name_en=c.name_en,
                   name_zh=c.name_zh, position=c.position, restricted=c.restricted, active=c.active,
                   attributes=[AttributeRead.of(a) for a in attributes], children=children)


class RatePut(Body):
    vertical_id: Id
    store_kind: Annotated[str, Field(max_length=32)]
    rate_bp: Annotated[int, Field(ge=-(10**9), le=10**9)]


class RateRead(BaseModel):
    vertical_id: str
    store_kind: str
    rate_bp: int
    is_default: bool

    @classmethod
    def of(cls, r: CommissionRateView) -> RateRead:
        return cls(vertical_id=r.vertical_id, store_kind=r.store_kind, rate_bp=r.rate_bp, is_default=r.is_default)


class WordCreate(Body):
    word: Annotated[str, Field(min_length=1, max_length=200)]


class WordRead(BaseModel):
    id: str
    word: str
    created_at: datetime

    @classmethod
    def of(cls, w: ProhibitedWord) -> WordRead:
        return cls(id=w.id, word=w.word, created_at=w.created_at)


class RejectBody(Body):
    reason: Annotated[str, Field(max_length=2000)]
