"""The home feed ("guess you like") and "similar items": model scores for the viewer's recent history blended
with trending, laid out with the guaranteed exposure share for new and small independent stores (model.exposure).

A feed is computed whole (at most MAX_FEED items) and paged by an opaque cursor holding the offset and the instant
the first page was computed: later pages read the history as it was then, so pages neither repeat nor skip while
the viewer keeps browsing (until a newer model is trained). Per page view: the model id probe, one history read,
one narrow catalog read placing the candidates the pool does not know (store, vertical, active), one read of the
page's products; the pool (fair goods, trending, best sellers, their placement) is per process.
Goods in the viewer's recent history (bought, above all, or already looked at) never show.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from mercato.catalog import browse
from mercato.catalog.browse import CategoryRef, ProductCard
from mercato.catalog.model import ProductView
from mercato.kernel.pagination import CursorInvalid, decode_cursor, encode_cursor
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.recommend import coldstart, goods, models_store, pool
from mercato.recommend.goods import Placement
from mercato.recommend.model import Event, FeedModel
from mercato.recommend.model.exposure import ExposurePolicy, FeedItem, blend_scores, compose_feed, ranked
from mercato.recommend.model.scoring import neighbours, personal_top, popular_top
from mercato.recommend.model.similar import ItemFacts, content_neighbours, merge_neighbours
from mercato.search import service as search
from mercato.search.model import SearchFilters, tokenize

MAX_FEED = 100
CANDIDATES = 150
FAIR_CANDIDATES = 80
HISTORY = 100
POLICY = ExposurePolicy(share=0.2, per_store=2, page_size=20, trending_share=0.2)


class FeedMode(StrEnum):
    PERSONAL = "personal"  # scored from the viewer's history
    POPULAR = "popular"  # cold start: popular in the picked verticals (or everywhere)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who the feed is for: a consumer id or an anonymous visitor key (None: no history), and picked verticals."""

    actor_id: str | None = None
    verticals: tuple[str, ...] = ()  # vertical slugs from "pick what you like"


@dataclass(frozen=True, slots=True)
class FeedPage:
    cards: list[ProductCard]
    mode: FeedMode
    fair: frozenset[str] = frozenset()  # ids of cards from new or small independent stores
    next_cursor: str | None = None
    picked: list[CategoryRef] = field(default_factory=list)
    has_history: bool = False


def _cursor(cursor: str | None, now: datetime) -> tuple[int, datetime]:
    if not cursor:
        return 0, now
    offset, at_ms = decode_cursor(cursor[:100], 2)
    if not isinstance(offset, int) or not isinstance(at_ms, int) or not 0 <= offset < MAX_FEED or at_ms < 0:
        raise CursorInvalid()
    return offset, datetime.fromtimestamp(at_ms / 1000, UTC)


def history_of_in(uow: UnitOfWork, actor_id: str | None, as_of: datetime, limit: int = HISTORY) -> list[Event]:
    """The viewer's most recent events up to `as_of`, oldest first (none for an unknown viewer)."""
    if not actor_id:
        return []
    cutoff = as_of.timestamp()
    return [e for e in models_store.history_in(uow, actor_id, limit) if e.at <= cutoff]


def _history_verticals_in(uow: UnitOfWork, the_pool: pool.Pool, history: Sequence[Event],
                          verticals: list[CategoryRef]) -> list[CategoryRef]:
    """The verticals of the goods in the viewer's history (one narrow query at most)."""
    wanted = {p.vertical for p in placements_in(uow, the_pool, {e.item for e in history}).values()}
    return [v for v in verticals if v.id in wanted]


