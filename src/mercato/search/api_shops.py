"""The shop search, autocomplete and synonym HTTP API under /api/v1: shops by text or as "distinctive shops",
suggestions for a prefix, and the operator's synonym table. Any query text is accepted (it is cleaned, never parsed
as full-text syntax); only absurd parameters are refused, with a 4xx."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from mercato.kernel.http import ERROR_RESPONSES, require_operator, runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.search import shops, suggest, synonyms
from mercato.search.shops import ShopHit
from mercato.search.synonyms import SynonymEntry

router = APIRouter(tags=["search"], responses=ERROR_RESPONSES)

Rt = Annotated[Runtime, Depends(runtime)]
Ops = Annotated[Principal, Depends(require_operator)]
# Long text is cut to the analyser's 200 characters rather than refused; only megabytes are malformed.
Text = Annotated[str, Query(max_length=5000)]
Cursor = Annotated[str | None, Query(max_length=400)]
Id = Annotated[str, Path(min_length=1, max_length=64)]


class GoodsRead(BaseModel):
    product_id: str
    title_en: str
    title_zh: str
    price_min: int = Field(description="fen")


class ShopRead(BaseModel):
    store_id: str
    slug: str
    kind: str
    name_en: str
    name_zh: str
    tags: list[str]
    score: float
    goods: list[GoodsRead] = Field(description="a few of its best-selling goods matching the query")
    matching: int | None = Field(default=None, description="distinctive: its active goods matching the query")
    share: float | None = Field(default=None, description="distinctive: damped share of its catalogue that matches")

    @classmethod
    def of(cls, hit: ShopHit) -> ShopRead:
        shop = hit.shop
        return cls(store_id=shop.store_id, slug=shop.slug, kind=shop.kind, name_en=shop.name_en,
                   name_zh=shop.name_zh, tags=list(shop.tags), score=hit.score,
                   goods=[GoodsRead(product_id=g.product_id, title_en=g.title_en, title_zh=g.title_zh,
                                    price_min=g.price_min) for g in hit.goods],
                   matching=hit.matching, share=hit.share)


class ShopPage(BaseModel):
    items: list[ShopRead]
    terms: list[str] = Field(description="the terms the stores matched (after relaxation)")
    dropped: list[str] = Field(description="terms relaxed away because the whole query found nothing")
    next_cursor: str | None


class SuggestionRead(BaseModel):
    text: str
    source: str = Field(description="query (a popular past query) or title (a product title)")


class SuggestPage(BaseModel):
    items: list[SuggestionRead]


class SynonymRead(BaseModel):
    id: str
    word: str
    alternatives: list[str]
    updated_at: datetime

    @classmethod
    def of(cls, entry: SynonymEntry) -> SynonymRead:
        return cls(id=entry.id, word=entry.word, alternatives=list(entry.alternatives), updated_at=entry.updated_at)


class SynonymCreate(BaseModel):
    """Bounds only stop absurd bodies; the rules (empty, too long, self-reference, duplicates) answer with codes."""

    model_config = ConfigDict(extra="forbid")
    word: str = Field(max_length=1000)
    alternatives: list[str] = Field(max_length=200)


class SynonymList(BaseModel):
    items: list[SynonymRead]


@router.get("/search/shops", response_model=ShopPage)
def search_shops(rt: Rt, q: Text = "", kind: Literal["flagship", "independent"] | None = None,
                 distinctive: bool = False, cursor: Cursor = None,
                 limit: Annotated[int, Query(ge=1, le=100)] = 20) -> ShopPage:
    """Active stores matching the query by name, description, tags or goods; `distinctive=true` ranks the stores
    whose catalogue is most concentrated on it (specialists and independent stores first)."""
    result = shops.find_shops(rt, q, kind, distinctive, limit, cursor)
    return ShopPage(items=[ShopRead.of(hit) for hit in result.hits], terms=result.terms, dropped=result.dropped,
                    next_cursor=result.next_cursor)


@router.get("/search/suggest", response_model=SuggestPage)
def suggest_queries(rt: Rt, q: Text = "", limit: Annotated[int, Query(ge=1, le=10)] = 8) -> SuggestPage:
    """Suggestions for what is being typed: popular queries that found something, then product titles."""
    found = suggest.suggest(rt, q, limit)
    return SuggestPage(items=[SuggestionRead(text=s.text, source=s.source) for s in found])


@router.get("/ops/search/synonyms", response_model=SynonymList)
def list_synonyms(rt: Rt, ops: Ops) -> SynonymList:
    return SynonymList(items=[SynonymRead.of(e) for e in synonyms.list_synonyms(rt, ops)])


@router.post("/ops/search/synonyms", response_model=SynonymRead, status_code=201)
def add_synonym(rt: Rt, ops: Ops, body: SynonymCreate) -> SynonymRead:
    return SynonymRead.of(synonyms.add_synonym(rt, ops, body.word, body.alternatives))


@router.put("/ops/search/synonyms/{word_id}", response_model=SynonymRead)
def update_synonym(rt: Rt, ops: Ops, word_id: Id, body: SynonymCreate) -> SynonymRead:
    return SynonymRead.of(synonyms.update_synonym(rt, ops, word_id, body.word, body.alternatives))


@router.delete("/ops/search/synonyms/{word_id}", status_code=204)
def delete_synonym(rt: Rt, ops: Ops, word_id: Id) -> Response:
    synonyms.delete_synonym(rt, ops, word_id)
    return Response(status_code=204)
