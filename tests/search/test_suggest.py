"""Autocomplete and the query log on SQLite and PostgreSQL: popular queries that found something, then titles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from search_helpers import BAD_INPUTS, START, doc

from mercato.kernel.runtime import Runtime
from mercato.search import service
from mercato.search.shops_repo import QueryLogRepo
from mercato.search.suggest import KEY_MAX, Suggestion, query_key, record_query_in, suggest_in


def log(rt: Runtime, text: object, results: int, times: int = 1) -> None:
    with rt.uow() as uow:
        for i in range(times):
            record_query_in(uow, text, results, START + timedelta(seconds=i))
        uow.commit()


def suggest(rt: Runtime, prefix: object, limit: int = 8) -> list[Suggestion]:
    with rt.uow(read_only=True) as uow:
        return suggest_in(uow, prefix, limit)


def texts(found: list[Suggestion]) -> list[str]:
    return [s.text for s in found]


def logged(rt: Runtime, key: str) -> tuple[int, int] | None:
    with rt.uow(read_only=True) as uow:
        return QueryLogRepo(uow.conn).get(key)


def test_the_key_is_nfkc_lower_case_words_joined_by_single_spaces() -> None:
    assert query_key("ＩＰｈｏｎｅ  15 手机壳!") == "iphone 15 手机壳"
    assert query_key('"NEAR*" OR -x') == "near or x"
    assert query_key(None) == ""


def test_the_most_searched_queries_come_first(rt: Runtime) -> None:
    log(rt, "phone case", 12, times=3)
    log(rt, "Phone charger", 4, times=5)
    log(rt, "phonograph", 1)
    log(rt, "tea", 9, times=9)
    assert texts(suggest(rt, "pho")) == ["phone charger", "phone case", "phonograph"]
    assert [s.source for s in suggest(rt, "pho")] == ["query", "query", "query"]


def test_a_chinese_prefix_finds_chinese_queries(rt: Runtime) -> None:
    log(rt, "华为手机", 3, times=2)
    log(rt, "华为 手表", 2)
    log(rt, "手机壳", 8)
    assert texts(suggest(rt, "华为")) == ["华为手机", "华为 手表"]


def test_a_full_width_prefix_finds_half_width_queries(rt: Runtime) -> None:
    log(rt, "iphone 15", 3)
    assert texts(suggest(rt, "ＩＰＨ")) == ["iphone 15"]


def test_queries_that_found_nothing_are_never_suggested(rt: Runtime) -> None:
    log(rt, "zeppelin parts", 0, times=50)
    log(rt, "zebra toy", 2)
    assert texts(suggest(rt, "ze")) == ["zebra toy"]


def test_a_query_stops_being_suggested_when_its_last_search_found_nothing(rt: Runtime) -> None:
    log(rt, "kite", 5, times=3)
    log(rt, "kite", 0)
    assert texts(suggest(rt, "ki")) == []
    assert logged(rt, "kite") == (4, 0)


def test_each_call_counts_exactly_one_search(rt: Runtime) -> None:
    log(rt, "tea", 10**9)
    log(rt, "TEA", -5)
    assert logged(rt, "tea") == (2, 0)


def test_a_query_longer_than_the_cap_is_not_logged(rt: Runtime) -> None:
    with rt.uow() as uow:
        assert record_query_in(uow, "x" * (KEY_MAX + 1), 3, START) is False
        assert record_query_in(uow, "x" * KEY_MAX, 3, START) is True
        assert record_query_in(uow, "  !!! ", 3, START) is False
        uow.commit()
    assert logged(rt, "x" * (KEY_MAX + 1)) is None
    assert logged(rt, "x" * KEY_MAX) == (1, 3)


def test_titles_fill_up_when_few_queries_match(rt: Runtime) -> None:
    with rt.uow() as uow:
        service.index_products_in(uow, [doc("p-1", "Phone stand", "手机支架", sales=5),
                                        doc("p-2", "Phone holder for cars", "车载手机支架", sales=50),
                                        doc("p-3", "Phonics book", "拼读书", active=False)])
        uow.commit()
    log(rt, "phone case", 3)
    found = suggest(rt, "phon")
    assert [(s.text, s.source) for s in found] == [("phone case", "query"), ("Phone holder for cars", "title"),
                                                   ("Phone stand", "title")]


def test_chinese_typing_gets_chinese_titles(rt: Runtime) -> None:
    with rt.uow() as uow:
        service.index_products_in(uow, [doc("p-1", "Phone stand", "手机支架", sales=5)])
        uow.commit()
    assert texts(suggest(rt, "手机")) == ["手机支架"]


def test_the_limit_is_kept_and_capped_at_ten(rt: Runtime) -> None:
    with rt.uow() as uow:
        for i in range(15):
            record_query_in(uow, f"lamp {i:02d}", 1, START)
        uow.commit()
    assert len(suggest(rt, "lamp", limit=3)) == 3
    assert len(suggest(rt, "lamp", limit=50)) == 10


@pytest.mark.parametrize("query", BAD_INPUTS)
def test_bad_input_never_errors(rt: Runtime, query: str) -> None:
    log(rt, query, 1)
    assert all(s.source in {"query", "title"} for s in suggest(rt, query))


def test_a_broad_prefix_walks_the_most_searched_queries_with_ties_later_key_first(rt: Runtime) -> None:
    with rt.uow() as uow:
        for i in range(320):  # more than the narrow probe reads, so the popularity index answers
            record_query_in(uow, f"lamp {i:03d}", 1, START)
        for _ in range(4):
            record_query_in(uow, "lamp 007", 2, START)
            record_query_in(uow, "lamp shade", 0, START)  # found nothing: never suggested, however popular
        for _ in range(2):
            record_query_in(uow, "lamp 300", 2, START)
        uow.commit()
    assert texts(suggest(rt, "la", limit=4)) == ["lamp 007", "lamp 300", "lamp 319", "lamp 318"]


def test_a_narrow_prefix_breaks_ties_the_same_way(rt: Runtime) -> None:
    for text in ("kettle", "kettle black", "kettle blue"):
        log(rt, text, 1)
    log(rt, "kettle", 1)
    assert texts(suggest(rt, "ket")) == ["kettle", "kettle blue", "kettle black"]
