"""Shop search: one analysed document per store (names, descriptions, tags and the terms of what it sells), kept in
step with store events in the caller's transaction and refreshed from the product index by a job or a full reindex;
searching shops by text, and "distinctive shops" ranked by how concentrated their catalogue is on the query
(see search.model.shops). Suspended stores are never returned."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mercato.kernel import jobs
from mercato.kernel.clock import SystemClock
from mercato.kernel.errors import InputInvalid
from mercato.kernel.pagination import MAX_PAGE_SIZE, CursorInvalid, decode_cursor, encode_cursor
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.search.model import analyse, clean_query, expand_synonyms, relaxations
from mercato.search.model.shops import KINDS, ShopCandidate, ShopDocument, rank_distinctive, top_terms
from mercato.search.shops_repo import GoodsRow, ShopIndexRepo, ShopRow
from mercato.search.suggest import log_search
from mercato.search.synonyms import synonyms_in
from mercato.stores.model import StoreStatus, StoreView
from mercato.stores.service import stores_by_ids_in

GOODS_TERMS_MAX = 200  # the terms of a store's goods kept in its document, most widespread first
SAMPLE_GOODS = 3
DISTINCTIVE_CANDIDATES = 500  # stores with most matching goods considered for the distinctive ranking
REFRESH_BATCH = 200
REFRESH_JOB = "search.refresh_shops"
REFRESH_DELAY = timedelta(seconds=10)  # product edits within this window share one refresh
NO_SYNONYMS: Mapping[str, Sequence[str]] = {}
Progress = Callable[[int, int], None]


class ShopKindInvalid(InputInvalid):
    code = "shop_kind_invalid"
    title = "The store kind is flagship or independent"


@dataclass(frozen=True, slots=True)
class ShopHit:
    shop: ShopRow
    score: float
    goods: list[GoodsRow] = field(default_factory=list)
    matching: int | None = None  # distinctive ranking: the store's active goods matching the query
    share: float | None = None  # distinctive ranking: the damped share of its catalogue that matches


@dataclass(frozen=True, slots=True)
class ShopSearchResult:
    hits: list[ShopHit]
    terms: list[str]
    dropped: list[str] = field(default_factory=list)
    next_cursor: str | None = None


# --- documents ------------------------------------------------------------------------------------------------------


def document_of(store: StoreView, goods_terms: str, product_count: int) -> ShopDocument:
    return ShopDocument(store_id=store.id, slug=store.slug, kind=store.kind.value, active=store.is_active,
                        name_en=store.name_en, name_zh=store.name_zh, description_en=store.description_en,
                        description_zh=store.description_zh, tags=store.tags, goods_terms=goods_terms,
                        product_count=product_count)


def shop_row(doc: ShopDocument, now: datetime) -> dict[str, Any]:
    """The index row of one store. Names and tags are analysed twice, so they outweigh description and goods."""
    names = analyse(doc.name_en, doc.name_zh, *doc.tags)
    tokens = " ".join(part for part in (names, names, analyse(doc.description_en, doc.description_zh),
                                        doc.goods_terms) if part)
    return {"store_id": doc.store_id, "slug": doc.slug, "kind": doc.kind, "active": doc.active,
            "name_en": doc.name_en[:80], "name_zh": doc.name_zh[:80], "tags": list(doc.tags), "tokens": tokens,
            "product_count": doc.product_count, "updated_at": now}


def _goods_summary(repo: ShopIndexRepo, store_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
    """Per store: its goods' most widespread terms and its count of active products."""
    tokens: dict[str, list[str]] = {}
    for store_id, terms in repo.goods_tokens(store_ids):
        tokens.setdefault(store_id, []).append(terms)
    return {store_id: (" ".join(top_terms(lists, GOODS_TERMS_MAX)), len(lists)) for store_id, lists in tokens.items()}


def refresh_shops_in(uow: UnitOfWork, store_ids: Iterable[str], now: datetime) -> int:
    """Rebuild the documents of these stores from the stores and the product index; returns how many."""
    wanted = sorted(set(store_ids))
    repo = ShopIndexRepo(uow.conn)
    stores = stores_by_ids_in(uow, wanted)
    goods = _goods_summary(repo, list(stores))
    repo.upsert([shop_row(document_of(store, *goods.get(store.id, ("", 0))), now) for store in stores.values()])
    return len(stores)


def reindex_shops_in(uow: UnitOfWork, progress: Progress | None = None, now: datetime | None = None,
                     store_ids: Iterable[str] | None = None) -> int:
    """Rebuild every shop document (stores with a document or indexed goods, or the given ones) in batches;
    `progress(done, total)` after each. For `mercato search reindex`, after the products are indexed."""
    ids = sorted(set(store_ids)) if store_ids is not None else ShopIndexRepo(uow.conn).indexed_store_ids()
    moment = now or SystemClock().now()
    done = 0
    for start in range(0, len(ids), REFRESH_BATCH):
        done += refresh_shops_in(uow, ids[start:start + REFRESH_BATCH], moment)
        if progress is not None:
            progress(min(start + REFRESH_BATCH, len(ids)), len(ids))
    return done


def on_store_changed(rt: Runtime, uow: UnitOfWork, event: Any) -> None:
    """A store's profile, tags or creation (StoreProfileChanged): its document is rebuilt in the same transaction."""
    refresh_shops_in(uow, [event.store_id], rt.clock.now())


