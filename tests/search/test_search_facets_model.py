"""Facet counting and search cursors as plain values: the counts partition what was counted, the cap is said,
and a cursor survives the round trip only for its own sort and range."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.kernel.pagination import CursorInvalid, encode_cursor
from mercato.search.model import SearchSort
from mercato.search.model.facets import PRICE_BAND_EDGES, FacetRow, facet_counts, price_bands
from mercato.search.model.paging import SearchCursor, decode_search_cursor, encode_search_cursor
from mercato.search.model.params import (
    PriceRangeInvalid,
    SearchFilterInvalid,
    SearchSortInvalid,
    search_filters,
    search_sort,
)

ROWS = st.lists(st.builds(FacetRow, vertical_id=st.sampled_from(["v1", "v2", "v3"]),
                          store_kind=st.sampled_from(["flagship", "independent"]),
                          brand_id=st.none() | st.sampled_from(["b1", "b2"]), price_min=st.integers(0, 10**7),
                          rating=st.none() | st.integers(0, 500), in_stock=st.booleans()), max_size=60)


@given(ROWS, st.integers(1, 80))
def test_facet_counts_partition_the_counted_rows_and_say_when_capped(rows: list[FacetRow], cap: int) -> None:
    facets = facet_counts(rows, cap)
    assert facets.counted == min(len(rows), cap)
    assert facets.capped is (len(rows) > cap)
    for counts in (facets.verticals, facets.store_kinds):
        assert sum(n for _, n in counts) == facets.counted
    assert sum(b.count for b in facets.price_bands) == facets.counted
    assert sum(n for _, n in facets.brands) <= facets.counted
    assert 0 <= facets.rating_4_up <= facets.counted and 0 <= facets.in_stock <= facets.counted


def test_price_bands_put_each_price_below_its_upper_edge() -> None:
    bands = price_bands([0, 4_999, 5_000, 500_000, 10**9])
    assert [(b.low, b.high, b.count) for b in bands if b.count] == [
        (0, 5_000, 2), (5_000, 10_000, 1), (PRICE_BAND_EDGES[-1], None, 2)]


@given(st.sampled_from(list(SearchSort)), st.integers(0, 10_000), st.integers(0, 10**12),
       st.lists(st.sampled_from(["red", "mug", "zzz"]), unique=True))
def test_a_cursor_round_trips_for_its_own_sort(sort: SearchSort, first: int, doc: int, terms: list[str]) -> None:
    cursor = SearchCursor(sort, offset=first, after_value=first, after_doc=doc, terms=tuple(terms))
    back = decode_search_cursor(encode_search_cursor(cursor), sort, ["red", "mug", "zzz"])
    if sort is SearchSort.RELEVANCE:
        assert (back.offset, back.terms) == (first, tuple(terms))
    else:
        assert (back.after_value, back.after_doc, back.terms) == (first, doc, tuple(terms))
    others = [s for s in SearchSort if s is not sort]
    with pytest.raises(CursorInvalid):
        decode_search_cursor(encode_search_cursor(cursor), others[0], ["red"])


def test_a_cursors_terms_are_kept_only_when_they_belong_to_the_query() -> None:
    cursor = encode_cursor(["relevance", 20, 0, "red NEAR mug"])
    assert decode_search_cursor(cursor, SearchSort.RELEVANCE, ["red", "mug"]).terms == ("red", "mug")


def test_parameters_are_checked_with_stable_codes() -> None:
    assert search_sort("") is SearchSort.RELEVANCE and search_sort("price_asc") is SearchSort.PRICE_ASC
    for bad, error in [(lambda: search_sort("cheap"), SearchSortInvalid),
                       (lambda: search_filters(store_kind="outlet"), SearchFilterInvalid),
                       (lambda: search_filters(price_min=9, price_max=1), PriceRangeInvalid),
                       (lambda: search_filters(min_rating=501), SearchFilterInvalid),
                       (lambda: search_filters(vertical="a b"), SearchFilterInvalid)]:
        with pytest.raises(error):
            bad()
    assert search_filters(vertical="v1", price_min=1, price_max=1, in_stock=True).in_stock is True
