"""Shop search and distinctive shops on SQLite FTS5 and PostgreSQL full text: the same behaviour on both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
from search_helpers import BAD_INPUTS, doc

from mercato.kernel import jobs
from mercato.kernel.pagination import CursorInvalid
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.search import service, shops
from mercato.search.shops import ShopKindInvalid, ShopSearchResult
from mercato.search.tables_shops import search_shops
from mercato.stores import service as stores
from mercato.stores.model import ApplicationDraft, StoreView
from mercato.wiring import job_handlers
from support import person

RESIDENT_ID = "11010519491231002X"


@dataclass
class Market:
    rt: Runtime
    ops: Principal
    tea: StoreView
    mart: StoreView
    shoes: StoreView


def open_store(rt: Runtime, ops: Principal, slug: str, en: str, zh: str, tags: list[str],
               brand_id: str | None = None) -> StoreView:
    owner = person(rt, f"{slug}@example.com")
    if brand_id:
        draft = ApplicationDraft(kind="flagship", slug=slug, name_en=en, name_zh=zh, contact_phone="13800138000",
                                 brand_id=brand_id, authorisation_ref="LIC-1", authorisation_until=date(2027, 12, 31))
    else:
        draft = ApplicationDraft(kind="independent", slug=slug, name_en=en, name_zh=zh, contact_phone="13800138000",
                                 description="Hand picked", owner_legal_name="Li Wei", owner_id_number=RESIDENT_ID)
    store = stores.approve_application(rt, ops, stores.apply_for_store(rt, owner, draft).id)
    if tags:
        stores.set_store_tags(rt, owner, store.id, tags)
    return stores.get_store(rt, store.id)


def owner_of(rt: Runtime, store: StoreView) -> Principal:
    from mercato.accounts.model import principal_of
    from mercato.accounts.service import get_user

    return principal_of(get_user(rt, store.owner_id), "token", "test")


def search(rt: Runtime, query: object, **kwargs: object) -> ShopSearchResult:
    with rt.uow(read_only=True) as uow:
        return shops.search_shops_in(uow, query, **kwargs)  # type: ignore[arg-type]


def slugs(result: ShopSearchResult) -> list[str]:
    return [hit.shop.slug for hit in result.hits]


def reindex(rt: Runtime) -> int:
    with rt.uow() as uow:
        done = shops.reindex_shops_in(uow, now=rt.clock.now())
        uow.commit()
    return done


@pytest.fixture
def market(rt: Runtime) -> Market:
    return build_market(rt)


def build_market(rt: Runtime) -> Market:
    """A tea specialist, a flagship store selling phone chargers and one tea, and a shoe shop, all indexed."""
    ops = person(rt, "ops@example.com", operator=True)
    brand = stores.create_brand(rt, ops, "acme", "ACME", "艾克米")
    tea = open_store(rt, ops, "tea-house", "Tea House", "茶馆", ["tea", "茶叶"])
    mart = open_store(rt, ops, "acme-official", "ACME Official", "艾克米官方旗舰店", ["electronics"], brand.id)
    shoes = open_store(rt, ops, "shoe-corner", "Shoe Corner", "鞋角", ["sneakers", "运动鞋"])
    goods = [doc("p-green", "Longjing green tea", "龙井绿茶", store_id=tea.id, sales=50),
             doc("p-oolong", "Tieguanyin oolong tea", "铁观音乌龙茶", store_id=tea.id, sales=90),
             doc("p-cup", "Clay tea cup", "紫砂茶杯", store_id=tea.id, sales=10),
             doc("p-mart-tea", "Jasmine tea bags", "茉莉花茶包", store_id=mart.id, sales=500),
             *[doc(f"p-phone-{i}", f"Phone charger {i}", f"手机充电器{i}", store_id=mart.id) for i in range(9)],
             doc("p-runner", "Running shoes", "跑步鞋", store_id=shoes.id),
             doc("p-boots", "Hiking boots", "登山靴", store_id=shoes.id, active=False)]
    with rt.uow() as uow:
        service.index_products_in(uow, goods)
        uow.commit()
    reindex(rt)
    return Market(rt, ops, tea, mart, shoes)


def test_a_store_is_found_by_its_english_tag(market: Market) -> None:
    assert slugs(search(market.rt, "sneakers")) == ["shoe-corner"]


def test_a_store_is_found_by_its_chinese_tag(market: Market) -> None:
    assert slugs(search(market.rt, "运动鞋")) == ["shoe-corner"]


def test_a_store_is_found_by_its_chinese_name(market: Market) -> None:
    assert slugs(search(market.rt, "茶馆")) == ["tea-house"]


def test_a_store_is_found_by_what_it_sells(market: Market) -> None:
    assert slugs(search(market.rt, "oolong")) == ["tea-house"]
    assert slugs(search(market.rt, "充电器")) == ["acme-official"]


def test_goods_that_are_no_longer_on_sale_do_not_find_their_store(market: Market) -> None:
    assert slugs(search(market.rt, "hiking boots")) == []


def test_a_store_named_and_tagged_for_the_query_outranks_one_that_only_sells_it(market: Market) -> None:
    assert slugs(search(market.rt, "tea")) == ["tea-house", "acme-official"]


def test_each_hit_shows_its_best_selling_matching_goods(market: Market) -> None:
    hit = search(market.rt, "tea").hits[0]
    assert [g.product_id for g in hit.goods] == ["p-oolong", "p-green", "p-cup"]


def test_the_kind_filter_keeps_only_that_kind(market: Market) -> None:
    assert slugs(search(market.rt, "tea", kind="flagship")) == ["acme-official"]
    assert slugs(search(market.rt, "tea", kind="independent")) == ["tea-house"]


def test_an_unknown_kind_is_refused(market: Market) -> None:
    with pytest.raises(ShopKindInvalid):
        search(market.rt, "tea", kind="outlet")


def test_distinctive_shops_are_those_whose_catalogue_is_about_the_query(market: Market) -> None:
    result = search(market.rt, "tea", distinctive=True)
    assert slugs(result) == ["tea-house"]  # ACME's one tea of ten goods is 1/13 of its damped catalogue
    assert result.hits[0].matching == 3
    assert result.hits[0].share == 3 / 6


def test_a_suspended_store_is_never_returned_and_comes_back_when_reinstated(market: Market) -> None:
    stores.suspend_store(market.rt, market.ops, market.tea.id, "Counterfeit goods reported")
    assert slugs(search(market.rt, "tea")) == ["acme-official"]
    assert slugs(search(market.rt, "tea", distinctive=True)) == []
    stores.reinstate_store(market.rt, market.ops, market.tea.id)
    assert slugs(search(market.rt, "tea", distinctive=True)) == ["tea-house"]


def test_a_tag_edit_reaches_the_shop_index_in_the_same_transaction(market: Market) -> None:
    stores.set_store_tags(market.rt, owner_of(market.rt, market.shoes), market.shoes.id, ["trail", "越野"])
    assert slugs(search(market.rt, "越野")) == ["shoe-corner"]
    assert slugs(search(market.rt, "sneakers")) == []


def test_a_profile_edit_reaches_the_shop_index(market: Market) -> None:
    stores.update_store_profile(market.rt, owner_of(market.rt, market.tea), market.tea.id,
                                stores.ProfileDraft(name_en="Leaf and Cup"))
    assert slugs(search(market.rt, "leaf")) == ["tea-house"]


def test_a_new_store_is_searchable_as_soon_as_it_opens(market: Market) -> None:
    open_store(market.rt, market.ops, "kite-shop", "Kite Shop", "风筝店", [])
    assert slugs(search(market.rt, "kite")) == ["kite-shop"]


def test_pages_follow_the_cursor_without_repeating_a_store(market: Market) -> None:
    first = search(market.rt, "tea", limit=1)
    assert slugs(first) == ["tea-house"] and first.next_cursor
    second = search(market.rt, "tea", limit=1, cursor=first.next_cursor)
    assert slugs(second) == ["acme-official"] and second.next_cursor is None


def test_a_forged_cursor_is_refused(market: Market) -> None:
    with pytest.raises(CursorInvalid):
        search(market.rt, "tea", cursor="not-a-cursor")


def test_a_query_that_finds_nothing_relaxes_its_terms_and_says_so(market: Market) -> None:
    result = search(market.rt, "oolong zeppelin")
    assert (slugs(result), result.dropped) == (["tea-house"], ["zeppelin"])


def test_synonyms_find_stores_by_another_word(market: Market) -> None:
    assert slugs(search(market.rt, "trainer", synonyms={"trainer": ["sneaker"]})) == ["shoe-corner"]


@pytest.mark.parametrize("distinctive", [False, True])
def test_bad_input_never_errors(market: Market, distinctive: bool) -> None:
    for query in [*BAD_INPUTS, None, 42, ["tea"]]:
        result = search(market.rt, query, distinctive=distinctive)
        assert all(hit.shop.slug in {"tea-house", "acme-official", "shoe-corner"} for hit in result.hits)


def test_the_refresh_job_makes_a_store_follow_its_goods(market: Market) -> None:
    with market.rt.uow() as uow:
        service.index_products_in(uow, [doc("p-kettle", "Iron kettle", "铁壶", store_id=market.tea.id)])
        shops.enqueue_shop_refresh_in(uow, market.tea.id, market.rt.clock.now())
        shops.enqueue_shop_refresh_in(uow, market.tea.id, market.rt.clock.now())  # the same window: one job
        uow.commit()
    assert slugs(search(market.rt, "kettle")) == []
    market.rt.clock.advance(shops.REFRESH_DELAY)  # type: ignore[attr-defined]
    assert jobs.run_due(market.rt, job_handlers(), "test-worker") == 1
    assert slugs(search(market.rt, "kettle")) == ["tea-house"]


def test_a_full_reindex_reports_its_progress_and_counts_active_goods(market: Market) -> None:
    seen: list[tuple[int, int]] = []
    with market.rt.uow() as uow:
        assert shops.reindex_shops_in(uow, lambda done, total: seen.append((done, total))) == 3
        uow.commit()
        counts = dict(uow.conn.execute(sa.select(search_shops.c.slug, search_shops.c.product_count)).all())
    assert seen == [(3, 3)]
    assert counts == {"tea-house": 3, "acme-official": 10, "shoe-corner": 1}