def on_store_status_changed(rt: Runtime, uow: UnitOfWork, event: Any) -> None:
    """Suspension hides the store's document at once and reinstatement shows it again; its goods terms are left
    to the refresh job, since the product index follows the same event in its own handler."""
    active = event.status is StoreStatus.ACTIVE
    if not ShopIndexRepo(uow.conn).set_active(event.store_id, active):
        refresh_shops_in(uow, [event.store_id], rt.clock.now())


def enqueue_shop_refresh_in(uow: UnitOfWork, store_id: str, now: datetime) -> None:
    """Ask for the store's document to follow its goods: at most one refresh per store per REFRESH_DELAY window.
    The product index calls this when it indexes or removes a store's product."""
    window = int(now.timestamp() // REFRESH_DELAY.total_seconds())
    jobs.enqueue(uow, REFRESH_JOB, {"store_ids": [store_id]}, now=now, run_at=now + REFRESH_DELAY,
                 key=f"{REFRESH_JOB}:{store_id}:{window}")


def refresh_shops_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """The job: the listed stores, or every store when the payload lists none."""
    store_ids = [str(i) for i in payload.get("store_ids") or []]
    with rt.uow() as uow:
        if store_ids:
            refresh_shops_in(uow, store_ids, rt.clock.now())
        else:
            reindex_shops_in(uow, now=rt.clock.now())
        uow.commit()


JOB_HANDLERS: Mapping[str, jobs.Handler] = {REFRESH_JOB: refresh_shops_job}


# --- search ---------------------------------------------------------------------------------------------------------


def _page(cursor: str | None, terms: list[str]) -> tuple[int, list[str] | None]:
    if cursor is None:
        return 0, None
    offset, used = decode_cursor(cursor, 2)
    if not isinstance(offset, int) or offset < 0 or not isinstance(used, str):
        raise CursorInvalid()
    return offset, [t for t in clean_query(used).terms if t in terms]


def _check_kind(kind: str | None) -> str | None:
    if kind is None or kind == "":
        return None
    if kind not in KINDS:
        raise ShopKindInvalid(field="kind")
    return kind


def search_shops_in(uow: UnitOfWork, query_text: object, kind: str | None = None, distinctive: bool = False,
                    limit: int = 20, cursor: str | None = None,
                    synonyms: Mapping[str, Sequence[str]] = NO_SYNONYMS) -> ShopSearchResult:
    """Active stores matching every term (or a synonym) by name, description, tags or goods, best first; or, when
    `distinctive`, the stores whose catalogue is most concentrated on the query. When nothing matches, the first
    relaxation of the terms that finds something, with the dropped terms reported."""
    terms, wanted_kind = clean_query(query_text).terms, _check_kind(kind)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset, used = _page(cursor, terms)
    used = used or terms
    find = _distinctive if distinctive else _by_text
    repo = ShopIndexRepo(uow.conn)
    hits = find(repo, expand_synonyms(used, synonyms), wanted_kind, limit + 1, offset) if used else []
    if not hits and cursor is None and len(terms) > 1:
        for fewer in relaxations(terms):
            hits = find(repo, expand_synonyms(fewer, synonyms), wanted_kind, limit + 1, 0)
            if hits:
                used = fewer
                break
    more = len(hits) > limit
    hits = _with_goods(repo, expand_synonyms(used, synonyms), hits[:limit])
    return ShopSearchResult(hits=hits, terms=used, dropped=[t for t in terms if t not in used],
                            next_cursor=encode_cursor([offset + limit, " ".join(used)]) if more else None)


def find_shops(rt: Runtime, query_text: object, kind: str | None = None, distinctive: bool = False,
               limit: int = 20, cursor: str | None = None, *, log: bool = True) -> ShopSearchResult:
    """The shop search of a request, with the operator's synonyms; a first page is logged for autocomplete (once
    per request: a page making a second search passes `log=False`), with the number of stores it showed."""
    with rt.uow(read_only=True) as uow:
        result = search_shops_in(uow, query_text, kind, distinctive, limit, cursor, synonyms_in(uow))
    if cursor is None and log:
        log_search(rt, query_text, len(result.hits))
    return result


def _by_text(repo: ShopIndexRepo, groups: list[list[str]], kind: str | None, limit: int,
             offset: int) -> list[ShopHit]:
    return [ShopHit(shop=row, score=row.score) for row in repo.search(groups, kind, limit, offset)]


def _distinctive(repo: ShopIndexRepo, groups: list[list[str]], kind: str | None, limit: int,
                 offset: int) -> list[ShopHit]:
    counts = repo.matching_counts(groups, DISTINCTIVE_CANDIDATES)
    shops = {i: shop for i, shop in repo.shops(list(counts)).items() if kind is None or shop.kind == kind}
    ranked = rank_distinctive(ShopCandidate(i, shop.kind, counts[i], shop.product_count) for i, shop in shops.items())
    return [ShopHit(shop=shops[r.store_id], score=r.score, matching=r.matching, share=r.share)
            for r in ranked[offset:offset + limit]]


def _with_goods(repo: ShopIndexRepo, groups: list[list[str]], hits: list[ShopHit]) -> list[ShopHit]:
    goods = repo.sample_goods(groups, [h.shop.store_id for h in hits], SAMPLE_GOODS)
    return [ShopHit(h.shop, h.score, goods.get(h.shop.store_id, []), h.matching, h.share) for h in hits]
