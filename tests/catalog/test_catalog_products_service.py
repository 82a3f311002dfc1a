"""Merchants' product use cases on both engines: listing with SKUs and stock, edits re-checked by the rules,
SKU changes keeping the denormalised facts, delist/relist, and the operators' review."""

from __future__ import annotations

from dataclasses import replace

import pytest
from catalog_helpers import (
    Tree,
    add_staff,
    audit_actions,
    authorise,
    make_brand,
    open_store,
    person,
    snapshot,
    tee_draft,
)

from mercato.catalog import service as catalog
from mercato.catalog.edits import ProductEdit, SkuChange
from mercato.catalog.model import ListingRejected, ProductStatus, SkuDraft, SkuStatus
from mercato.inventory import service as inventory
from mercato.kernel.errors import AccessDenied, DomainError, EntityNotFound, StateConflict
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

S = ProductStatus


def violation_codes(error: ListingRejected) -> list[str]:
    return [v["code"] for v in error.params["violations"]]


def test_a_product_is_listed_with_its_skus_stock_and_denormalised_facts(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    assert product.status is S.ACTIVE
    assert (product.store_kind, product.vertical_id, product.category_l2_id, product.category_l3_id) == (
        "independent", tree.apparel.id, tree.tops.id, tree.tees.id)
    assert (product.min_price_minor, product.max_price_minor, product.in_stock) == (9900, 10900, True)
    assert [(s.code, dict(s.options), s.price_minor, s.list_price_minor) for s in product.skus] == [
        ("TEE-RED-M", {"colour": "Red", "size": "M"}, 9900, 12900), ("TEE-RED-L", {"colour": "Red", "size": "L"},
                                                                     10900, None)]
    _, stocked = catalog.get_product_for_merchant(rt, merchant, product.id)
    assert [s.available for s in stocked] == [5, 0]


def test_a_product_with_no_stock_is_listed_out_of_stock(rt: Runtime, merchant: Principal, store_id: str,
                                                        tree: Tree) -> None:
    draft = tee_draft(tree, skus=(SkuDraft("A", {"size": "M"}, 100, stock=0),))
    assert catalog.create_product(rt, merchant, store_id, draft).in_stock is False


def test_a_restricted_category_sends_the_listing_to_review(rt: Runtime, merchant: Principal, store_id: str,
                                                           tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree, category_id=tree.medicine.id,
                                                                       attributes={}))
    assert product.status is S.PENDING_REVIEW
    assert (product.vertical_id, product.category_l2_id, product.category_l3_id) == (
        tree.health.id, tree.medicine.id, None)


def test_a_broken_listing_reports_every_violation_and_changes_nothing(
        rt: Runtime, operator: Principal, merchant: Principal, store_id: str, tree: Tree) -> None:
    catalog.add_prohibited_word(rt, operator, "replica")
    catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    before = snapshot(rt)
    draft = tee_draft(tree, title_en="Replica tee", attributes={"size_system": "US"},
                      skus=(SkuDraft("TEE-RED-M", {"size": "M"}, 0),))
    with pytest.raises(ListingRejected) as info:
        catalog.create_product(rt, merchant, store_id, draft)
    assert violation_codes(info.value) == ["attribute_option_invalid", "price_out_of_range", "prohibited_word",
                                           "sku_code_taken"]
    assert snapshot(rt) == before