def viewer_scores_in(uow: UnitOfWork, model: FeedModel | None, history: Sequence[Event], the_pool: pool.Pool,
                     picked: list[CategoryRef], verticals: list[CategoryRef], k: int, exclude_seen: bool = True
                     ) -> tuple[FeedMode, dict[str, float]]:
    """The viewer's k best goods: by the model when it knows some of the history; else the popular goods of the
    history's verticals (a model not trained since); else of the picked verticals, or of every vertical."""
    seen = {e.item for e in history} if exclude_seen else set()
    if model is not None and any(e.item in model.index for e in history):
        return FeedMode.PERSONAL, personal_top(model, history, k, exclude=seen)
    popularity = popular_top(model, k * 4) if model is not None else {}
    related = _history_verticals_in(uow, the_pool, history, verticals) if history and not picked else []
    if related:
        popular = coldstart.popular_in(the_pool, popularity, related, k + len(seen))
        return FeedMode.PERSONAL, {i: s for i, s in popular.items() if i not in seen}
    return FeedMode.POPULAR, coldstart.popular_in(the_pool, popularity, picked, k)


def placements_in(uow: UnitOfWork, the_pool: pool.Pool, product_ids: Collection[str]) -> dict[str, Placement]:
    """Store and vertical of the active products among `product_ids`: what the pool knows, then one query for the
    rest (remembered by the pool)."""
    known = {i: the_pool.placement[i] for i in product_ids if i in the_pool.placement}
    unknown = [i for i in product_ids if i not in known and i not in the_pool.absent]
    found = goods.placements_in(uow, unknown)
    the_pool.remember(unknown, found)
    return {**known, **found}


def _candidates(scores: dict[str, float], the_pool: pool.Pool, places: dict[str, Placement], seen: set[str],
                picked: list[CategoryRef]) -> tuple[list[FeedItem], list[FeedItem]]:
    """The main and fair candidates as feed items. Fair goods come from the picked verticals only when some were
    picked; otherwise those of the verticals the main list leads with go first."""
    def item(product_id: str) -> FeedItem:
        store = places[product_id].store
        return FeedItem(product_id, store, scores.get(product_id, 0.0), store in the_pool.fair_stores)

    main = [item(i) for i in ranked(scores, seen) if i in places]
    leading = {v.id for v in picked} or {places[f.item].vertical for f in main[:20]}
    fair_ids = [i for i in the_pool.fair if i not in seen and i in places
                and (not picked or places[i].vertical in leading)]
    order = sorted(range(len(fair_ids)), key=lambda n: (-scores.get(fair_ids[n], 0.0),
                                                        places[fair_ids[n]].vertical not in leading, n))
    return main, [item(fair_ids[n]) for n in order[:FAIR_CANDIDATES]]


def _checked_page(uow: UnitOfWork, main: list[FeedItem], fair: list[FeedItem], offset: int, policy: ExposurePolicy
                  ) -> tuple[list[FeedItem], goods.Goods, bool]:
    """The page at `offset` of the composed feed, its goods read back (the only full product rows read), and
    whether more follow. A product that left the catalog since the pool was built is dropped and the feed composed
    again without it (a few retries at most; what is still gone then is left out)."""
    gone: set[str] = set()
    for _ in range(3):
        feed = compose_feed([f for f in main if f.item not in gone], [f for f in fair if f.item not in gone],
                            MAX_FEED, policy)
        page = feed[offset:offset + policy.page_size]
        found = goods.goods_in(uow, [f.item for f in page])
        missing = {f.item for f in page} - found.products.keys()
        if not missing:
            break
        gone |= missing
    return [f for f in page if f.item in found.products], found, offset + policy.page_size < len(feed)


