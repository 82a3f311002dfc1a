"""What the feed blocks hand to their templates: recommend's feeds as storefront tiles (store, brand and badge per
card, in at most five queries for a whole page; see storefront.service.tiles_in)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mercato.catalog import browse
from mercato.catalog.browse import CategoryRef
from mercato.kernel.runtime import Runtime
from mercato.recommend import feeds, shops
from mercato.recommend.feeds import FeedMode, Viewer
from mercato.storefront.service import tiles_in
from mercato.storefront.views import ProductTile
from mercato.stores.model import StoreView

HOME_SHOPS = 4


@dataclass(frozen=True, slots=True)
class FeedBlock:
    """One page of the home feed, ready to show."""

    tiles: list[ProductTile]
    mode: FeedMode
    fair: frozenset[str]
    next_cursor: str | None
    picked: list[CategoryRef]
    verticals: list[CategoryRef]  # every vertical, for "pick what you like"
    has_history: bool

    @property
    def ask_for_picks(self) -> bool:
        """A viewer without history who has not picked yet sees the vertical picker."""
        return not self.has_history and not self.picked


@dataclass(frozen=True, slots=True)
class ShopCard:
    store: StoreView
    tiles: list[ProductTile] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ShopsBlock:
    shops: list[ShopCard]
    mode: FeedMode


def _open(tiles: list[ProductTile]) -> list[ProductTile]:
    """Tiles whose store card (cached, see storefront.cache) says it is open."""
    return [t for t in tiles if t.store is not None and t.store.is_active]


def feed_block(rt: Runtime, viewer: Viewer, cursor: str | None = None) -> FeedBlock:
    verticals = browse.category_tree(rt).verticals()
    with rt.uow(read_only=True) as uow:
        page = feeds.home_feed_in(rt, uow, viewer, verticals, cursor)
        tiles = _open(tiles_in(rt, uow, page.cards))
    return FeedBlock(tiles, page.mode, page.fair, page.next_cursor, page.picked, verticals, page.has_history)


def similar_tiles(rt: Runtime, product_id: str) -> list[ProductTile]:
    verticals = browse.category_tree(rt).verticals()
    with rt.uow(read_only=True) as uow:
        return _open(tiles_in(rt, uow, feeds.similar_items_in(rt, uow, product_id, verticals)))


def shops_block(rt: Runtime, viewer: Viewer, size: int = shops.SHOPS) -> ShopsBlock:
    verticals = browse.category_tree(rt).verticals()
    with rt.uow(read_only=True) as uow:
        page = shops.shops_for_in(rt, uow, viewer, verticals, size)
        tiles = iter(tiles_in(rt, uow, [card for s in page.shops for card in s.goods]))
        cards = [ShopCard(s.store, [next(tiles) for _ in s.goods]) for s in page.shops]
    return ShopsBlock(cards, page.mode)