def test_an_unknown_category_is_a_violation(rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    with pytest.raises(ListingRejected) as info:
        catalog.create_product(rt, merchant, store_id, tee_draft(tree, category_id="0" * 26))
    assert violation_codes(info.value) == ["category_unknown"]


def test_a_protected_brand_is_listed_only_by_an_authorised_store(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    brand = make_brand(rt, "acme", protected=True)
    with pytest.raises(ListingRejected) as info:
        catalog.create_product(rt, merchant, store_id, tee_draft(tree, brand_id=brand))
    assert violation_codes(info.value) == ["brand_not_authorised"]
    authorise(rt, store_id, brand)
    assert catalog.create_product(rt, merchant, store_id, tee_draft(tree, brand_id=brand)).brand_id == brand


def test_a_brands_own_flagship_store_needs_no_authorisation(rt: Runtime, tree: Tree) -> None:
    owner = person(rt, "acme@example.com")
    brand = make_brand(rt, "acme", protected=True)
    flagship = open_store(rt, owner, slug="acme-official", kind="flagship", brand_id=brand)
    product = catalog.create_product(rt, owner, flagship, tee_draft(tree, brand_id=brand))
    assert (product.store_kind, product.brand_id) == ("flagship", brand)


def test_a_suspended_store_cannot_list(rt: Runtime, merchant: Principal, tree: Tree) -> None:
    suspended = open_store(rt, merchant, slug="closed", status="suspended")
    with pytest.raises(StateConflict) as info:
        catalog.create_product(rt, merchant, suspended, tee_draft(tree))
    assert info.value.code == "store_not_active"


def test_another_merchant_cannot_list_read_or_change_the_stores_products(
        rt: Runtime, merchant: Principal, other_merchant: Principal, store_id: str, other_store_id: str,
        tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    before = snapshot(rt)
    sku = product.skus[0].id
    for attempt in (lambda: catalog.create_product(rt, other_merchant, store_id, tee_draft(tree)),
                    lambda: catalog.list_store_products(rt, other_merchant, store_id),
                    lambda: catalog.get_product_for_merchant(rt, other_merchant, product.id),
                    lambda: catalog.update_product(rt, other_merchant, product.id, ProductEdit(title_en="X")),
                    lambda: catalog.delist_product(rt, other_merchant, product.id),
                    lambda: catalog.add_sku(rt, other_merchant, product.id, SkuDraft("Z", {"colour": "Z",
                                                                                           "size": "Z"}, 1)),
                    lambda: catalog.set_sku_price(rt, other_merchant, sku, 1),
                    lambda: catalog.deactivate_sku(rt, other_merchant, sku),
                    lambda: catalog.set_sku_stock(rt, other_merchant, sku, 1)):
        with pytest.raises(EntityNotFound) as info:
            attempt()
        assert info.value.code == "not_found"
    assert snapshot(rt) == before


def test_staff_need_the_products_permission(rt: Runtime, store_id: str, tree: Tree) -> None:
    stocker = person(rt, "stocker@example.com")
    add_staff(rt, store_id, stocker, "stock")
    with pytest.raises(AccessDenied) as info:
        catalog.create_product(rt, stocker, store_id, tee_draft(tree))
    assert info.value.code == "permission_missing"


def test_an_edit_is_checked_again_and_a_restricted_category_sends_it_back_to_review(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    with pytest.raises(ListingRejected) as info:
        catalog.update_product(rt, merchant, product.id, ProductEdit(title_zh=""))
    assert violation_codes(info.value) == ["title_length"]
    edited = catalog.update_product(rt, merchant, product.id, ProductEdit(title_en="Organic tee"))
    assert (edited.title_en, edited.status) == ("Organic tee", S.ACTIVE)
    moved = catalog.update_product(rt, merchant, product.id, ProductEdit(category_id=tree.medicine.id,
                                                                         attributes={}))
    assert (moved.status, moved.vertical_id, moved.category_l3_id) == (S.PENDING_REVIEW, tree.health.id, None)


def test_sku_prices_keep_the_products_price_range(rt: Runtime, merchant: Principal, store_id: str,
                                                  tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    catalog.set_sku_price(rt, merchant, product.skus[1].id, 20000, 25000)
    added = catalog.add_sku(rt, merchant, product.id, SkuDraft("TEE-BLUE-M", {"colour": "Blue", "size": "M"},
                                                               500, stock=2))
    assert added.status is SkuStatus.ACTIVE
    after = _product(rt, merchant, product.id)
    assert (after.min_price_minor, after.max_price_minor) == (500, 20000)
    catalog.deactivate_sku(rt, merchant, added.id)
    after = _product(rt, merchant, product.id)
    assert (after.min_price_minor, after.max_price_minor) == (9900, 20000)


def test_a_list_price_below_the_price_is_refused_and_changes_nothing(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    before = snapshot(rt)
    with pytest.raises(ListingRejected) as info:
        catalog.update_sku(rt, merchant, product.skus[0].id, SkuChange(price_minor=20000))
    assert violation_codes(info.value) == ["list_price_below_price"]
    assert snapshot(rt) == before


def test_an_added_sku_must_not_repeat_options_or_codes(rt: Runtime, merchant: Principal, store_id: str,
                                                       tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    with pytest.raises(ListingRejected) as info:
        catalog.add_sku(rt, merchant, product.id, SkuDraft("TEE-RED-M", {"colour": "Red", "size": "M"}, 100))
    assert violation_codes(info.value) == ["sku_code_duplicate", "sku_options_duplicate", "sku_code_taken"]


def test_withdrawing_the_only_stocked_sku_clears_in_stock_and_the_last_active_sku_stays(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    catalog.deactivate_sku(rt, merchant, product.skus[0].id)
    assert _product(rt, merchant, product.id).in_stock is False
    with pytest.raises(StateConflict) as info:
        catalog.deactivate_sku(rt, merchant, product.skus[1].id)
    assert info.value.code == "sku_last_active"
    inventory.set_stock(rt, merchant, product.skus[0].id, 9)
    assert _product(rt, merchant, product.id).in_stock is False  # stock of a withdrawn SKU cannot be bought
    catalog.activate_sku(rt, merchant, product.skus[0].id)
    assert _product(rt, merchant, product.id).in_stock is True


def test_stock_set_through_catalog_updates_in_stock(rt: Runtime, merchant: Principal, store_id: str,
                                                    tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    catalog.set_sku_stock(rt, merchant, product.skus[0].id, 0)
    assert _product(rt, merchant, product.id).in_stock is False
    rows = catalog.store_stock_rows(rt, merchant, store_id)
    assert sorted((r.sku.code if r.sku else "", r.title_en, r.level.available) for r in rows.items) == [
        ("TEE-RED-L", "Cotton tee", 0), ("TEE-RED-M", "Cotton tee", 0)]


def test_delisting_and_relisting(rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    assert catalog.delist_product(rt, merchant, product.id).status is S.DELISTED
    with pytest.raises(StateConflict) as info:
        catalog.delist_product(rt, merchant, product.id)
    assert info.value.code == "product_status_conflict"
    assert catalog.relist_product(rt, merchant, product.id).status is S.ACTIVE
    with pytest.raises(StateConflict):
        catalog.relist_product(rt, merchant, product.id)


def test_relisting_checks_the_rules_as_they_are_now(rt: Runtime, operator: Principal, merchant: Principal,
                                                    store_id: str, tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    catalog.delist_product(rt, merchant, product.id)
    catalog.add_prohibited_word(rt, operator, "cotton")
    with pytest.raises(ListingRejected):
        catalog.relist_product(rt, merchant, product.id)
    assert _product(rt, merchant, product.id).status is S.DELISTED


def test_store_products_page_newest_first_and_filter_by_status(rt: Runtime, merchant: Principal, store_id: str,
                                                               tree: Tree) -> None:
    made = [catalog.create_product(rt, merchant, store_id, tee_draft(
        tree, skus=(SkuDraft(f"C-{i}", {"size": "M"}, 100 + i),))) for i in range(3)]
    catalog.delist_product(rt, merchant, made[0].id)
    first = catalog.list_store_products(rt, merchant, store_id, limit=2)
    second = catalog.list_store_products(rt, merchant, store_id, cursor=first.next_cursor, limit=2)
    assert [p.id for p in first.items + second.items] == sorted((p.id for p in made), reverse=True)
    assert second.next_cursor is None
    delisted = catalog.list_store_products(rt, merchant, store_id, status=S.DELISTED)
    assert [p.id for p in delisted.items] == [made[0].id]


def test_operators_approve_and_reject_pending_listings_with_an_audit_trail(
        rt: Runtime, operator: Principal, merchant: Principal, store_id: str, tree: Tree) -> None:
    pending = [catalog.create_product(rt, merchant, store_id, tee_draft(
        tree, category_id=tree.medicine.id, attributes={}, skus=(SkuDraft(f"M-{i}", {}, 100),))) for i in range(2)]
    queue = catalog.review_queue(rt, operator)
    assert [p.id for p in queue.items] == sorted(p.id for p in pending)
    assert catalog.approve_product(rt, operator, pending[0].id).status is S.ACTIVE
    rejected = catalog.reject_product(rt, operator, pending[1].id, "  Licence missing ")
    assert (rejected.status, rejected.review_note) == (S.REJECTED, "Licence missing")
    assert catalog.review_queue(rt, operator).items == []
    assert audit_actions(rt, "product", pending[0].id) == ["product.approve"]
    assert audit_actions(rt, "product", pending[1].id) == ["product.reject"]
    with pytest.raises(StateConflict):
        catalog.approve_product(rt, operator, pending[0].id)
    resubmitted = catalog.update_product(rt, merchant, pending[1].id, ProductEdit(title_en="With licence"))
    assert (resubmitted.status, resubmitted.review_note) == (S.PENDING_REVIEW, None)


def test_a_rejection_needs_a_reason_and_merchants_cannot_review(
        rt: Runtime, operator: Principal, merchant: Principal, store_id: str, tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, replace(tee_draft(tree), category_id=tree.medicine.id,
                                                                      attributes={}))
    before = snapshot(rt)
    with pytest.raises(DomainError) as info:
        catalog.reject_product(rt, operator, product.id, "   ")
    assert info.value.code == "reason_invalid"
    with pytest.raises(AccessDenied):
        catalog.approve_product(rt, merchant, product.id)
    with pytest.raises(AccessDenied):
        catalog.review_queue(rt, merchant)
    assert snapshot(rt) == before


def test_read_helpers_for_other_capabilities(rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    with rt.uow(read_only=True) as uow:
        assert catalog.get_product_in(uow, product.id) == product
        found = catalog.skus_by_ids_in(uow, [product.skus[0].id, "nope"])
        batch = catalog.products_by_ids_in(uow, [product.id, "nope", product.id])
    assert list(found) == [product.skus[0].id]
    assert list(batch) == [product.id]
    assert batch[product.id] == replace(product, skus=())


def _product(rt: Runtime, merchant: Principal, product_id: str):  # type: ignore[no-untyped-def]
    return catalog.get_product_for_merchant(rt, merchant, product_id)[0]
