"""The operator's synonym page over HTTP: who may open it, CSRF, add, edit, delete, and refusals with their code."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.search import synonyms
from support import csrf_from, log_in, person


@pytest.fixture
def ops(rt: Runtime) -> Principal:
    return person(rt, "ops@example.com", operator=True)


def words(rt: Runtime, ops: Principal) -> list[tuple[str, tuple[str, ...]]]:
    return [(e.word, e.alternatives) for e in synonyms.list_synonyms(rt, ops)]


def test_anonymous_visitors_are_sent_to_log_in(client: TestClient) -> None:
    response = client.get("/ops/search/synonyms", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login?next=/ops/search/synonyms")


def test_the_page_refuses_people_who_are_not_operators(client: TestClient, rt: Runtime) -> None:
    log_in(client, rt, person(rt, "shopper@example.com"))
    assert client.get("/ops/search/synonyms").status_code == 403


def test_an_operator_adds_edits_and_deletes_synonyms(client: TestClient, rt: Runtime, ops: Principal) -> None:
    log_in(client, rt, ops)
    csrf = csrf_from(client.get("/ops/search/synonyms").text)
    added = client.post("/ops/search/synonyms", data={"csrf_token": csrf, "word": "Mobile",
                                                      "alternatives": "phone，手机"}, follow_redirects=False)
    assert (added.status_code, added.headers["location"]) == (303, "/ops/search/synonyms?done=added")
    assert words(rt, ops) == [("mobile", ("phone", "手机"))]
    page = client.get("/ops/search/synonyms?done=added").text
    assert 'data-word="mobile"' in page and 'value="phone, 手机"' in page
    [entry] = synonyms.list_synonyms(rt, ops)
    client.post(f"/ops/search/synonyms/{entry.id}", data={"csrf_token": csrf, "word": "mobile", "alternatives": "cell"})
    assert words(rt, ops) == [("mobile", ("cell",))]
    client.post(f"/ops/search/synonyms/{entry.id}/delete", data={"csrf_token": csrf})
    assert words(rt, ops) == []


def test_a_refused_entry_shows_its_code_and_keeps_what_was_typed(client: TestClient, rt: Runtime,
                                                                 ops: Principal) -> None:
    log_in(client, rt, ops)
    csrf = csrf_from(client.get("/ops/search/synonyms").text)
    refused = client.post("/ops/search/synonyms", data={"csrf_token": csrf, "word": "phone", "alternatives": "Phones"})
    assert refused.status_code == 400
    assert 'data-error-code="synonym_self_reference"' in refused.text and 'value="Phones"' in refused.text
    assert words(rt, ops) == []


def test_a_form_without_its_csrf_token_changes_nothing(client: TestClient, rt: Runtime, ops: Principal) -> None:
    log_in(client, rt, ops)
    response = client.post("/ops/search/synonyms", data={"word": "mobile", "alternatives": "phone"})
    assert response.status_code == 403
    assert words(rt, ops) == []
