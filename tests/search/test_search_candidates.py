"""The bounds that keep a common term's query fast, on both databases: relevance scores at most `candidates` goods
per tier and says so, relaxation orders terms by capped document frequencies, and the batch upsert (one statement
over many rows) writes what indexing one document at a time writes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from search_helpers import doc

from mercato.kernel.runtime import Runtime
from mercato.search import service
from mercato.search.model import SearchDocument, SearchFilters, SearchResult, SearchSort
from mercato.search.model.query import synonym_table
from mercato.search.repo import Match, backend_for
from mercato.search.tables import search_documents

# Five goods hold "tea", indexed in this order; the first three say it 3, 1 and 2 times.
TEAS = [doc("p-tea-3", "tea tea tea", "茶"), doc("p-tea-1", "tea", "茶"), doc("p-tea-2", "tea tea", "茶"),
        doc("p-tea-4", "tea tea tea tea", "茶"), doc("p-tea-5", "tea tea tea tea tea", "茶")]


def index(rt: Runtime, docs: list[SearchDocument]) -> None:
    for one in docs:  # one transaction each, so the index order is the list's order on both databases
        with rt.uow() as uow:
            service.index_products_in(uow, [one])
            uow.commit()


def find(rt: Runtime, query: str, **kwargs: Any) -> SearchResult:
    with rt.uow(read_only=True) as uow:
        return service.search_in(uow, query, **kwargs)


def ids(result: SearchResult) -> list[str]:
    return [hit.product_id for hit in result.hits]


def ranked_candidates(rt: Runtime, chosen: list[str], first_indexed: list[str]) -> None:
    """`chosen` is a capped tier's whole result: `cap` distinct goods, best (most "tea") first. On SQLite they are
    the first indexed (FTS5 walks rowids in order); PostgreSQL's bitmap scan walks the heap, whose order follows
    free space rather than insertion once earlier rows were deleted, so there only their number and order count."""
    assert len(set(chosen)) == len(chosen) == len(first_indexed)
    assert chosen == sorted(chosen, key=lambda pid: -int(pid.rsplit("-", 1)[1]))
    if rt.database == "sqlite":
        assert sorted(chosen) == sorted(first_indexed)


def test_a_term_with_more_matches_than_the_cap_ranks_the_first_indexed_ones_and_says_it_was_capped(
        rt: Runtime) -> None:
    index(rt, TEAS)
    result = find(rt, "tea", candidates=3)
    ranked_candidates(rt, ids(result), ["p-tea-3", "p-tea-2", "p-tea-1"])
    assert result.capped is True


def test_a_term_with_exactly_as_many_matches_as_the_cap_is_ranked_whole_and_not_capped(rt: Runtime) -> None:
    index(rt, TEAS[:3])
    result = find(rt, "tea", candidates=3)
    assert ids(result) == ["p-tea-3", "p-tea-2", "p-tea-1"]
    assert result.capped is False


def test_without_a_small_cap_every_match_is_ranked(rt: Runtime) -> None:
    index(rt, TEAS)
    result = find(rt, "tea")
    assert ids(result) == ["p-tea-5", "p-tea-4", "p-tea-3", "p-tea-2", "p-tea-1"]
    assert result.capped is False


def test_the_cap_counts_only_served_goods(rt: Runtime) -> None:
    index(rt, [replace(TEAS[0], active=False), *TEAS[1:4]])
    result = find(rt, "tea", candidates=3)
    assert ids(result) == ["p-tea-4", "p-tea-2", "p-tea-1"]
    assert result.capped is False


def test_the_pages_of_a_capped_tier_end_at_the_cap(rt: Runtime) -> None:
    index(rt, TEAS)
    first = find(rt, "tea", candidates=3, limit=2)
    second = find(rt, "tea", candidates=3, limit=2, cursor=first.next_cursor)
    assert (len(ids(first)), len(ids(second))) == (2, 1)
    ranked_candidates(rt, ids(first) + ids(second), ["p-tea-3", "p-tea-2", "p-tea-1"])
    assert second.next_cursor is None


def test_the_partial_matches_follow_a_capped_first_tier(rt: Runtime) -> None:
    index(rt, [*TEAS[:3], doc("p-cup", "cup", "杯"), doc("p-tea-cup", "tea cup", "茶杯")])
    result = find(rt, "tea cup", candidates=1)
    assert ids(result)[0] == "p-tea-cup"
    partial = ids(result)[1:]  # one of the 4 partial matches: on SQLite the first indexed (see ranked_candidates)
    assert len(partial) == 1 and partial[0] in {"p-tea-3", "p-tea-1", "p-tea-2", "p-cup"}
    if rt.database == "sqlite":
        assert partial == ["p-tea-3"]
    assert [h.tier for h in result.hits] == [0, 1]
    assert result.capped is True


def test_capped_partial_matches_are_the_goods_holding_the_rarest_terms_not_the_first_indexed(rt: Runtime) -> None:
    index(rt, [doc("p-cup-1", "cup", "杯"), doc("p-cup-2", "cup", "杯"), doc("p-cup-3", "cup", "杯"),
               doc("p-saucer", "saucer", "碟")])
    capped = find(rt, "cup saucer", candidates=2)
    whole = find(rt, "cup saucer", candidates=4)
    assert (ids(capped), capped.capped, capped.terms, capped.dropped) == (["p-saucer"], True, ["saucer"], ["cup"])
    assert (sorted(ids(whole)), whole.capped) == (["p-cup-1", "p-cup-2", "p-cup-3", "p-saucer"], False)


def test_a_term_no_good_holds_does_not_take_the_place_of_the_rarest_held_term(rt: Runtime) -> None:
    index(rt, [doc("p-cup-1", "cup", "杯"), doc("p-cup-2", "cup", "杯"), doc("p-cup-3", "cup", "杯"),
               doc("p-saucer", "saucer", "碟")])
    result = find(rt, "cup saucer zzzz", candidates=2)
    assert (ids(result), result.capped) == (["p-saucer"], True)


def test_a_capped_count_stops_at_the_cap_and_an_uncapped_one_counts_all(rt: Runtime) -> None:
    index(rt, TEAS)
    with rt.uow(read_only=True) as uow:
        backend = backend_for(uow.conn)
        counts = (backend.count([["tea"]], SearchFilters(), 2), backend.count([["tea"]], SearchFilters()),
                  backend.exists([["tea"]], SearchFilters()), backend.exists([["coffee"]], SearchFilters()))
    assert counts == (2, 5, True, False)


def test_a_capped_top_page_reports_the_cap_only_when_more_matched(rt: Runtime) -> None:
    index(rt, TEAS)
    with rt.uow(read_only=True) as uow:
        backend = backend_for(uow.conn)
        pages = [backend.top(Match([["tea"]]), SearchFilters(), 2, 0, cap) for cap in (4, 5, None)]
    assert [([h.product_id for h in p.hits], p.capped) for p in pages] == [
        (["p-tea-4", "p-tea-3"], True), (["p-tea-5", "p-tea-4"], False), (["p-tea-5", "p-tea-4"], False)]


def test_relaxation_with_capped_frequencies_still_drops_the_rarest_term(rt: Runtime) -> None:
    index(rt, [*TEAS, doc("p-green", "green", "绿")])
    result = find(rt, "green tea", sort=SearchSort.SALES)
    assert (result.terms, result.dropped) == (["tea"], ["green"])


def _rows(rt: Runtime) -> dict[str, dict[str, Any]]:
    columns = [c for c in search_documents.c if c.name not in ("updated_at", "created_at")]
    with rt.uow(read_only=True) as uow:
        return {row.product_id: dict(row._mapping) for row in uow.conn.execute(sa.select(*columns))}


def test_a_batch_upsert_writes_what_upserting_one_document_at_a_time_writes(rt: Runtime) -> None:
    docs = [*TEAS, doc("p-cup", "Cup", "杯子", brand_id="b-1", rating=450, sales=7, in_stock=False,
                      service_score=480, text="porcelain")]
    index(rt, docs)
    one_by_one = _rows(rt)
    with rt.uow() as uow:
        service.remove_products_in(uow, [d.product_id for d in docs])
        service.index_products_in(uow, docs)
        uow.commit()
    batch = _rows(rt)
    assert {pid: {k: v for k, v in row.items() if k != "doc_id"} for pid, row in batch.items()} == {
        pid: {k: v for k, v in row.items() if k != "doc_id"} for pid, row in one_by_one.items()}
    assert batch["p-cup"]["tokens"] == "cup 杯子 porcelain"


def test_a_batch_upsert_replaces_existing_documents_in_place_keeping_the_kept_columns(rt: Runtime) -> None:
    index(rt, TEAS[:2])
    before = _rows(rt)
    with rt.uow() as uow:
        backend_for(uow.conn).upsert([service.document_row(replace(TEAS[0], title_en="green tea", sales=99)),
                                      service.document_row(TEAS[2])], keep=("sales",))
        uow.commit()
    after = _rows(rt)
    assert after["p-tea-3"]["doc_id"] == before["p-tea-3"]["doc_id"]
    assert (after["p-tea-3"]["title_en"], after["p-tea-3"]["sales"]) == ("green tea", 0)
    assert sorted(after) == ["p-tea-1", "p-tea-2", "p-tea-3"]
    assert ids(find(rt, "green")) == ["p-tea-3"]


def test_a_query_no_indexed_good_holds_any_term_of_finds_nothing_and_drops_nothing(rt: Runtime) -> None:
    index(rt, TEAS)
    for sort in (SearchSort.RELEVANCE, SearchSort.SALES):
        result = find(rt, "coffee mug", sort=sort, with_facets=True)
        assert (ids(result), result.terms, result.dropped, result.next_cursor) == ([], ["coffee", "mug"], [], None)
        assert result.facets is not None and (result.facets.counted, result.facets.capped) == (0, False)


def test_a_synonym_held_by_the_index_keeps_a_query_of_unheld_terms_searching(rt: Runtime) -> None:
    index(rt, TEAS)
    result = find(rt, "chai mug", synonyms=synonym_table({"chai": ["tea"]}))
    assert sorted(ids(result)) == ["p-tea-1", "p-tea-2", "p-tea-3", "p-tea-4", "p-tea-5"]
    assert (result.terms, result.dropped) == (["chai"], ["mug"])


def test_the_vocabulary_holds_the_terms_of_inactive_goods_too(rt: Runtime) -> None:
    index(rt, [replace(TEAS[0], active=False)])
    with rt.uow(read_only=True) as uow:
        backend = backend_for(uow.conn)
        held = (backend.holds_any(["tea", "mug"]), backend.holds_any(["mug", "cup"]), backend.holds_any(['"']))
    assert held == (True, False, False)
