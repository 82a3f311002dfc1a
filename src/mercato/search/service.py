"""search's use cases inside a caller's unit of work: index and remove products, and search with synonyms and
term relaxation when nothing matches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mercato.kernel.pagination import MAX_PAGE_SIZE, CursorInvalid, decode_cursor, encode_cursor
from mercato.kernel.uow import UnitOfWork
from mercato.search.model import (
    SearchDocument,
    SearchFilters,
    SearchHit,
    SearchResult,
    analyse,
    clean_query,
    expand_synonyms,
    relaxations,
)
from mercato.search.repo import SearchBackend, backend_for

NO_SYNONYMS: Mapping[str, Sequence[str]] = {}


def document_row(doc: SearchDocument) -> dict[str, Any]:
    """The index row of one product: its analysed terms from both titles and its other text."""
    return {"product_id": doc.product_id, "store_id": doc.store_id, "vertical_id": doc.vertical_id,
            "brand_id": doc.brand_id, "store_kind": doc.store_kind, "title_en": doc.title_en[:300],
            "title_zh": doc.title_zh[:300], "tokens": analyse(doc.title_en, doc.title_zh, doc.text),
            "price_min": doc.price_min, "rating": doc.rating, "sales": doc.sales, "in_stock": doc.in_stock,
            "active": doc.active, "updated_at": doc.updated_at}


def index_products_in(uow: UnitOfWork, docs: Sequence[SearchDocument]) -> None:
    """Add or replace the products' documents in the caller's transaction (an inactive one is kept, unserved)."""
    backend_for(uow.conn).upsert([document_row(doc) for doc in docs])


def remove_products_in(uow: UnitOfWork, product_ids: Sequence[str]) -> None:
    backend_for(uow.conn).delete(product_ids)


def _page(cursor: str | None, terms: list[str]) -> tuple[int, list[str] | None]:
    """The offset and, on later pages, the terms page one settled on (re-cleaned: a cursor is user input)."""
    if cursor is None:
        return 0, None
    offset, used = decode_cursor(cursor, 2)
    if not isinstance(offset, int) or offset < 0 or not isinstance(used, str):
        raise CursorInvalid()
    return offset, [t for t in clean_query(used).terms if t in terms]


def _relaxed(backend: SearchBackend, terms: list[str], filters: SearchFilters, synonyms: Mapping[str, Sequence[str]],
             limit: int) -> tuple[list[str], list[SearchHit]]:
    """The first shorter term list, dropping the rarest term first, that finds anything."""
    counts = {term: backend.count(expand_synonyms([term], synonyms), filters) for term in terms}
    for fewer in relaxations(terms, counts):
        hits = backend.search(expand_synonyms(fewer, synonyms), filters, limit, 0)
        if hits:
            return fewer, hits
    return terms, []


def search_in(uow: UnitOfWork, query_text: object, filters: SearchFilters | None = None, limit: int = 20,
              cursor: str | None = None, synonyms: Mapping[str, Sequence[str]] = NO_SYNONYMS) -> SearchResult:
    """Active products matching every term of the query (or a synonym), best first; when nothing matches, the
    result of the first relaxation that finds something, with the dropped terms reported."""
    terms, filters, limit = clean_query(query_text).terms, filters or SearchFilters(), max(1, min(limit, MAX_PAGE_SIZE))
    offset, used = _page(cursor, terms)
    backend = backend_for(uow.conn)
    used = used or terms
    hits = backend.search(expand_synonyms(used, synonyms), filters, limit + 1, offset) if used else []
    if not hits and cursor is None and len(terms) > 1:
        used, hits = _relaxed(backend, terms, filters, synonyms, limit + 1)
    more = len(hits) > limit
    next_cursor = encode_cursor([offset + limit, " ".join(used)]) if more else None
    return SearchResult(hits=hits[:limit], terms=used, dropped=[t for t in terms if t not in used],
                        next_cursor=next_cursor)
