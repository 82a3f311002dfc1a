"""The stores API through the whole app: exact statuses and problem codes, and on every refusal no row changed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from stores_helpers import (
    APPLICATION_BODY,
    bearer,
    flagship_draft,
    independent_draft,
    open_store,
    person,
    snapshot,
)

from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import service as stores
from mercato.stores.model import BrandView, StoreView

Headers = dict[str, str]


@pytest.fixture
def store(rt: Runtime, operator: Principal, applicant: Principal) -> StoreView:
    return open_store(rt, operator, applicant, independent_draft())


@pytest.fixture
def owner_h(rt: Runtime, applicant: Principal) -> Headers:
    return bearer(rt, applicant)


@pytest.fixture
def ops_h(rt: Runtime, operator: Principal) -> Headers:
    return bearer(rt, operator)


@pytest.fixture
def stranger_h(rt: Runtime, stranger: Principal) -> Headers:
    return bearer(rt, stranger)


def refused(client: TestClient, rt: Runtime, method: str, url: str, status: int, code: str,
            headers: Headers | None = None, **kwargs: Any) -> dict[str, Any]:
    """Send a request that must be refused with `status` and `code`, and show nothing changed."""
    before = snapshot(rt)
    response = client.request(method, url, headers=headers or {}, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert snapshot(rt) == before
    body: dict[str, Any] = response.json()
    return body


# --- public reads ---------------------------------------------------------------------------------------------


def test_the_public_sees_active_stores_by_id_or_slug(client: TestClient, rt: Runtime, operator: Principal,
                                                     applicant: Principal, store: StoreView) -> None:
    stores.set_store_tags(rt, applicant, store.id, ["zz-public"])
    listed = client.get("/api/v1/stores?tag=zz-public")
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json()["items"]] == [store.id]
    assert listed.json()["next_cursor"] is None
    by_slug = client.get("/api/v1/stores/tea-house").json()
    assert by_slug == client.get(f"/api/v1/stores/{store.id}").json()
    assert (by_slug["kind"], by_slug["status"], by_slug["tags"]) == ("independent", "active", ["zz-public"])
    stores.suspend_store(rt, operator, store.id, "fraud")
    assert client.get("/api/v1/stores?tag=zz-public").json()["items"] == []
    refused(client, rt, "GET", f"/api/v1/stores/{store.id}", 404, "not_found")


def test_the_store_list_refuses_malformed_filters(client: TestClient, rt: Runtime) -> None:
    refused(client, rt, "GET", "/api/v1/stores?kind=franchise", 422, "request_malformed")
    refused(client, rt, "GET", "/api/v1/stores?limit=0", 422, "request_malformed")
    refused(client, rt, "GET", "/api/v1/stores?limit=1000", 422, "request_malformed")
    refused(client, rt, "GET", "/api/v1/stores?cursor=garbage", 400, "cursor_invalid")
    refused(client, rt, "GET", "/api/v1/stores?tag=%3Cscript%3E", 400, "tag_invalid")


def test_brands_are_public(client: TestClient, brand: BrandView) -> None:
    response = client.get("/api/v1/brands", params={"q": "acm"})
    assert response.status_code == 200
    found = [(b["slug"], b["protected"]) for b in response.json() if b["id"] == brand.id]
    assert found == [("acme", True)]


# --- applying -------------------------------------------------------------------------------------------------


def test_a_consumer_applies_and_sees_the_application_without_the_id_number(
        client: TestClient, owner_h: Headers) -> None:
    response = client.post("/api/v1/store-applications", json=APPLICATION_BODY, headers=owner_h)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["slug"], body["owner_id_last4"]) == ("pending", "tea-house", "002X")
    assert "owner_id_hash" not in body
    assert "11010519491231002X" not in response.text
    mine = client.get("/api/v1/store-applications/mine", headers=owner_h)
    assert [a["id"] for a in mine.json()] == [body["id"]]


def test_applying_needs_a_login(client: TestClient, rt: Runtime) -> None:
    refused(client, rt, "POST", "/api/v1/store-applications", 401, "not_authenticated", json=APPLICATION_BODY)
    refused(client, rt, "GET", "/api/v1/store-applications/mine", 401, "not_authenticated")


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"slug": "admin"}, 400, "slug_reserved"),
    ({"slug": "-bad"}, 400, "slug_invalid"),
    ({"owner_id_number": "110105194912310021"}, 400, "id_number_invalid"),
    ({"owner_legal_name": None}, 400, "application_incomplete"),
    ({"contact_phone": "call me"}, 400, "phone_invalid"),
    ({"name_en": "", "name_zh": ""}, 400, "name_invalid"),
    ({"kind": "franchise"}, 422, "request_malformed"),
    ({"slug": "x" * 101}, 422, "request_malformed"),
    ({"surprise": 1}, 422, "request_malformed"),
    ({"authorisation_until": "not a date"}, 422, "request_malformed"),
])
def test_an_invalid_application_is_refused_with_its_code(client: TestClient, rt: Runtime, owner_h: Headers,
                                                         change: dict[str, Any], status: int, code: str) -> None:
    refused(client, rt, "POST", "/api/v1/store-applications", status, code, headers=owner_h,
            json={**APPLICATION_BODY, **change})


def test_a_second_pending_application_and_a_taken_slug_are_conflicts(client: TestClient, rt: Runtime,
                                                                     owner_h: Headers,
                                                                     stranger_h: Headers) -> None:
    assert client.post("/api/v1/store-applications", json=APPLICATION_BODY, headers=owner_h).status_code == 201
    refused(client, rt, "POST", "/api/v1/store-applications", 409, "application_pending", headers=owner_h,
            json={**APPLICATION_BODY, "slug": "other"})
    refused(client, rt, "POST", "/api/v1/store-applications", 409, "slug_taken", headers=stranger_h,
            json=APPLICATION_BODY)


def test_a_flagship_application_names_a_known_brand(client: TestClient, rt: Runtime, owner_h: Headers,
                                                    brand: BrandView) -> None:
    body = {"kind": "flagship", "slug": "acme-official", "name_en": "ACME Official", "contact_phone": "13800138000",
            "brand_id": "0" * 26, "authorisation_ref": "LIC-1", "authorisation_until": "2027-01-01"}
    refused(client, rt, "POST", "/api/v1/store-applications", 400, "brand_unknown", headers=owner_h, json=body)
    refused(client, rt, "POST", "/api/v1/store-applications", 400, "authorisation_expired", headers=owner_h,
            json={**body, "brand_id": brand.id, "authorisation_until": "2026-11-10"})
    created = client.post("/api/v1/store-applications", json={**body, "brand_id": brand.id}, headers=owner_h)
    assert created.status_code == 201
    assert (created.json()["brand_id"], created.json()["authorisation_until"]) == (brand.id, "2027-01-01")


# --- operator decisions ---------------------------------------------------------------------------------------


def test_an_operator_approves_through_the_queue(client: TestClient, rt: Runtime, applicant: Principal,
                                                owner_h: Headers, ops_h: Headers, brand: BrandView) -> None:
    application = stores.apply_for_store(rt, applicant, flagship_draft(brand.id))
    queue = client.get("/api/v1/ops/store-applications?status=pending", headers=ops_h)
    assert [a["id"] for a in queue.json()["items"]] == [application.id]
    approved = client.post(f"/api/v1/ops/store-applications/{application.id}/approve", headers=ops_h)
    assert approved.status_code == 200, approved.text
    store = approved.json()
    assert (store["status"], store["kind"], store["brand_id"], store["owner_id"]) == (
        "active", "flagship", brand.id, applicant.user_id)
    mine = client.get("/api/v1/merchant/stores", headers=owner_h).json()
    assert [(m["store"]["id"], m["role"]) for m in mine] == [(store["id"], "owner")]
    assert mine[0]["permissions"] == ["orders", "products", "profile", "staff", "stock"]
    refused(client, rt, "POST", f"/api/v1/ops/store-applications/{application.id}/approve", 409,
            "application_already_decided", headers=ops_h)
    refused(client, rt, "POST", f"/api/v1/ops/store-applications/{application.id}/reject", 409,
            "application_already_decided", headers=ops_h, json={"reason": "late"})


def test_rejecting_needs_a_reason(client: TestClient, rt: Runtime, applicant: Principal, ops_h: Headers) -> None:
    application = stores.apply_for_store(rt, applicant, independent_draft())
    url = f"/api/v1/ops/store-applications/{application.id}/reject"
    refused(client, rt, "POST", url, 400, "reason_required", headers=ops_h, json={"reason": "  "})
    refused(client, rt, "POST", url, 422, "request_malformed", headers=ops_h, json={})
    response = client.post(url, headers=ops_h, json={"reason": "ID unreadable"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decision_reason"]) == ("rejected", "ID unreadable")


def test_consumers_and_anonymous_visitors_cannot_use_operator_endpoints(
        client: TestClient, rt: Runtime, applicant: Principal, owner_h: Headers, store: StoreView) -> None:
    application = stores.apply_for_store(rt, person(rt, "p@example.com"), independent_draft(slug="other"))
    for method, url, body in [
        ("GET", "/api/v1/ops/store-applications", None),
        ("POST", f"/api/v1/ops/store-applications/{application.id}/approve", None),
        ("POST", f"/api/v1/ops/store-applications/{application.id}/reject", {"reason": "x"}),
        ("POST", f"/api/v1/ops/stores/{store.id}/suspend", {"reason": "x"}),
        ("POST", f"/api/v1/ops/stores/{store.id}/reinstate", None),
        ("POST", "/api/v1/ops/brands", {"slug": "fake", "name_en": "Fake"}),
        ("POST", f"/api/v1/ops/stores/{store.id}/brand-authorisations", {"brand_id": "x", "reference": "r"}),
        ("GET", "/api/v1/ops/stores", None),
    ]:
        refused(client, rt, method, url, 403, "access_denied", headers=owner_h, json=body)
        refused(client, rt, method, url, 401, "not_authenticated", json=body)


def test_an_operator_suspends_and_reinstates(client: TestClient, rt: Runtime, ops_h: Headers,
                                             store: StoreView) -> None:
    url = f"/api/v1/ops/stores/{store.id}"
    refused(client, rt, "POST", f"{url}/suspend", 400, "reason_required", headers=ops_h, json={"reason": ""})
    refused(client, rt, "POST", f"{url}/reinstate", 409, "store_status_conflict", headers=ops_h)
    suspended = client.post(f"{url}/suspend", headers=ops_h, json={"reason": "counterfeits"})
    assert (suspended.status_code, suspended.json()["status"]) == (200, "suspended")
    assert suspended.json()["suspension_reason"] == "counterfeits"
    listed = client.get("/api/v1/ops/stores?status=suspended&limit=100", headers=ops_h).json()
    assert store.id in [s["id"] for s in listed["items"]]
    refused(client, rt, "POST", f"{url}/suspend", 409, "store_status_conflict", headers=ops_h,
            json={"reason": "again"})
    assert client.post(f"{url}/reinstate", headers=ops_h).json()["status"] == "active"
    refused(client, rt, "POST", f"/api/v1/ops/stores/{'0' * 26}/suspend", 404, "not_found", headers=ops_h,
            json={"reason": "x"})


def test_an_operator_manages_brands_and_authorisations(client: TestClient, rt: Runtime, ops_h: Headers,
                                                       store: StoreView) -> None:
    created = client.post("/api/v1/ops/brands", headers=ops_h,
                          json={"slug": "north-peak", "name_en": "North Peak", "name_zh": "北峰", "protected": True})
    assert created.status_code == 201
    brand_id = created.json()["id"]
    refused(client, rt, "POST", "/api/v1/ops/brands", 409, "slug_taken", headers=ops_h,
            json={"slug": "north-peak", "name_en": "Again"})
    refused(client, rt, "POST", "/api/v1/ops/brands", 400, "image_url_invalid", headers=ops_h,
            json={"slug": "other", "name_en": "Other", "logo_url": "javascript:alert(1)"})
    patched = client.patch(f"/api/v1/ops/brands/{brand_id}", headers=ops_h, json={"protected": False})
    assert (patched.status_code, patched.json()["protected"], patched.json()["name_zh"]) == (200, False, "北峰")
    refused(client, rt, "PATCH", f"/api/v1/ops/brands/{'0' * 26}", 404, "not_found", headers=ops_h, json={})
    url = f"/api/v1/ops/stores/{store.id}/brand-authorisations"
    granted = client.post(url, headers=ops_h, json={"brand_id": brand_id, "reference": "R-9",
                                                   "valid_until": "2027-06-30"})
    assert granted.status_code == 201
    assert (granted.json()["reference"], granted.json()["valid_until"]) == ("R-9", "2027-06-30")
    refused(client, rt, "POST", url, 400, "authorisation_expired", headers=ops_h,
            json={"brand_id": brand_id, "reference": "R-10", "valid_until": "2020-01-01"})
    refused(client, rt, "POST", url, 404, "not_found", headers=ops_h,
            json={"brand_id": "0" * 26, "reference": "R-10"})
    assert client.delete(f"{url}/{brand_id}", headers=ops_h).status_code == 204
    refused(client, rt, "DELETE", f"{url}/{brand_id}", 404, "not_found", headers=ops_h)


# --- merchants ------------------------------------------------------------------------------------------------


def test_the_owner_edits_the_profile_and_tags(client: TestClient, owner_h: Headers, store: StoreView) -> None:
    url = f"/api/v1/merchant/stores/{store.id}"
    patched = client.patch(url, headers=owner_h, json={"name_zh": "老茶馆", "logo_url": "https://x.cn/l.png"})
    assert patched.status_code == 200
    assert (patched.json()["name_en"], patched.json()["name_zh"], patched.json()["logo_url"]) == (
        "Tea House", "老茶馆", "https://x.cn/l.png")
    tagged = client.put(f"{url}/tags", headers=owner_h, json={"tags": ["Tea", "tea", "Fujian"]})
    assert (tagged.status_code, tagged.json()["tags"]) == (200, ["fujian", "tea"])
    assert store.id in [s["id"] for s in client.get("/api/v1/stores?tag=fujian").json()["items"]]


def test_profile_and_tag_refusals(client: TestClient, rt: Runtime, owner_h: Headers, stranger_h: Headers,
                                  store: StoreView) -> None:
    url = f"/api/v1/merchant/stores/{store.id}"
    refused(client, rt, "PATCH", url, 400, "name_invalid", headers=owner_h, json={"name_en": "x" * 81})
    refused(client, rt, "PATCH", url, 400, "image_url_invalid", headers=owner_h, json={"logo_url": "ftp://x/y"})
    refused(client, rt, "PATCH", url, 422, "request_malformed", headers=owner_h, json={"name_en": 5})
    refused(client, rt, "PUT", f"{url}/tags", 400, "tags_too_many", headers=owner_h,
            json={"tags": [f"t{i}" for i in range(11)]})
    refused(client, rt, "PUT", f"{url}/tags", 422, "request_malformed", headers=owner_h, json={"tags": "tea"})
    refused(client, rt, "PUT", f"{url}/tags", 422, "request_malformed", headers=owner_h, json={"tags": ["x" * 65]})
    refused(client, rt, "PATCH", url, 404, "not_found", headers=stranger_h, json={"name_en": "Mine now"})
    refused(client, rt, "PUT", f"{url}/tags", 404, "not_found", headers=stranger_h, json={"tags": []})
    refused(client, rt, "PATCH", f"/api/v1/merchant/stores/{'0' * 26}", 404, "not_found", headers=owner_h,
            json={})
    refused(client, rt, "PATCH", url, 401, "not_authenticated", json={})


def test_the_owner_manages_staff(client: TestClient, rt: Runtime, owner_h: Headers, store: StoreView) -> None:
    clerk = person(rt, "clerk@example.com", name="Clerk")
    url = f"/api/v1/merchant/stores/{store.id}/staff"
    added = client.post(url, headers=owner_h, json={"email": "clerk@example.com", "permissions": ["stock"]})
    assert added.status_code == 201, added.text
    assert (added.json()["user_id"], added.json()["role"], added.json()["permissions"]) == (
        clerk.user_id, "staff", ["stock"])
    listed = client.get(url, headers=owner_h).json()
    assert [(m["email"], m["role"]) for m in listed] == [("li@example.com", "owner"), ("clerk@example.com", "staff")]
    patched = client.patch(f"{url}/{clerk.user_id}", headers=owner_h, json={"permissions": ["orders", "stock"]})
    assert (patched.status_code, patched.json()["permissions"]) == (200, ["orders", "stock"])
    assert client.delete(f"{url}/{clerk.user_id}", headers=owner_h).status_code == 204
    assert [m["role"] for m in client.get(url, headers=owner_h).json()] == ["owner"]


def test_staff_refusals(client: TestClient, rt: Runtime, applicant: Principal, owner_h: Headers,
                        stranger_h: Headers, store: StoreView) -> None:
    clerk = person(rt, "clerk@example.com")
    clerk_h = bearer(rt, clerk)
    url = f"/api/v1/merchant/stores/{store.id}/staff"
    refused(client, rt, "POST", url, 400, "user_unknown", headers=owner_h, json={"email": "nobody@example.com"})
    refused(client, rt, "POST", url, 400, "permission_not_grantable", headers=owner_h,
            json={"email": clerk.email, "permissions": ["staff"]})
    refused(client, rt, "POST", url, 422, "request_malformed", headers=owner_h,
            json={"email": clerk.email, "permissions": ["refunds"]})
    refused(client, rt, "POST", url, 409, "staff_duplicate", headers=owner_h, json={"email": applicant.email})
    refused(client, rt, "DELETE", f"{url}/{applicant.user_id}", 409, "owner_not_removable", headers=owner_h)
    refused(client, rt, "PATCH", f"{url}/{applicant.user_id}", 409, "owner_permissions_fixed", headers=owner_h,
            json={"permissions": []})
    refused(client, rt, "DELETE", f"{url}/{clerk.user_id}", 404, "not_found", headers=owner_h)
    refused(client, rt, "GET", url, 404, "not_found", headers=stranger_h)
    refused(client, rt, "POST", url, 404, "not_found", headers=stranger_h, json={"email": "clerk@example.com"})
    client.post(url, headers=owner_h, json={"email": clerk.email, "permissions": ["profile"]})
    refused(client, rt, "POST", url, 403, "permission_missing", headers=clerk_h,
            json={"email": "zhang@example.com"})
    refused(client, rt, "DELETE", f"{url}/{clerk.user_id}", 403, "permission_missing", headers=clerk_h)
