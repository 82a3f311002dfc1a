"""Search as shoppers page through it, on both databases: full matches before partial ones, cursors across both
tiers without repeats or gaps, the sorts walked by keyset, relaxation reported on every page, facets, the re-rank."""

from __future__ import annotations

from datetime import timedelta

import pytest
from search_helpers import START, doc

from mercato.kernel.pagination import CursorInvalid
from mercato.kernel.runtime import Runtime
from mercato.search import service
from mercato.search.model import SearchDocument, SearchFilters, SearchResult, SearchSort
from mercato.search.model.facets import PRICE_BAND_EDGES
from mercato.search.model.rerank import Affinities, RerankWeights


def index(rt: Runtime, docs: list[SearchDocument]) -> None:
    with rt.uow() as uow:
        service.index_products_in(uow, docs)
        uow.commit()


def find(rt: Runtime, query: object, **kwargs: object) -> SearchResult:
    with rt.uow(read_only=True) as uow:
        return service.search_in(uow, query, **kwargs)  # type: ignore[arg-type]


def walk(rt: Runtime, query: str, limit: int, **kwargs: object) -> list[SearchResult]:
    pages = [find(rt, query, limit=limit, **kwargs)]
    while pages[-1].next_cursor is not None:
        pages.append(find(rt, query, limit=limit, cursor=pages[-1].next_cursor, **kwargs))
    return pages


def ids(result: SearchResult) -> list[str]:
    return [hit.product_id for hit in result.hits]


# 6 red mugs (full matches of "red mug"), 5 other mugs and 4 other red things (partial), 3 unrelated goods.
MUGS = [doc(f"p-red-mug-{i}", f"Red ceramic mug {i}", "红色马克杯", price_min=(10 + i) * 100, sales=i,
            created_at=START + timedelta(days=i), store_kind="flagship" if i % 2 else "independent")
        for i in range(6)]
OTHER_MUGS = [doc(f"p-mug-{i}", f"Blue mug {i}", "蓝色马克杯", price_min=(30 + i) * 100) for i in range(5)]
RED_THINGS = [doc(f"p-red-{i}", f"Red scarf {i}", "红色围巾", vertical_id="v-fashion", price_min=60_000 + i)
              for i in range(4)]
UNRELATED = [doc(f"p-tea-{i}", f"Green tea {i}", "绿茶", vertical_id="v-food") for i in range(3)]


@pytest.fixture
def shop(rt: Runtime) -> Runtime:
    index(rt, MUGS + OTHER_MUGS + RED_THINGS + UNRELATED)
    return rt


def test_full_matches_come_before_partial_ones(shop: Runtime) -> None:
    hits = find(shop, "red mug", limit=100).hits
    assert [h.tier for h in hits] == [0] * 6 + [1] * 9
    assert {h.product_id for h in hits[:6]} == {d.product_id for d in MUGS}
    assert {h.product_id for h in hits[6:]} == {d.product_id for d in OTHER_MUGS + RED_THINGS}


@pytest.mark.parametrize("limit", [1, 4, 6, 7])
def test_relevance_pages_walk_both_tiers_without_repeats_or_gaps(shop: Runtime, limit: int) -> None:
    pages = walk(shop, "red mug", limit)
    walked = [pid for page in pages for pid in ids(page)]
    assert walked == ids(find(shop, "red mug", limit=100))
    assert len(walked) == len(set(walked)) == 15
    assert all(len(page.hits) == limit for page in pages[:-1])


def test_a_query_without_full_matches_names_what_the_best_hit_lacks_on_every_page(shop: Runtime) -> None:
    pages = walk(shop, "red zzzunknown mug", 4)
    assert [(page.dropped, page.terms) for page in pages] == [(["zzzunknown"], ["red", "mug"])] * len(pages)
    assert [pid for page in pages for pid in ids(page)] == ids(find(shop, "red zzzunknown mug", limit=100))
    assert all(hit.tier == 1 for page in pages for hit in page.hits)


def test_a_full_match_reports_nothing_dropped(shop: Runtime) -> None:
    result = find(shop, "red mug")
    assert (result.terms, result.dropped, result.relaxed) == (["red", "mug"], [], False)


@pytest.mark.parametrize(("sort", "expected"), [
    (SearchSort.PRICE_ASC, [f"p-red-mug-{i}" for i in range(6)]),
    (SearchSort.PRICE_DESC, [f"p-red-mug-{i}" for i in reversed(range(6))]),
    (SearchSort.SALES, [f"p-red-mug-{i}" for i in reversed(range(6))]),
    (SearchSort.NEWEST, [f"p-red-mug-{i}" for i in reversed(range(6))]),
])
def test_every_sort_orders_the_full_matches_and_pages_by_keyset(shop: Runtime, sort: SearchSort,
                                                                expected: list[str]) -> None:
    pages = walk(shop, "red mug", 4, sort=sort)
    assert [ids(page) for page in pages] == [expected[:4], expected[4:]]
    assert all(page.sort is sort for page in pages)


