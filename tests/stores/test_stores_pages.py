"""The stores pages through the whole app: guards, the apply form, the workbench, the operator's forms."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from stores_helpers import csrf_from, independent_draft, log_in, open_store, person, snapshot

from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import service as stores
from mercato.stores.model import ApplicationStatus, BrandView, StoreStatus, StoreView

APPLY_FORM = {"kind": "independent", "slug": "tea-house", "name_en": "Tea House", "name_zh": "茶馆",
              "description": "Leaf tea", "contact_phone": "138 0013 8000", "owner_legal_name": "Li Wei",
              "owner_id_number": "11010519491231002X"}


@pytest.fixture
def store(rt: Runtime, operator: Principal, applicant: Principal) -> StoreView:
    return open_store(rt, operator, applicant, independent_draft())


@pytest.mark.parametrize("path", ["/apply", "/merchant", "/ops/applications", "/ops/stores", "/ops/brands"])
def test_anonymous_visitors_are_sent_to_log_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


@pytest.mark.parametrize("path", ["/ops/applications", "/ops/stores", "/ops/brands"])
def test_operator_pages_refuse_other_people(client: TestClient, rt: Runtime, applicant: Principal,
                                            path: str) -> None:
    log_in(client, rt, applicant)
    assert client.get(path).status_code == 403


def test_a_consumer_applies_through_the_form(client: TestClient, rt: Runtime, applicant: Principal,
                                             brand: BrandView) -> None:
    log_in(client, rt, applicant)
    page = client.get("/apply")
    assert page.status_code == 200
    assert 'data-testid="apply-form"' in page.text
    assert brand.name_en in page.text
    response = client.post("/apply", data={**APPLY_FORM, "csrf_token": csrf_from(page.text)},
                           follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/merchant?done=applied")
    home = client.get("/merchant")
    assert 'data-testid="my-application-row"' in home.text
    assert 'data-status="pending"' in home.text
    [application] = stores.my_applications(rt, applicant)
    assert (application.slug, application.contact_phone) == ("tea-house", "13800138000")


def test_an_invalid_application_re_renders_the_form_with_the_error(client: TestClient, rt: Runtime,
                                                                   applicant: Principal) -> None:
    log_in(client, rt, applicant)
    csrf = csrf_from(client.get("/apply").text)
    before = snapshot(rt)
    response = client.post("/apply", data={**APPLY_FORM, "slug": "admin", "csrf_token": csrf})
    assert response.status_code == 400
    assert 'data-error-code="slug_reserved"' in response.text
    assert 'role="alert"' in response.text
    assert 'value="Tea House"' in response.text
    assert "11010519491231002X" not in response.text
    bad_date = client.post("/apply", data={**APPLY_FORM, "kind": "flagship", "authorisation_until": "soon",
                                           "csrf_token": csrf})
    assert bad_date.status_code == 400
    assert snapshot(rt) == before


def test_a_form_without_the_csrf_token_is_refused(client: TestClient, rt: Runtime, applicant: Principal) -> None:
    log_in(client, rt, applicant)
    client.get("/apply")
    before = snapshot(rt)
    assert client.post("/apply", data=APPLY_FORM).status_code == 403
    assert snapshot(rt) == before


def test_an_operator_approves_an_application_through_the_form(client: TestClient, rt: Runtime,
                                                              operator: Principal, applicant: Principal) -> None:
    application = stores.apply_for_store(rt, applicant, independent_draft())
    log_in(client, rt, operator)
    queue = client.get("/ops/applications")
    assert f'data-application-id="{application.id}"' in queue.text
    assert 'data-testid="approve-button"' in queue.text
    assert "002X" in queue.text
    response = client.post(f"/ops/applications/{application.id}/approve",
                           data={"csrf_token": csrf_from(queue.text)}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/ops/applications?done=approved")
    assert stores.get_application(rt, operator, application.id).status is ApplicationStatus.APPROVED
    assert [m.store.slug for m in stores.my_stores(rt, applicant)] == ["tea-house"]
    again = client.post(f"/ops/applications/{application.id}/approve", data={"csrf_token": csrf_from(queue.text)})
    assert again.status_code == 409
    assert 'role="alert"' in again.text


def test_rejecting_without_a_reason_re_renders_the_queue(client: TestClient, rt: Runtime, operator: Principal,
                                                         applicant: Principal) -> None:
    application = stores.apply_for_store(rt, applicant, independent_draft())
    log_in(client, rt, operator)
    csrf = csrf_from(client.get("/ops/applications").text)
    response = client.post(f"/ops/applications/{application.id}/reject", data={"csrf_token": csrf, "reason": ""})
    assert response.status_code == 400
    assert 'data-testid="ops-applications"' in response.text
    assert stores.get_application(rt, operator, application.id).status is ApplicationStatus.PENDING
    client.post(f"/ops/applications/{application.id}/reject", data={"csrf_token": csrf, "reason": "blurry"})
    assert stores.get_application(rt, operator, application.id).decision_reason == "blurry"


def test_an_operator_suspends_and_reinstates_from_the_store_list(client: TestClient, rt: Runtime,
                                                                 operator: Principal, store: StoreView) -> None:
    log_in(client, rt, operator)
    page = client.get("/ops/stores")
    assert f'data-store-id="{store.id}"' in page.text
    csrf = csrf_from(page.text)
    client.post(f"/ops/stores/{store.id}/suspend", data={"csrf_token": csrf, "reason": "fakes"})
    assert stores.get_store(rt, store.id).status is StoreStatus.SUSPENDED
    assert 'data-status="suspended"' in client.get("/ops/stores?status=suspended").text
    client.post(f"/ops/stores/{store.id}/reinstate", data={"csrf_token": csrf})
    assert stores.get_store(rt, store.id).status is StoreStatus.ACTIVE


def test_an_operator_creates_and_protects_brands(client: TestClient, rt: Runtime, operator: Principal) -> None:
    log_in(client, rt, operator)
    csrf = csrf_from(client.get("/ops/brands").text)
    created = client.post("/ops/brands", data={"csrf_token": csrf, "slug": "north-peak", "name_en": "North Peak",
                                               "name_zh": "北峰"}, follow_redirects=False)
    assert created.status_code == 303
    [brand] = [b for b in stores.list_brands(rt, "north-peak") if b.slug == "north-peak"]
    assert brand.protected is False
    client.post(f"/ops/brands/{brand.id}", data={"csrf_token": csrf, "name_en": "North Peak", "name_zh": "北峰",
                                                 "protected": "on"})
    assert stores.get_brand(rt, brand.id).protected is True
    duplicate = client.post("/ops/brands", data={"csrf_token": csrf, "slug": "north-peak", "name_en": "Again"})
    assert duplicate.status_code == 409
    assert 'data-error-code="slug_taken"' in duplicate.text


def test_the_workbench_lists_my_stores_and_links_to_each(client: TestClient, rt: Runtime, applicant: Principal,
                                                         store: StoreView) -> None:
    log_in(client, rt, applicant)
    home = client.get("/merchant")
    assert f'href="/merchant/stores/{store.id}"' in home.text
    profile = client.get(f"/merchant/stores/{store.id}")
    assert profile.status_code == 200
    for link in ("", "/staff", "/products", "/stock"):
        assert f'href="/merchant/stores/{store.id}{link}"' in profile.text


def test_the_owner_edits_the_profile_and_tags_through_the_forms(client: TestClient, rt: Runtime,
                                                                applicant: Principal, store: StoreView) -> None:
    log_in(client, rt, applicant)
    csrf = csrf_from(client.get(f"/merchant/stores/{store.id}").text)
    form = {"csrf_token": csrf, "name_en": "Tea House", "name_zh": "老茶馆", "description_en": "Leaf tea",
            "description_zh": "", "logo_url": ""}
    saved = client.post(f"/merchant/stores/{store.id}", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert stores.get_store(rt, store.id).name_zh == "老茶馆"
    bad = client.post(f"/merchant/stores/{store.id}", data={**form, "logo_url": "javascript:x"})
    assert bad.status_code == 400
    assert 'data-error-code="image_url_invalid"' in bad.text
    client.post(f"/merchant/stores/{store.id}/tags", data={"csrf_token": csrf, "tags": "Tea, fujian ,tea"})
    assert stores.get_store(rt, store.id).tags == ("fujian", "tea")


def test_the_owner_adds_and_removes_staff_through_the_forms(client: TestClient, rt: Runtime,
                                                            applicant: Principal, store: StoreView) -> None:
    clerk = person(rt, "clerk@example.com", name="Clerk")
    log_in(client, rt, applicant)
    csrf = csrf_from(client.get(f"/merchant/stores/{store.id}/staff").text)
    url = f"/merchant/stores/{store.id}/staff"
    client.post(url, data={"csrf_token": csrf, "email": "clerk@example.com", "permissions": ["stock", "orders"]})
    [_, member] = stores.list_staff(rt, applicant, store.id)
    assert (member.user_id, {p.value for p in member.permissions}) == (clerk.user_id, {"stock", "orders"})
    unknown = client.post(url, data={"csrf_token": csrf, "email": "nobody@example.com"})
    assert unknown.status_code == 400
    assert 'data-error-code="user_unknown"' in unknown.text
    page = client.get(url)
    assert page.text.count('data-testid="staff-row"') == 2
    assert page.text.count('name="permissions" value="stock" checked') == 1
    assert page.text.count('name="permissions" value="products" >') == 1
    client.post(f"{url}/{clerk.user_id}/remove", data={"csrf_token": csrf})
    assert [m.user_id for m in stores.list_staff(rt, applicant, store.id)] == [applicant.user_id]


def test_a_stranger_gets_not_found_for_someone_elses_workbench(client: TestClient, rt: Runtime,
                                                               stranger: Principal, store: StoreView) -> None:
    log_in(client, rt, stranger)
    assert client.get(f"/merchant/stores/{store.id}").status_code == 404
    assert client.get(f"/merchant/stores/{store.id}/staff").status_code == 404
