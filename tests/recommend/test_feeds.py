"""The feeds on SQLite and PostgreSQL: a small marketplace of twelve stores, a behaviour log, a trained model saved
through the model store, then the home feed, similar items and shops you may like read back through the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mercato.catalog.tables import products
from mercato.kernel.pagination import CursorInvalid
from mercato.kernel.runtime import Runtime
from mercato.recommend import feeds, pool, shops
from mercato.recommend.feeds import FeedMode, Viewer
from mercato.recommend.goods import Placement
from mercato.recommend.model import Event, train_feed
from mercato.recommend.model.exposure import is_fair_slot
from mercato.recommend.models_store import save_model_in
from mercato.recommend.tables import recommend_events
from mercato.stores import service as store_service
from mercato.stores.tables import stores
from storefront.catalog_rows import CatalogRows, Category
from support import person

ME = "me-consumer"
VERTICALS = ("apparel", "food", "home")
WORDS = {"apparel": ("cotton shirt", "纯棉衬衫"), "food": ("green tea", "绿茶"), "home": ("ceramic bowl", "陶瓷碗")}


@dataclass
class World:
    rt: Runtime
    rows: CatalogRows
    verticals: dict[str, Category]
    stores: dict[str, str] = field(default_factory=dict)  # name -> id
    goods: dict[str, list[str]] = field(default_factory=dict)  # store name -> product ids
    vertical_of_store: dict[str, str] = field(default_factory=dict)
    vertical_of: dict[str, str] = field(default_factory=dict)  # product id -> vertical slug
    store_of: dict[str, str] = field(default_factory=dict)  # product id -> store id

    def add_events(self, rows: list[dict[str, object]]) -> None:
        with self.rt.uow() as uow:
            uow.conn.execute(sa.insert(recommend_events), rows)
            uow.commit()

    def event(self, actor: str, product: str, kind: str, hours_ago: float) -> dict[str, object]:
        return {"actor_id": actor, "product_id": product, "store_id": self.store_of[product], "kind": kind,
                "at": self.rt.clock.now() - timedelta(hours=hours_ago)}

    def train(self) -> None:
        """Train on the whole log and save the model, as `mercato recommend train` does."""
        with self.rt.uow() as uow:
            rows = list(uow.conn.execute(sa.select(recommend_events).order_by(recommend_events.c.id)))
            log = [Event(r.actor_id, r.product_id, "view" if r.kind == "search_click" else r.kind, r.at.timestamp())
                   for r in rows]
            save_model_in(uow, train_feed(log, self.rt.clock.now().timestamp()), len(log))
            uow.commit()
        pool.forget_pool(self.rt)

    def set_status(self, table: sa.Table, row_id: str, status: str) -> None:
        with self.rt.uow() as uow:
            uow.conn.execute(table.update().where(table.c.id == row_id).values(status=status))
            uow.commit()
        pool.forget_pool(self.rt)


def _store(world: World, name: str, kind: str, vertical: str, age_days: int, count: int = 4) -> None:
    rows = world.rows
    store_id = rows.store(kind, slug=name, name_en=name.title(), name_zh=f"店{name}")
    with world.rt.uow() as uow:
        uow.conn.execute(stores.update().where(stores.c.id == store_id)
                         .values(created_at=world.rt.clock.now() - timedelta(days=age_days)))
        uow.commit()
    world.stores[name], world.vertical_of_store[name] = store_id, vertical
    en, zh = WORDS[vertical]
    world.goods[name] = []
    for n in range(count):
        pid = rows.product(store_id, world.verticals[vertical], title_en=f"{en} {name} {n}", title_zh=f"{zh}{n}",
                           store_kind=kind, sales=10 * n, attributes={"style": f"s{n % 2}"})
        world.goods[name].append(pid)
        world.vertical_of[pid], world.store_of[pid] = vertical, store_id


def build_world(rt: Runtime) -> World:
    """Eight big old stores (four flagship, four independent, each with 20 recent sales), two small old independent
    stores and two new stores; 40 shoppers whose views and purchases stay within one vertical each."""
    rows = CatalogRows(rt)
    world = World(rt, rows, {v: rows.category(v, name_en=v.title(), name_zh=f"类{v}") for v in VERTICALS})
    for n in range(4):
        _store(world, f"flag{n}", "flagship", VERTICALS[n % 3], 400)
        _store(world, f"indie{n}", "independent", VERTICALS[(n + 1) % 3], 400)
    _store(world, "small0", "independent", "apparel", 400, 3)
    _store(world, "small1", "independent", "food", 400, 3)
    _store(world, "newflag", "flagship", "apparel", 5, 3)
    _store(world, "newindie", "independent", "home", 5, 3)
    big = [f"flag{n}" for n in range(4)] + [f"indie{n}" for n in range(4)]
    log: list[dict[str, object]] = []
    for u in range(40):
        vertical = VERTICALS[u % 3]
        mine = [p for s in big if world.vertical_of_store[s] == vertical for p in world.goods[s]]
        for k, product in enumerate(mine):
            log.append(world.event(f"u{u}", product, "view", 30 + u + k / 10))
    for s in big:
        for n, product in enumerate(world.goods[s]):
            log += [world.event(f"buyer{s}{n}{b}", product, "buy", 48 + b) for b in range(5)]
    world.add_events(log)
    world.train()
    return world


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def _fair_ids(world: World) -> set[str]:
    fair = {world.stores[s] for s in ("small0", "small1", "newflag", "newindie")}
    return {p for p, s in world.store_of.items() if s in fair}


def test_the_home_feed_follows_the_viewers_history_with_a_fair_share_spread_through_the_page(world: World) -> None:
    world.add_events([world.event(ME, world.goods["flag0"][0], "view", 1),
                      world.event(ME, world.goods["flag0"][1], "view", 0.5)])
    page = feeds.home_feed(world.rt, Viewer(ME))
    ids = [c.id for c in page.cards]
    assert page.mode is FeedMode.PERSONAL
    assert len(ids) == 20
    fair = _fair_ids(world)
    assert [n for n in range(20) if is_fair_slot(n, 0.2)] == [2, 7, 12, 17]
    assert all(ids[n] in fair for n in (2, 7, 12, 17))
    assert page.fair == frozenset(i for i in ids if i in fair)
    # the first ordinary slots hold apparel goods the viewer has not seen yet
    assert world.vertical_of[ids[0]] == "apparel"
    assert ids[0] not in world.goods["flag0"][:2]


def test_no_store_fills_more_than_two_slots_of_a_page(world: World) -> None:
    world.add_events([world.event(ME, world.goods["flag0"][0], "view", 1)])
    first = feeds.home_feed(world.rt, Viewer(ME))
    second = feeds.home_feed(world.rt, Viewer(ME), first.next_cursor)
    for page in (first, second):
        counts: dict[str, int] = {}
        for card in page.cards:
            counts[card.store_id] = counts.get(card.store_id, 0) + 1
        assert max(counts.values()) == 2
    assert not {c.id for c in first.cards} & {c.id for c in second.cards}


def test_pages_read_the_history_as_it_was_on_the_first_page(world: World) -> None:
    world.add_events([world.event(ME, world.goods["flag0"][0], "view", 1)])
    first = feeds.home_feed(world.rt, Viewer(ME))
    again = feeds.home_feed(world.rt, Viewer(ME), first.next_cursor)
    world.rt.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    world.add_events([world.event(ME, world.goods["indie0"][0], "view", 0)])
    later = feeds.home_feed(world.rt, Viewer(ME), first.next_cursor)
    assert [c.id for c in later.cards] == [c.id for c in again.cards]


def test_a_forged_cursor_is_refused(world: World) -> None:
    with pytest.raises(CursorInvalid):
        feeds.home_feed(world.rt, Viewer(ME), "not-a-cursor")


def test_delisted_goods_and_suspended_stores_never_show(world: World) -> None:
    world.add_events([world.event(ME, world.goods["flag0"][0], "view", 1)])
    before = [c.id for c in feeds.home_feed(world.rt, Viewer(ME)).cards]
    delisted = before[0]
    suspended_store = next(c for c in before[1:] if world.store_of[c] != world.store_of[delisted])
    world.set_status(products, delisted, "delisted")
    operator = person(world.rt, "ops@example.com", operator=True)
    store_service.suspend_store(world.rt, operator, world.store_of[suspended_store], "Counterfeit goods")
    pool.forget_pool(world.rt)
    after = feeds.home_feed(world.rt, Viewer(ME))
    assert delisted not in {c.id for c in after.cards}
    assert world.store_of[suspended_store] not in {c.store_id for c in after.cards}
    assert len(after.cards) == 20


def test_what_the_viewer_just_bought_never_shows(world: World) -> None:
    bestseller = world.goods["flag0"][3]
    world.add_events([world.event(ME, world.goods["flag0"][0], "view", 2),
                      world.event(ME, bestseller, "buy", 1)])
    shown: list[str] = []
    cursor = None
    for _ in range(5):
        page = feeds.home_feed(world.rt, Viewer(ME), cursor)
        shown += [c.id for c in page.cards]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert bestseller not in shown
    assert len(shown) == len(set(shown)) >= 40


def test_a_history_the_model_does_not_know_yet_gives_popular_goods_of_its_verticals(world: World) -> None:
    unknown_to_the_model = world.goods["newindie"][:2]
    world.add_events([world.event(ME, p, "view", 0.1) for p in unknown_to_the_model])
    page = feeds.home_feed(world.rt, Viewer(ME))
    assert page.mode is FeedMode.PERSONAL
    ordinary = [c for n, c in enumerate(page.cards) if not is_fair_slot(n, 0.2)]
    # two big stores sell home goods, two slots each in a page: the first four ordinary slots
    assert {world.vertical_of[c.id] for c in ordinary[:4]} == {"home"}
    assert not {c.id for c in page.cards} & set(unknown_to_the_model)


def test_a_new_consumer_gets_the_popular_goods_of_the_verticals_they_picked(world: World) -> None:
    with world.rt.uow() as uow:
        uow.conn.execute(products.update().where(products.c.id == world.goods["indie0"][3]).values(sales_count=500))
        uow.commit()
    page = feeds.home_feed(world.rt, Viewer(None, ("food",)))
    assert page.mode is FeedMode.POPULAR
    assert [v.slug for v in page.picked] == ["food"]
    assert {world.vertical_of[c.id] for c in page.cards} == {"food"}
    ordinary = [c for n, c in enumerate(page.cards) if not is_fair_slot(n, 0.2)]
    assert ordinary[0].id == world.goods["indie0"][3]  # food's best seller in the catalog


def test_a_new_consumer_who_picked_nothing_gets_popular_goods_from_every_vertical(world: World) -> None:
    page = feeds.home_feed(world.rt, Viewer("someone-new", ("no-such-vertical",)))
    assert page.mode is FeedMode.POPULAR
    assert page.picked == []
    assert {world.vertical_of[c.id] for c in page.cards} == set(VERTICALS)


def test_similar_items_are_co_visited_goods_of_the_same_vertical(world: World) -> None:
    similar = feeds.similar_items(world.rt, world.goods["flag0"][0])
    assert len(similar) == 12
    assert world.goods["flag0"][0] not in {c.id for c in similar}
    assert {world.vertical_of[c.id] for c in similar[:6]} == {"apparel"}


def test_a_new_item_falls_back_to_goods_alike_by_vertical_attributes_and_title(world: World) -> None:
    newcomer = world.rows.product(world.stores["small0"], world.verticals["home"], title_en="ceramic bowl blue",
                                  title_zh="蓝色陶瓷碗", attributes={"style": "s1"})
    similar = feeds.similar_items(world.rt, newcomer)
    assert similar
    assert {world.vertical_of[c.id] for c in similar} == {"home"}
    # same title terms and the same style first: "ceramic bowl <store> 1" and "... 3"
    assert {c.id for c in similar[:2]} <= {p for s in world.goods for p in world.goods[s][1::2]}


def test_similar_items_of_an_unknown_product_are_empty(world: World) -> None:
    assert feeds.similar_items(world.rt, "01J0000000000000000000NONE") == []


def test_shops_you_may_like_follow_the_history_and_leave_out_stores_bought_from_often(world: World) -> None:
    world.add_events([world.event(ME, world.goods["flag0"][0], "view", 3),
                      *[world.event(ME, world.goods["indie2"][n], "buy", 2) for n in range(3)]])
    page = shops.shops_for(world.rt, Viewer(ME))
    chosen = [s.store.id for s in page.shops]
    assert page.mode is FeedMode.PERSONAL
    assert world.stores["indie2"] not in chosen
    assert len(chosen) == len(set(chosen)) == 8
    kinds = [s.store.kind.value for s in page.shops]
    assert kinds.count("independent") >= 2
    assert all(card.store_id == s.store.id for s in page.shops for card in s.goods)


def test_shops_for_a_new_consumer_are_the_popular_shops_of_their_verticals(world: World) -> None:
    page = shops.shops_for(world.rt, Viewer(None, ("home",)))
    assert page.mode is FeedMode.POPULAR
    assert {world.vertical_of_store[n] for n, i in world.stores.items() if i in {s.store.id for s in page.shops}} \
        == {"home"}


def test_a_rebuilt_pool_keeps_what_requests_placed_until_the_placements_are_too_old() -> None:
    old = pool.Pool(placement={"a": Placement("s1", "v1")}, placed_since=100.0)
    kept = pool.carried_over(pool.Pool(placement={"b": Placement("s2", "v2")}), old, 160.0)
    assert kept.placement == {"a": Placement("s1", "v1"), "b": Placement("s2", "v2")}
    assert kept.placed_since == 100.0
    expired = 100.0 + pool.PLACEMENT_TTL_SECONDS
    fresh = pool.carried_over(pool.Pool(placement={"b": Placement("s2", "v2")}), old, expired)
    assert fresh.placement == {"b": Placement("s2", "v2")}
    assert fresh.placed_since == expired
