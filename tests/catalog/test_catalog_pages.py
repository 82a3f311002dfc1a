"""The catalog pages on both engines: a merchant lists a product through the form (attribute fields reload with
and without htmx), edits it and its SKUs, sets stock; operators manage categories, rates, words and reviews."""

from __future__ import annotations

import pytest
from catalog_helpers import Tree, csrf_from, log_in, snapshot
from fastapi.testclient import TestClient

from mercato.catalog import service as catalog
from mercato.catalog.model import ProductStatus
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

SKU_LINES = "size=M | TEE-M | 99.00 | 5 | 129.00\nsize=L | TEE-L | 109.00 | 0"


def product_form(tree: Tree, csrf: str, **overrides: str) -> dict[str, str]:
    form = {"csrf_token": csrf, "action": "create", "category_id": tree.tees.id, "brand_id": "",
            "title_en": "Cotton tee", "title_zh": "纯棉T恤", "description_en": "Soft", "description_zh": "柔软",
            "attr_size_system": "CN", "attr_material": "cotton", "image_urls": "https://img.example.com/a.jpg\n",
            "skus": SKU_LINES}
    form.update(overrides)
    return form


@pytest.fixture
def merchant_client(client: TestClient, rt: Runtime, merchant: Principal, store_id: str) -> TestClient:
    log_in(client, rt, merchant)
    return client


def test_a_merchant_lists_a_product_through_the_form(merchant_client: TestClient, rt: Runtime,
                                                     merchant: Principal, store_id: str, tree: Tree) -> None:
    page = merchant_client.get(f"/merchant/stores/{store_id}/products/new")
    assert page.status_code == 200
    assert 'data-testid="product-form"' in page.text
    response = merchant_client.post(f"/merchant/stores/{store_id}/products/new",
                                    data=product_form(tree, csrf_from(page.text)), follow_redirects=False)
    assert response.status_code == 303
    product_id = response.headers["location"].split("/")[-1].split("?")[0]
    product, stocked = catalog.get_product_for_merchant(rt, merchant, product_id)
    assert (product.title_zh, product.status, dict(product.attributes)) == (
        "纯棉T恤", ProductStatus.ACTIVE, {"size_system": "CN", "material": "cotton"})
    assert [(s.sku.code, s.sku.price_minor, s.sku.list_price_minor, s.available) for s in stocked] == [
        ("TEE-M", 9900, 12900, 5), ("TEE-L", 10900, None, 0)]
    listing = merchant_client.get(f"/merchant/stores/{store_id}/products")
    assert 'data-testid="product-row"' in listing.text and "Cotton tee" in listing.text
    editor = merchant_client.get(response.headers["location"])
    assert editor.status_code == 200 and "The product is listed" in editor.text


def test_a_refused_form_shows_every_violation_and_keeps_what_was_typed(
        merchant_client: TestClient, rt: Runtime, store_id: str, tree: Tree) -> None:
    csrf = csrf_from(merchant_client.get(f"/merchant/stores/{store_id}/products/new").text)
    before = snapshot(rt)
    response = merchant_client.post(f"/merchant/stores/{store_id}/products/new", data=product_form(
        tree, csrf, title_en="", attr_size_system="", skus="size=M | TEE-M | 0.00 | 1"))
    assert response.status_code == 400
    assert 'data-testid="violations"' in response.text
    for code in ("title_length", "attribute_missing", "price_out_of_range"):
        assert f'data-code="{code}"' in response.text
    assert "纯棉T恤" in response.text and "TEE-M" in response.text
    assert snapshot(rt) == before


def test_an_unreadable_sku_line_is_explained(merchant_client: TestClient, rt: Runtime, store_id: str,
                                             tree: Tree) -> None:
    csrf = csrf_from(merchant_client.get(f"/merchant/stores/{store_id}/products/new").text)
    response = merchant_client.post(f"/merchant/stores/{store_id}/products/new",
                                    data=product_form(tree, csrf, skus="size=M | TEE-M | cheap | 1"))
    assert response.status_code == 400
    assert "SKU line 1" in response.text


