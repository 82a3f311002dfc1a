"""Shops you may like: the stores of the goods the viewer's scores favour, leaving out the ones they already buy
from often, with a guaranteed share for independent stores; for a viewer without usable history, the popular
shops of the verticals they picked (or of every vertical)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mercato.catalog import browse
from mercato.catalog.browse import CategoryRef, ProductCard
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.recommend import coldstart, goods, models_store, pool, signals
from mercato.recommend.feeds import FeedMode, Viewer, history_of_in, placements_in, viewer_scores_in
from mercato.recommend.model.exposure import ranked
from mercato.recommend.model.shops import bought_often, rank_shops, store_scores
from mercato.stores.model import StoreKind, StoreView

SHOPS = 8
ITEM_CANDIDATES = 100
GOODS_PER_SHOP = 3
INDEPENDENT_SHARE = 0.3
STORES_READ = 3  # stores read per shop shown: the best-scored ones, among which the independent share is kept


@dataclass(frozen=True, slots=True)
class ShopSuggestion:
    store: StoreView
    goods: list[ProductCard] = field(default_factory=list)  # its best-scored goods for this viewer


@dataclass(frozen=True, slots=True)
class ShopsPage:
    shops: list[ShopSuggestion]
    mode: FeedMode


def shops_for_in(rt: Runtime, uow: UnitOfWork, viewer: Viewer, verticals: list[CategoryRef],
                 size: int = SHOPS) -> ShopsPage:
    picked = coldstart.picked_verticals(",".join(viewer.verticals), verticals)
    the_pool = pool.pool_in(rt, uow, verticals)
    history = history_of_in(uow, viewer.actor_id, rt.clock.now())
    mode, scores = viewer_scores_in(uow, models_store.load_latest_in(uow), history, the_pool, picked, verticals,
                                    ITEM_CANDIDATES, exclude_seen=False)
    if mode is FeedMode.PERSONAL:  # too few shops from the history alone: the popular ones fill up
        popular = coldstart.popular_in(the_pool, {}, picked, ITEM_CANDIDATES)
        scores = {**{i: s * 0.01 for i, s in popular.items()}, **scores}
    places = placements_in(uow, the_pool, list(scores))
    frequent = bought_often(signals.purchases_by_store_in(uow, viewer.actor_id)) if viewer.actor_id else set()
    totals = store_scores(scores, {i: p.store for i, p in places.items()})
    by_id = the_pool.active_stores_in(uow, ranked(totals, frequent)[:size * STORES_READ])
    independents = {i for i, s in by_id.items() if s.kind is StoreKind.INDEPENDENT}
    chosen = rank_shops({i: totals[i] for i in by_id}, independents, size, frequent, INDEPENDENT_SHARE)
    best = ranked({i: scores[i] for i in places})
    picks = {s: [i for i in best if places[i].store == s][:GOODS_PER_SHOP] for s in chosen}
    found = goods.goods_in(uow, [i for items in picks.values() for i in items])
    return ShopsPage([ShopSuggestion(by_id[s], found.cards(picks[s])) for s in chosen], mode)


def shops_for(rt: Runtime, viewer: Viewer, size: int = SHOPS) -> ShopsPage:
    verticals = browse.category_tree(rt).verticals()
    with rt.uow(read_only=True) as uow:
        return shops_for_in(rt, uow, viewer, verticals, size)