def test_ties_in_a_sort_are_broken_so_pages_neither_repeat_nor_skip(shop: Runtime) -> None:
    pages = walk(shop, "mug", 2, sort=SearchSort.SALES)
    walked = [pid for page in pages for pid in ids(page)]
    assert len(walked) == len(set(walked)) == 11


def test_a_sort_relaxes_the_rarest_term_when_nothing_matches_every_term(shop: Runtime) -> None:
    result = find(shop, "mug zzzunknown", sort=SearchSort.PRICE_ASC, limit=3)
    assert (ids(result), result.dropped) == (["p-red-mug-0", "p-red-mug-1", "p-red-mug-2"], ["zzzunknown"])
    following = find(shop, "mug zzzunknown", sort=SearchSort.PRICE_ASC, limit=3, cursor=result.next_cursor)
    assert (ids(following), following.dropped) == (["p-red-mug-3", "p-red-mug-4", "p-red-mug-5"], ["zzzunknown"])


def test_a_cursor_of_another_sort_is_refused(shop: Runtime) -> None:
    cursor = find(shop, "red mug", limit=2).next_cursor
    with pytest.raises(CursorInvalid):
        find(shop, "red mug", limit=2, cursor=cursor, sort=SearchSort.PRICE_ASC)


@pytest.mark.parametrize("cursor", ["WyJyZWxldmFuY2UiLC0xLDAsIiJd", "WyJyZWxldmFuY2UiLDk5OTk5OSwwLCIiXQ",
                                    "WyJwcmljZV9hc2MiLDEsLTEsIiJd", "WzEsMiwzXQ", "%%%"])
def test_out_of_range_and_malformed_cursors_are_refused(shop: Runtime, cursor: str) -> None:
    sort = SearchSort.PRICE_ASC if cursor.startswith("WyJwcmljZV") else SearchSort.RELEVANCE
    with pytest.raises(CursorInvalid):
        find(shop, "red mug", cursor=cursor, sort=sort)


def test_facets_count_every_full_match_with_the_filters_applied(shop: Runtime) -> None:
    facets = find(shop, "red", with_facets=True).facets
    assert facets is not None
    assert (facets.verticals, facets.store_kinds) == ([("v-digital", 6), ("v-fashion", 4)],
                                                      [("independent", 7), ("flagship", 3)])
    assert [(b.low, b.count) for b in facets.price_bands if b.count] == [(0, 6), (PRICE_BAND_EDGES[3], 4)]
    assert (facets.counted, facets.capped, facets.in_stock, facets.rating_4_up) == (10, False, 10, 0)
    narrowed = find(shop, "red", with_facets=True, filters=SearchFilters(vertical_id="v-fashion")).facets
    assert narrowed is not None and narrowed.counted == 4


def test_facets_count_up_to_the_cap_and_say_so(shop: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "FACET_CAP", 5)
    facets = find(shop, "mug", with_facets=True).facets
    assert facets is not None and (facets.counted, facets.capped) == (5, True)


def test_quality_lifts_a_best_seller_among_equal_text_matches(rt: Runtime) -> None:
    index(rt, [doc("p-a", "Steel kettle", "水壶"), doc("p-b", "Steel kettle", "水壶", sales=800, rating=480)])
    assert ids(find(rt, "steel kettle")) == ["p-b", "p-a"]


def test_the_consumers_affinity_lifts_their_store(rt: Runtime) -> None:
    index(rt, [doc("p-a", "Steel kettle", "水壶", store_id="s-a"), doc("p-b", "Steel kettle", "水壶", store_id="s-b")])
    assert ids(find(rt, "kettle")) == ["p-a", "p-b"]
    assert ids(find(rt, "kettle", affinities=Affinities(stores={"s-b": 1.0}))) == ["p-b", "p-a"]


def test_the_independent_floor_reaches_the_first_page(rt: Runtime) -> None:
    flagships = [doc(f"p-f{i}", "Steel kettle kettle", "水壶", store_kind="flagship") for i in range(9)]
    index(rt, [*flagships, doc("p-indie", "Steel kettle", "水壶", text="x " * 30)])
    top = ids(find(rt, "kettle", limit=5, weights=RerankWeights(independent_floor=0.2, block=5)))
    assert top.index("p-indie") == 4
    assert "p-indie" not in ids(find(rt, "kettle", limit=5, weights=RerankWeights(independent_floor=0.0)))