def test_attribute_fields_follow_the_category_with_htmx_and_without(
        merchant_client: TestClient, store_id: str, tree: Tree) -> None:
    fragment = merchant_client.get(f"/merchant/stores/{store_id}/products/new/attributes",
                                   params={"category_id": tree.tees.id}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="attribute-fields"')
    assert 'name="attr_size_system"' in fragment.text and 'name="attr_material"' in fragment.text
    csrf = csrf_from(merchant_client.get(f"/merchant/stores/{store_id}/products/new").text)
    reloaded = merchant_client.post(f"/merchant/stores/{store_id}/products/new",
                                    data={"csrf_token": csrf, "action": "reload", "category_id": tree.tees.id,
                                          "title_en": "Kept"})
    assert reloaded.status_code == 200
    assert 'name="attr_size_system"' in reloaded.text and 'value="Kept"' in reloaded.text


def test_the_editor_saves_content_prices_and_delists(merchant_client: TestClient, rt: Runtime,
                                                     merchant: Principal, store_id: str, tree: Tree) -> None:
    csrf = csrf_from(merchant_client.get(f"/merchant/stores/{store_id}/products/new").text)
    created = merchant_client.post(f"/merchant/stores/{store_id}/products/new", data=product_form(tree, csrf),
                                   follow_redirects=False)
    product_id = created.headers["location"].split("/")[-1].split("?")[0]
    product, _ = catalog.get_product_for_merchant(rt, merchant, product_id)
    edited = merchant_client.post(f"/merchant/products/{product_id}", data=product_form(
        tree, csrf, action="save", title_en="Organic tee"), follow_redirects=False)
    assert edited.status_code == 303
    priced = merchant_client.post(f"/merchant/skus/{product.skus[0].id}", data={
        "csrf_token": csrf, "product_id": product_id, "price": "79.50", "list_price": "", "status": "active"},
        follow_redirects=False)
    assert priced.status_code == 303
    delisted = merchant_client.post(f"/merchant/products/{product_id}/delist", data={"csrf_token": csrf},
                                    follow_redirects=False)
    assert delisted.status_code == 303
    after, _ = catalog.get_product_for_merchant(rt, merchant, product_id)
    assert (after.title_en, after.min_price_minor, after.skus[0].list_price_minor, after.status) == (
        "Organic tee", 7950, None, ProductStatus.DELISTED)
    again = merchant_client.post(f"/merchant/products/{product_id}/delist", data={"csrf_token": csrf})
    assert again.status_code == 409 and 'role="alert"' in again.text


def test_stock_is_set_inline_with_htmx_or_a_plain_form(merchant_client: TestClient, rt: Runtime,
                                                       merchant: Principal, store_id: str, tree: Tree) -> None:
    csrf = csrf_from(merchant_client.get(f"/merchant/stores/{store_id}/products/new").text)
    created = merchant_client.post(f"/merchant/stores/{store_id}/products/new", data=product_form(tree, csrf),
                                   follow_redirects=False)
    product_id = created.headers["location"].split("/")[-1].split("?")[0]
    sku = catalog.get_product_for_merchant(rt, merchant, product_id)[0].skus[1].id
    table = merchant_client.get(f"/merchant/stores/{store_id}/stock")
    assert table.status_code == 200 and table.text.count('data-testid="stock-row"') == 2
    row = merchant_client.post(f"/merchant/skus/{sku}/stock", data={"csrf_token": csrf, "quantity": "12"},
                               headers={"HX-Request": "true"})
    assert row.status_code == 200
    assert row.text.lstrip().startswith(f'<tr id="stock-{sku}"') and 'data-testid="stock-saved"' in row.text
    plain = merchant_client.post(f"/merchant/skus/{sku}/stock", data={"csrf_token": csrf, "quantity": "7"},
                                 follow_redirects=False)
    assert (plain.status_code, plain.headers["location"]) == (303, f"/merchant/stores/{store_id}/stock?done=stock")
    refused = merchant_client.post(f"/merchant/skus/{sku}/stock", data={"csrf_token": csrf, "quantity": "-1"},
                                   headers={"HX-Request": "true"})
    assert refused.status_code == 400 and 'role="alert"' in refused.text
    assert catalog.stock_row(rt, merchant, sku).level.available == 7


def test_another_merchant_gets_404_pages_and_changes_nothing(
        client: TestClient, rt: Runtime, merchant: Principal, other_merchant: Principal, store_id: str,
        other_store_id: str, tree: Tree) -> None:
    log_in(client, rt, merchant)
    csrf = csrf_from(client.get(f"/merchant/stores/{store_id}/products/new").text)
    created = client.post(f"/merchant/stores/{store_id}/products/new", data=product_form(tree, csrf),
                          follow_redirects=False)
    product_id = created.headers["location"].split("/")[-1].split("?")[0]
    log_in(client, rt, other_merchant)
    csrf = csrf_from(client.get(f"/merchant/stores/{other_store_id}/products").text)
    before = snapshot(rt)
    for url in (f"/merchant/stores/{store_id}/products", f"/merchant/stores/{store_id}/stock",
                f"/merchant/products/{product_id}"):
        assert client.get(url).status_code == 404, url
    posted = client.post(f"/merchant/products/{product_id}/delist", data={"csrf_token": csrf})
    assert posted.status_code == 404
    assert snapshot(rt) == before


def test_pages_need_a_login_and_forms_need_the_csrf_token(client: TestClient, rt: Runtime, merchant: Principal,
                                                          store_id: str, tree: Tree) -> None:
    response = client.get(f"/merchant/stores/{store_id}/products", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    log_in(client, rt, merchant)
    client.get(f"/merchant/stores/{store_id}/products")
    before = snapshot(rt)
    forged = client.post(f"/merchant/stores/{store_id}/products/new", data=product_form(tree, "forged"))
    assert forged.status_code == 403
    assert snapshot(rt) == before


def test_operators_manage_the_catalog_through_pages(client: TestClient, rt: Runtime, operator: Principal,
                                                    merchant: Principal, store_id: str, tree: Tree) -> None:
    log_in(client, rt, operator)
    page = client.get("/ops/categories")
    assert page.status_code == 200 and page.text.count('data-testid="category-row"') == 5
    csrf = csrf_from(page.text)
    made = client.post("/ops/categories", data={"csrf_token": csrf, "parent_id": tree.tops.id, "slug": "shirts",
                                                "name_en": "Shirts", "name_zh": "衬衫", "position": "0"},
                       follow_redirects=False)
    assert made.status_code == 303
    shirts = catalog.get_category_by_slug(rt, "shirts")
    saved = client.post(f"/ops/categories/{shirts.id}", data={
        "csrf_token": csrf, "name_en": "Shirts", "name_zh": "衬衫", "active": "1",
        "attributes": "collar | Collar | 领型 | required | button, spread"}, follow_redirects=False)
    assert saved.status_code == 303
    assert [(a.code, a.required, a.options) for a in catalog.category_tree(rt).get(shirts.id).attributes] == [
        ("collar", True, ("button", "spread"))]
    client.post(f"/ops/categories/{shirts.id}/restricted", data={"csrf_token": csrf, "restricted": "1"})
    assert catalog.category_tree(rt).get(shirts.id).restricted is True
    assert client.get("/ops/commission").status_code == 200
    client.post("/ops/commission", data={"csrf_token": csrf, "vertical_id": tree.apparel.id,
                                         "store_kind": "independent", "rate_bp": "250"})
    with rt.uow(read_only=True) as uow:
        assert catalog.commission_rate_in(uow, tree.apparel.id, "independent") == 250
    bad_rate = client.post("/ops/commission", data={"csrf_token": csrf, "vertical_id": tree.apparel.id,
                                                    "store_kind": "independent", "rate_bp": "9000"})
    assert bad_rate.status_code == 400 and 'role="alert"' in bad_rate.text
    client.post("/ops/words", data={"csrf_token": csrf, "word": "Replica"})
    assert 'data-word="replica"' in client.get("/ops/words").text


def test_operators_review_listings_through_pages(client: TestClient, rt: Runtime, operator: Principal,
                                                 merchant: Principal, store_id: str, tree: Tree) -> None:
    from catalog_helpers import tee_draft

    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree, category_id=tree.medicine.id,
                                                                       attributes={}))
    log_in(client, rt, operator)
    queue = client.get("/ops/reviews")
    assert f'data-product-id="{product.id}"' in queue.text
    csrf = csrf_from(queue.text)
    empty = client.post(f"/ops/reviews/{product.id}/reject", data={"csrf_token": csrf, "reason": " "})
    assert empty.status_code == 400
    client.post(f"/ops/reviews/{product.id}/reject", data={"csrf_token": csrf, "reason": "No licence"})
    assert catalog.get_product_for_merchant(rt, merchant, product.id)[0].status is ProductStatus.REJECTED


def test_a_merchant_cannot_open_operator_pages(merchant_client: TestClient) -> None:
    for url in ("/ops/categories", "/ops/commission", "/ops/words", "/ops/reviews"):
        assert merchant_client.get(url).status_code == 403, url