def home_feed_in(rt: Runtime, uow: UnitOfWork, viewer: Viewer, verticals: list[CategoryRef],
                 cursor: str | None = None, policy: ExposurePolicy = POLICY) -> FeedPage:
    """One page of the viewer's home feed (see the module docstring)."""
    offset, as_of = _cursor(cursor, rt.clock.now())
    history = history_of_in(uow, viewer.actor_id, as_of)
    picked = coldstart.picked_verticals(",".join(viewer.verticals), verticals)
    the_pool = pool.pool_in(rt, uow, verticals)
    model = models_store.load_latest_in(uow)
    mode, found_scores = viewer_scores_in(uow, model, history, the_pool, picked, verticals, CANDIDATES)
    rising = the_pool.trending if mode is FeedMode.PERSONAL or not picked else {}
    scores = blend_scores(found_scores, rising, policy.trending_share)
    seen = {e.item for e in history}  # what they bought above all, and what they already looked at
    top = ranked(scores, seen)[:CANDIDATES]
    places = placements_in(uow, the_pool, top)
    places.update({i: the_pool.placement[i] for i in the_pool.fair})
    main, fair = _candidates({i: scores[i] for i in top}, the_pool, places, seen, picked)
    page, found, more = _checked_page(uow, main, fair, offset, policy)
    next_cursor = encode_cursor([offset + policy.page_size, int(as_of.timestamp() * 1000)]) if more else None
    return FeedPage(found.cards(f.item for f in page), mode, frozenset(f.item for f in page if f.fair),
                    next_cursor, picked, bool(history))


def home_feed(rt: Runtime, viewer: Viewer, cursor: str | None = None, policy: ExposurePolicy = POLICY) -> FeedPage:
    verticals = browse.category_tree(rt).verticals()
    with rt.uow(read_only=True) as uow:
        return home_feed_in(rt, uow, viewer, verticals, cursor, policy)


# --- similar items ----------------------------------------------------------------------------------------------

SIMILAR = 12
SEARCH_CANDIDATES = 20
QUERY_TERMS = 6


def _facts(product: ProductView) -> ItemFacts:
    path = tuple(i for i in (product.vertical_id, product.category_l2_id, product.category_l3_id) if i)
    terms = frozenset(tokenize(f"{product.title_en} {product.title_zh}"))
    return ItemFacts(product.id, product.store_id, path, terms, dict(product.attributes))


def _content_candidates_in(uow: UnitOfWork, target: ProductView, the_pool: pool.Pool) -> list[str]:
    """Goods of the target's vertical: search hits for its title terms, then the vertical's best sellers."""
    terms = list(dict.fromkeys(tokenize(f"{target.title_en} {target.title_zh}")))[:QUERY_TERMS]
    hits = search.search_in(uow, " ".join(terms), SearchFilters(vertical_id=target.vertical_id),
                            limit=SEARCH_CANDIDATES).hits if terms else []
    best = [i for i, v in the_pool.vertical_of.items() if v == target.vertical_id][:SEARCH_CANDIDATES]
    return [h.product_id for h in hits] + best


def similar_items_in(rt: Runtime, uow: UnitOfWork, product_id: str, verticals: list[CategoryRef],
                     k: int = SIMILAR) -> list[ProductCard]:
    """Up to k goods like `product_id`: co-visitation and EASE neighbours first, then (a new item, or too few
    neighbours) goods of its vertical alike by category, attributes and title terms."""
    model = models_store.load_latest_in(uow)
    learned = list(neighbours(model, product_id, k * 2)) if model is not None else []
    found = goods.goods_in(uow, [product_id, *learned])
    target = found.products.get(product_id)
    if target is None:
        return []
    kept = [i for i in learned if i in found.products and i != product_id][:k]
    if len(kept) < k:
        candidates = [c for c in _content_candidates_in(uow, target, pool.pool_in(rt, uow, verticals))
                      if c != product_id and c not in kept]
        more = goods.goods_in(uow, candidates)
        content = content_neighbours(_facts(target), [_facts(p) for p in more.products.values()], k)
        found = goods.Goods({**found.products, **more.products})
        kept = merge_neighbours(kept, content, k)
    return found.cards(kept)


def similar_items(rt: Runtime, product_id: str, k: int = SIMILAR) -> list[ProductCard]:
    verticals = browse.category_tree(rt).verticals()
    with rt.uow(read_only=True) as uow:
        return similar_items_in(rt, uow, product_id, verticals, k)
