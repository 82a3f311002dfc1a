"""search's use cases inside a caller's unit of work: index and remove products, and search them.

Relevance has two tiers: the goods matching every term of the query (each term or one of its synonyms) come
first, then those matching only some, each tier by text relevance; the first tier's top `RERANK_WINDOW` are
re-ranked (model.rerank) and the rest follow in text order. When no good matches every term, the result names the
terms the best hit does not match (`dropped`), on every page. The other sorts (sales, price, newest) order only
the goods matching every term, or, when there are none, every term of the first relaxation (the rarest terms
dropped first) that some good matches; they are walked by keyset. Facets count that same set.

Relevance scores at most `CANDIDATES` goods per tier: a tier with more matches (a common term: 117,502 of a million
goods hold "day") scores only its first `CANDIDATES` in the index's own order, the result says so (`capped`), and
its pages stop there (then the partial matches follow). Scoring every match of a common term was most of a slow
query's time (bench/README.md, search speed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mercato.kernel.pagination import MAX_PAGE_SIZE
from mercato.kernel.uow import UnitOfWork
from mercato.search.model import (
    Facets,
    SearchDocument,
    SearchFilters,
    SearchHit,
    SearchResult,
    SearchSort,
    analyse,
    clean_query,
    expand_synonyms,
    relaxations,
)
from mercato.search.model.facets import facet_counts
from mercato.search.model.paging import SearchCursor, decode_search_cursor, encode_search_cursor
from mercato.search.model.rerank import (
    NO_AFFINITIES,
    RERANK_WINDOW,
    Affinities,
    Candidate,
    RerankWeights,
    rerank,
)
from mercato.search.ratings import set_product_ratings_in as set_product_ratings_in  # reviews' hook
from mercato.search.ratings import set_store_service_score_in as set_store_service_score_in
from mercato.search.repo import Keyset, Match, Ranked, SearchBackend, backend_for

NO_SYNONYMS: Mapping[str, Sequence[str]] = {}
DEFAULT_WEIGHTS = RerankWeights()
FACET_CAP = 10_000  # facets count at most this many matching goods (and say so when more match)
CANDIDATES = 2_000  # relevance scores at most this many goods per tier (chosen by bench/search*.py; see README)
FREQUENCY_CAP = 1_000  # relaxation orders terms by how many goods hold them, counting up to this many


def document_row(doc: SearchDocument) -> dict[str, Any]:
    """The index row of one product: its analysed terms from both titles and its other text."""
    return {"product_id": doc.product_id, "store_id": doc.store_id, "vertical_id": doc.vertical_id,
            "brand_id": doc.brand_id, "store_kind": doc.store_kind, "title_en": doc.title_en[:300],
            "title_zh": doc.title_zh[:300], "tokens": analyse(doc.title_en, doc.title_zh, doc.text),
            "price_min": doc.price_min, "rating": doc.rating, "sales": doc.sales, "in_stock": doc.in_stock,
            "active": doc.active, "updated_at": doc.updated_at, "created_at": doc.created_at or doc.updated_at,
            "service_score": doc.service_score}


def index_products_in(uow: UnitOfWork, docs: Sequence[SearchDocument]) -> None:
    """Add or replace the products' documents in the caller's transaction (an inactive one is kept, unserved)."""
    backend_for(uow.conn).upsert([document_row(doc) for doc in docs])


def remove_products_in(uow: UnitOfWork, product_ids: Sequence[str]) -> None:
    backend_for(uow.conn).delete(product_ids)


def has_documents_in(uow: UnitOfWork) -> bool:
    return backend_for(uow.conn).has_documents()


class _Query:
    """One search's fixed parts: the backend, the query's terms, the terms every first-tier good matches."""

    def __init__(self, backend: SearchBackend, terms: list[str], used: list[str], filters: SearchFilters,
                 synonyms: Mapping[str, Sequence[str]], cap: int = CANDIDATES) -> None:
        self.backend, self.terms, self.used, self.filters, self.synonyms = backend, terms, used, filters, synonyms
        self.cap, self.capped = cap, False
        self._partial: list[list[str]] | None = None  # the partial tier's candidate terms, once chosen

    def top(self, match: Match, limit: int, offset: int) -> list[SearchHit]:
        """A page of one tier among its first `cap` matches, noting when the cap was reached."""
        if match.rest_of is not None:
            match = self.partial_candidates(match)
        ranked: Ranked = self.backend.top(match, self.filters, limit, offset, self.cap)
        self.capped = self.capped or ranked.capped
        return ranked.hits

    def partial_candidates(self, match: Match) -> Match:
        """The partial matches to score when their terms together are held by more goods than the cap: those
        holding the rarest terms, as many terms (rarest first, at least one) as the cap holds. Text relevance
        weighs a rare term far above a common one, so the goods holding only common terms would rank last anyway
        (bench/search_quality.py, cap 2,000: NDCG@10 0.4193 this way, 0.4111 in index order, 0.4410 uncapped)."""
        rest = match.rest_of or []
        if self._partial is None:
            self._partial = rest
            if len(rest) > 1:
                counts = [self.backend.count([group], self.filters, self.cap + 1) for group in rest]
                kept, total = [], 0
                for i in sorted(range(len(rest)), key=lambda i: (counts[i], i)):
                    total += counts[i]
                    if total > self.cap and total > counts[i]:  # past the cap, and some good already kept
                        break
                    kept.append(i)
                if len(kept) < len(rest):
                    self._partial, self.capped = [rest[i] for i in sorted(kept)], True
        return Match(match.groups, self._partial)

    @property
    def first(self) -> Match:
        return Match(expand_synonyms(self.used, self.synonyms))

    @property
    def rest(self) -> Match | None:
        """The partial matches, when the query has more than one term to match partially."""
        if len(self.terms) < 2:
            return None
        return Match(expand_synonyms(self.used, self.synonyms), expand_synonyms(self.terms, self.synonyms))

    def text_slice(self, start: int, stop: int, first_size: int | None = None) -> list[SearchHit]:
        """Positions start..stop of the text order: the first tier by relevance, then the rest by relevance
        (`first_size`, the first tier's size, when the caller knows it, saves a count)."""
        wanted = stop - start
        hits = [] if first_size is not None and start >= first_size else self.top(self.first, wanted, start)
        rest = self.rest
        if len(hits) == wanted or rest is None:
            return hits
        if first_size is None:
            first_size = start + len(hits) if hits or start == 0 else self.backend.count(
                self.first.groups, self.filters, self.cap)
        return hits + self.top(rest, wanted - len(hits), max(start - first_size, 0))


def _relaxed(backend: SearchBackend, terms: list[str], filters: SearchFilters,
             synonyms: Mapping[str, Sequence[str]]) -> list[str] | None:
    """The first shorter term list, dropping the rarest term first, that some good matches every term of (terms
    held by FREQUENCY_CAP goods or more count as equally common)."""
    counts = {term: backend.count(expand_synonyms([term], synonyms), filters, FREQUENCY_CAP) for term in terms}
    for fewer in relaxations(terms, counts):
        if backend.exists(expand_synonyms(fewer, synonyms), filters):
            return fewer
    return None


def _candidates(hits: list[SearchHit]) -> list[Candidate]:
    return [Candidate(product_id=h.product_id, text_rank=i, tier=h.tier, store_id=h.store_id,
                      store_kind=h.store_kind, vertical_id=h.vertical_id, brand_id=h.brand_id, sales=h.sales,
                      rating=h.rating, service_score=h.service_score) for i, h in enumerate(hits)]


def _reranked(hits: list[SearchHit], weights: RerankWeights, affinities: Affinities) -> list[SearchHit]:
    by_id = {h.product_id: h for h in hits}
    return [by_id[c.product_id] for c in rerank(_candidates(hits), weights, affinities)]


def _relevance_page(query: _Query, offset: int, size: int, weights: RerankWeights,
                    affinities: Affinities) -> list[SearchHit]:
    """Positions offset..offset+size of the final order: the first tier's top RERANK_WINDOW re-ranked, then the
    text order beyond them (the rest of the first tier, then the partial matches: read only when a page reaches
    them, since ranking every partial match is most of a query's cost)."""
    stop = offset + size
    if offset >= RERANK_WINDOW:
        return query.text_slice(offset, stop)
    window = _reranked(query.top(query.first, RERANK_WINDOW, 0), weights, affinities)
    if stop <= len(window):
        return window[offset:stop]
    known = len(window) if len(window) < RERANK_WINDOW else None
    return window[offset:] + query.text_slice(max(offset, len(window)), stop, known)


def _relaxed_terms(query: _Query) -> list[str]:
    """The query's terms, or the first relaxation with goods matching every term when no good matches them all."""
    if len(query.terms) < 2 or query.backend.exists(query.first.groups, query.filters):
        return query.terms
    return _relaxed(query.backend, query.terms, query.filters, query.synonyms) or query.terms


def _matched_terms(query: _Query, best: SearchHit | None) -> list[str]:
    """The terms (or a synonym of them) that the best hit holds; every term when it is a full match."""
    if best is None or best.tier == 0:
        return query.terms
    held = set(query.backend.tokens_of(best.product_id))
    groups = expand_synonyms(query.terms, query.synonyms)
    return [term for term, group in zip(query.terms, groups, strict=True) if held.intersection(group)]


def _facets(query: _Query) -> Facets:
    """Counts over the goods matching every used term (for relevance: every term the result reports as used)."""
    return facet_counts(query.backend.facet_rows(query.first, query.filters, FACET_CAP + 1), FACET_CAP)


def _nothing(terms: list[str], sort: SearchSort, with_facets: bool) -> SearchResult:
    """No indexed good holds any term (or synonym) of the query: what the tiers and relaxation would find, without
    them (most Chinese queries of the speed bench; each tier and relaxation step is a statement)."""
    return SearchResult(hits=[], terms=terms, sort=sort, facets=facet_counts([], FACET_CAP) if with_facets else None,
                        query_terms=terms)


def search_in(uow: UnitOfWork, query_text: object, filters: SearchFilters | None = None, limit: int = 20,
              cursor: str | None = None, synonyms: Mapping[str, Sequence[str]] = NO_SYNONYMS, *,
              sort: SearchSort = SearchSort.RELEVANCE, affinities: Affinities = NO_AFFINITIES,
              weights: RerankWeights = DEFAULT_WEIGHTS, with_facets: bool = False,
              candidates: int = CANDIDATES) -> SearchResult:
    """Active products for the query, as the module docstring orders them; the dropped terms when relaxed; the
    facet counts when asked; whether relevance scored only the first `candidates` of a tier. A cursor from another
    sort, or forged, raises CursorInvalid."""
    terms, filters, size = clean_query(query_text).terms, filters or SearchFilters(), max(1, min(limit,
                                                                                               MAX_PAGE_SIZE))
    page = decode_search_cursor(cursor, sort, terms) if cursor is not None else None
    if not terms:
        return SearchResult(hits=[], terms=[], sort=sort)
    backend = backend_for(uow.conn)
    if len(terms) > 1 and not backend.holds_any([t for group in expand_synonyms(terms, synonyms) for t in group]):
        return _nothing(terms, sort, with_facets)
    query = _Query(backend, terms, terms, filters, synonyms, max(1, candidates))
    carried = list(page.terms) if page is not None and page.terms else None
    if sort is SearchSort.RELEVANCE:
        offset = page.offset if page is not None else 0
        hits = _relevance_page(query, offset, size + 1, weights, affinities)
        query.used = carried or _matched_terms(query, hits[0] if hits else None)
        following = SearchCursor(sort, offset=offset + size, terms=tuple(query.used))
    else:
        query.used = carried or _relaxed_terms(query)
        after = Keyset(page.after_value, page.after_doc) if page is not None else None
        keyed = query.backend.sorted_page(query.first, filters, sort, after, size + 1)
        hits = [hit for hit, _ in keyed]
        last = keyed[size - 1][1] if len(keyed) > size else Keyset(0, 0)
        following = SearchCursor(sort, after_value=last.value, after_doc=last.doc_id, terms=tuple(query.used))
    return SearchResult(hits=hits[:size], terms=query.used, dropped=[t for t in terms if t not in query.used],
                        next_cursor=encode_search_cursor(following) if len(hits) > size else None, sort=sort,
                        facets=_facets(query) if with_facets else None, query_terms=terms, capped=query.capped)
