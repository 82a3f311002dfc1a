"""The operator's synonym table: validation with stable codes, audit entries, the analysed mapping and its cache,
the operator-only API; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from search_helpers import CATALOG

from mercato.audit.tables import audit_log
from mercato.kernel.errors import AccessDenied, DomainError
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.search import service, synonyms
from mercato.search.synonyms import (
    SynonymAlternativeRepeated,
    SynonymAlternativesEmpty,
    SynonymAlternativesTooMany,
    SynonymDuplicate,
    SynonymNotFound,
    SynonymNotOneTerm,
    SynonymSelfReference,
    SynonymWordEmpty,
    SynonymWordTooLong,
    analysed_table,
    check_entry,
)
from mercato.search.tables_shops import search_synonyms
from support import bearer, person


@pytest.fixture
def ops(rt: Runtime) -> Principal:
    return person(rt, "ops@example.com", operator=True)


def rows(rt: Runtime) -> list[tuple[str, list[str]]]:
    with rt.uow(read_only=True) as uow:
        return [(r.word, r.alternatives) for r in uow.conn.execute(
            sa.select(search_synonyms).order_by(search_synonyms.c.word))]


def actions(rt: Runtime) -> list[str]:
    with rt.uow(read_only=True) as uow:
        return list(uow.conn.execute(sa.select(audit_log.c.action).where(audit_log.c.action.like("search.%"))
                                     .order_by(audit_log.c.action)).scalars())


def mapping(rt: Runtime) -> dict[str, list[str]]:
    with rt.uow(read_only=True) as uow:
        return {k: list(v) for k, v in synonyms.synonyms_in(uow).items()}


def test_words_are_normalised_and_analysed_as_search_terms() -> None:
    assert check_entry("  Sneakers ", ["Trainers", "运动鞋"]) == ("sneakers", ("trainers", "运动鞋"))
    assert analysed_table([("sneakers", ["trainers", "运动鞋"])]) == {
        "sneaker": ["trainer", "运动鞋"], "trainer": ["sneaker", "运动鞋"], "运动鞋": ["sneaker", "trainer"]}


@pytest.mark.parametrize(("word", "alternatives", "error"), [
    ("", ["phone"], SynonymWordEmpty),
    ("  !!! ", ["phone"], SynonymWordEmpty),
    ("the", ["phone"], SynonymWordEmpty),
    ("x" * 41, ["phone"], SynonymWordTooLong),
    ("mobile", ["x" * 41], SynonymWordTooLong),
    ("running shoes", ["sneakers"], SynonymNotOneTerm),
    ("mobile", [], SynonymAlternativesEmpty),
    ("mobile", "phone", SynonymAlternativesEmpty),
    ("mobile", ["  "], SynonymAlternativesEmpty),
    ("mobile", [f"w{i}" for i in range(21)], SynonymAlternativesTooMany),
    ("mobile", ["Mobile"], SynonymSelfReference),
    ("phones", ["phone"], SynonymSelfReference),
    ("mobile", ["phone", "PHONE"], SynonymAlternativeRepeated),
    ("mobile", [42], SynonymWordEmpty),
])
def test_a_bad_entry_is_refused_with_its_code_and_nothing_changes(
        rt: Runtime, ops: Principal, word: str, alternatives: Any, error: type[DomainError]) -> None:
    with pytest.raises(error):
        synonyms.add_synonym(rt, ops, word, alternatives)
    assert rows(rt) == [] and actions(rt) == []


def test_an_operator_adds_edits_and_deletes_an_entry_and_each_is_audited(rt: Runtime, ops: Principal) -> None:
    entry = synonyms.add_synonym(rt, ops, "Mobile", ["phone", "手机"])
    assert rows(rt) == [("mobile", ["phone", "手机"])]
    synonyms.update_synonym(rt, ops, entry.id, "cellphone", ["phone"])
    assert rows(rt) == [("cellphone", ["phone"])]
    synonyms.delete_synonym(rt, ops, entry.id)
    assert rows(rt) == []
    assert sorted(actions(rt)) == ["search.synonym_add", "search.synonym_delete", "search.synonym_edit"]


def test_a_word_that_already_has_an_entry_is_a_duplicate(rt: Runtime, ops: Principal) -> None:
    synonyms.add_synonym(rt, ops, "mobile", ["phone"])
    other = synonyms.add_synonym(rt, ops, "tee", ["tshirt"])
    with pytest.raises(SynonymDuplicate):
        synonyms.add_synonym(rt, ops, "MOBILE", ["cell"])
    with pytest.raises(SynonymDuplicate):
        synonyms.update_synonym(rt, ops, other.id, "mobile", ["cell"])
    assert rows(rt) == [("mobile", ["phone"]), ("tee", ["tshirt"])]


def test_an_unknown_entry_is_not_found(rt: Runtime, ops: Principal) -> None:
    with pytest.raises(SynonymNotFound):
        synonyms.delete_synonym(rt, ops, "01JUNKNOWN0000000000000000")


def test_only_an_operator_may_edit(rt: Runtime) -> None:
    shopper = person(rt, "shopper@example.com")
    with pytest.raises(AccessDenied):
        synonyms.add_synonym(rt, shopper, "mobile", ["phone"])
    assert rows(rt) == []


def test_an_edit_reaches_the_cached_mapping_on_the_next_search(rt: Runtime, ops: Principal) -> None:
    assert mapping(rt) == {}
    entry = synonyms.add_synonym(rt, ops, "mobile", ["phone"])
    assert mapping(rt) == {"mobile": ["phone"], "phone": ["mobile"]}
    synonyms.update_synonym(rt, ops, entry.id, "mobile", ["cell"])
    assert mapping(rt) == {"mobile": ["cell"], "cell": ["mobile"]}
    synonyms.delete_synonym(rt, ops, entry.id)
    assert mapping(rt) == {}


def test_product_search_finds_goods_by_a_synonym(rt: Runtime, ops: Principal) -> None:
    with rt.uow() as uow:
        service.index_products_in(uow, CATALOG)
        uow.commit()
    synonyms.add_synonym(rt, ops, "cellphone", ["smartphone"])
    with rt.uow(read_only=True) as uow:
        found = service.search_in(uow, "cellphone", synonyms=synonyms.synonyms_in(uow))
    assert [h.product_id for h in found.hits] == ["p-huawei-phone"]


def test_the_api_is_for_operators_and_answers_rule_breaks_with_their_code(rt: Runtime, client: TestClient,
                                                                          ops: Principal) -> None:
    shopper = bearer(rt, person(rt, "shopper@example.com"))
    operator = bearer(rt, ops)
    assert client.get("/api/v1/ops/search/synonyms").status_code == 401
    assert client.post("/api/v1/ops/search/synonyms", json={"word": "a", "alternatives": ["b"]},
                       headers=shopper).status_code == 403
    refused = client.post("/api/v1/ops/search/synonyms", json={"word": "mobile", "alternatives": ["Mobile"]},
                          headers=operator)
    assert (refused.status_code, refused.json()["code"]) == (400, "synonym_self_reference")
    made = client.post("/api/v1/ops/search/synonyms", json={"word": "Mobile", "alternatives": ["phone"]},
                       headers=operator)
    assert made.status_code == 201 and made.json()["word"] == "mobile"
    again = client.post("/api/v1/ops/search/synonyms", json={"word": "mobile", "alternatives": ["cell"]},
                        headers=operator)
    assert (again.status_code, again.json()["code"]) == (409, "synonym_duplicate")
    entry_id = made.json()["id"]
    edited = client.put(f"/api/v1/ops/search/synonyms/{entry_id}", json={"word": "mobile", "alternatives": ["cell"]},
                        headers=operator)
    assert edited.json()["alternatives"] == ["cell"]
    listed = client.get("/api/v1/ops/search/synonyms", headers=operator).json()["items"]
    assert [(e["word"], e["alternatives"]) for e in listed] == [("mobile", ["cell"])]
    assert client.delete(f"/api/v1/ops/search/synonyms/{entry_id}", headers=operator).status_code == 204
    gone = client.delete(f"/api/v1/ops/search/synonyms/{entry_id}", headers=operator)
    assert (gone.status_code, gone.json()["code"]) == (404, "synonym_not_found")


def test_an_edit_made_by_another_process_is_seen_through_the_version_stamp(rt: Runtime, ops: Principal) -> None:
    from mercato.search.shops_repo import SynonymRepo

    synonyms.add_synonym(rt, ops, "mobile", ["phone"])
    assert mapping(rt) == {"mobile": ["phone"], "phone": ["mobile"]}  # cached in this process now
    with rt.uow() as uow:  # what another process's edit leaves behind: new rows and a new stamp
        repo = SynonymRepo(uow.conn)
        repo.insert("01JANOTHERPROCESS000000000", "sofa", ["couch"], rt.clock.now())
        repo.renew_version("01JANOTHERPROCESSSTAMP0000")
        uow.commit()
    assert mapping(rt) == {"mobile": ["phone"], "phone": ["mobile"], "sofa": ["couch"], "couch": ["sofa"]}
