"""The search index on SQLite FTS5 and PostgreSQL full text: the same behaviour on both databases."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from search_helpers import BAD_INPUTS, CATALOG, START, doc
from sqlalchemy.engine import Engine

from mercato.kernel.pagination import CursorInvalid
from mercato.kernel.runtime import Runtime
from mercato.schema import include_object, load_all_tables
from mercato.search import service
from mercato.search.model import SearchDocument, SearchFilters, SearchResult
from mercato.search.model.query import synonym_table
from mercato.search.tables import search_documents


def index(rt: Runtime, docs: list[SearchDocument]) -> None:
    with rt.uow() as uow:
        service.index_products_in(uow, docs)
        uow.commit()


def find(rt: Runtime, query: object, **kwargs: object) -> SearchResult:
    with rt.uow(read_only=True) as uow:
        return service.search_in(uow, query, **kwargs)  # type: ignore[arg-type]


def ids(result: SearchResult) -> list[str]:
    return [hit.product_id for hit in result.hits]


@pytest.fixture
def catalog(rt: Runtime) -> Runtime:
    index(rt, CATALOG)
    return rt


def test_a_chinese_query_finds_the_chinese_titles_first_then_partial_matches(catalog: Runtime) -> None:
    hits = find(catalog, "华为手机").hits
    assert {h.product_id for h in hits[:2]} == {"p-huawei-phone", "p-huawei-case"}
    assert [(h.product_id, h.tier) for h in hits[2:]] == [("p-iphone", 1)]


def test_an_english_query_finds_english_titles_whatever_the_case_or_plural(catalog: Runtime) -> None:
    assert ids(find(catalog, "Running SHOES")) == ["p-shoes"]


def test_a_full_width_query_finds_half_width_text(catalog: Runtime) -> None:
    assert ids(find(catalog, "ｉＰｈｏｎｅ　１５")) == ["p-iphone"]


def test_the_best_match_comes_first_with_a_higher_score(catalog: Runtime) -> None:
    index(catalog, [doc("p-teapot", "Teapot", "茶壶", text="clay pot " * 20 + "tea"),
                    doc("p-tea-set", "Tea set tea cups", "茶具", text="tea")])
    hits = find(catalog, "tea").hits
    assert [h.product_id for h in hits] == ["p-tea-set", "p-tea", "p-teapot"]
    assert hits[0].score > hits[1].score > hits[2].score > 0


def test_a_delisted_product_is_never_returned(catalog: Runtime) -> None:
    index(catalog, [replace(CATALOG[0], active=False)])
    assert "p-huawei-phone" not in ids(find(catalog, "华为手机"))
    assert ids(find(catalog, "mate60")) == []


def test_a_removed_product_is_gone_from_the_index(catalog: Runtime) -> None:
    with catalog.uow() as uow:
        service.remove_products_in(uow, ["p-shoes"])
        uow.commit()
    assert ids(find(catalog, "running shoes")) == []
    with catalog.uow(read_only=True) as uow:
        assert uow.conn.execute(sa.select(sa.func.count()).select_from(search_documents)).scalar_one() == 4


def test_an_index_write_that_is_not_committed_leaves_nothing(rt: Runtime) -> None:
    with rt.uow() as uow:
        service.index_products_in(uow, CATALOG)
    assert find(rt, "华为").hits == []
    with rt.uow(read_only=True) as uow:
        assert uow.conn.execute(sa.select(sa.func.count()).select_from(search_documents)).scalar_one() == 0


def test_reindexing_a_product_replaces_its_terms(catalog: Runtime) -> None:
    index(catalog, [replace(CATALOG[3], title_en="Trail sandals", text="")])
    assert ids(find(catalog, "running shoes")) == []
    assert ids(find(catalog, "sandal")) == ["p-shoes"]


def test_filters_narrow_the_hits(catalog: Runtime) -> None:
    assert ids(find(catalog, "华为", filters=SearchFilters(price_max=10_000))) == ["p-huawei-case"]
    assert ids(find(catalog, "华为", filters=SearchFilters(store_kind="flagship", in_stock=True))) == [
        "p-huawei-phone"]
    assert ids(find(catalog, "华为", filters=SearchFilters(vertical_id="v-fashion"))) == []


def test_synonyms_find_goods_described_in_the_other_language(catalog: Runtime) -> None:
    table = synonym_table({"手机": ["phone"]})
    assert ids(find(catalog, "phone 15")) == ["p-iphone", "p-huawei-case"]
    assert set(ids(find(catalog, "手机", synonyms=table))) == {"p-huawei-phone", "p-huawei-case", "p-iphone"}


def test_a_query_that_finds_nothing_relaxes_the_rarest_term_and_says_so(catalog: Runtime) -> None:
    result = find(catalog, "running shoes zzzunknown")
    assert ids(result) == ["p-shoes"]
    assert result.dropped == ["zzzunknown"]
    assert result.relaxed is True


def test_a_query_that_matches_is_not_relaxed(catalog: Runtime) -> None:
    result = find(catalog, "running shoes")
    assert (result.relaxed, result.terms) == (False, ["running", "shoe"])


def test_cursor_pages_through_every_hit_once(catalog: Runtime) -> None:
    first = find(catalog, "华为", limit=1)
    assert first.next_cursor is not None
    second = find(catalog, "华为", limit=1, cursor=first.next_cursor)
    assert second.next_cursor is None
    assert sorted(ids(first) + ids(second)) == ["p-huawei-case", "p-huawei-phone"]


def test_a_forged_cursor_is_refused(catalog: Runtime) -> None:
    with pytest.raises(CursorInvalid):
        find(catalog, "华为", cursor="not-a-cursor")


@pytest.mark.parametrize("query", BAD_INPUTS)
def test_every_bad_input_returns_results_or_nothing_without_error(catalog: Runtime, query: str) -> None:
    result = find(catalog, query)
    assert all(hit.product_id.startswith("p-") for hit in result.hits)


def test_operator_laden_queries_still_find_their_words(catalog: Runtime) -> None:
    assert ids(find(catalog, '"running" NEAR(shoes*) -'))[:1] == ["p-shoes"]
    result = find(catalog, "华为 OR 手机 AND NOT")
    assert (set(ids(result)[:2]), ids(result)[2:], result.dropped) == ({"p-huawei-phone", "p-huawei-case"},
                                                                         ["p-iphone"], ["not"])
    assert [(h.product_id, h.tier) for h in find(catalog, "iPhone手机15").hits][:1] == [("p-iphone", 0)]


def test_an_empty_query_finds_nothing(catalog: Runtime) -> None:
    assert find(catalog, "").hits == []
    assert find(catalog, None).hits == []


def test_indexing_nothing_is_a_no_op(rt: Runtime) -> None:
    index(rt, [])
    assert find(rt, "anything").hits == []


def test_documents_keep_the_time_they_were_updated(catalog: Runtime) -> None:
    with catalog.uow(read_only=True) as uow:
        times = set(uow.conn.execute(sa.select(search_documents.c.updated_at)).scalars())
    assert times == {START}


def test_the_migrated_schema_matches_the_metadata(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        assert compare_metadata(context, load_all_tables()) == []
