"""Suspending a store takes its goods off the storefront; reinstating it brings back exactly those on sale."""

from __future__ import annotations

from dataclasses import replace

import pytest
from catalog_helpers import Tree, tee_draft

from mercato.catalog import browse
from mercato.catalog import service as catalog
from mercato.catalog.browse import ListingFilters
from mercato.catalog.model import ProductStatus
from mercato.kernel.errors import DomainError, EntityNotFound
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import service as stores


def _listed_ids(rt: Runtime, store_id: str) -> set[str]:
    return {card.id for card in browse.listing(rt, ListingFilters(store_id=store_id)).items}


def _status(rt: Runtime, merchant: Principal, product_id: str) -> ProductStatus:
    product, _ = catalog.get_product_for_merchant(rt, merchant, product_id)
    return product.status


def test_a_suspended_stores_goods_are_hidden_and_come_back_on_reinstatement(
        rt: Runtime, operator: Principal, merchant: Principal, store_id: str, tree: Tree) -> None:
    on_sale = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    withdrawn = catalog.create_product(rt, merchant, store_id, tee_draft(tree, skus=tuple(
        replace(sku, code=f"{sku.code}-B") for sku in tee_draft(tree).skus)))
    catalog.delist_product(rt, merchant, withdrawn.id)
    assert _listed_ids(rt, store_id) == {on_sale.id}

    stores.suspend_store(rt, operator, store_id, "counterfeit complaints")
    assert _listed_ids(rt, store_id) == set()
    with pytest.raises(EntityNotFound):
        browse.product_detail(rt, on_sale.id)
    assert _status(rt, merchant, on_sale.id) is ProductStatus.STORE_SUSPENDED
    assert _status(rt, merchant, withdrawn.id) is ProductStatus.DELISTED

    stores.reinstate_store(rt, operator, store_id)
    assert _listed_ids(rt, store_id) == {on_sale.id}
    assert _status(rt, merchant, withdrawn.id) is ProductStatus.DELISTED


def test_a_merchant_cannot_relist_goods_hidden_by_a_suspension(
        rt: Runtime, operator: Principal, merchant: Principal, store_id: str, tree: Tree) -> None:
    product = catalog.create_product(rt, merchant, store_id, tee_draft(tree))
    stores.suspend_store(rt, operator, store_id, "counterfeit complaints")
    with pytest.raises(DomainError) as refused:
        catalog.relist_product(rt, merchant, product.id)
    assert refused.value.code in {"product_status_conflict", "store_not_active"}
    assert _status(rt, merchant, product.id) is ProductStatus.STORE_SUSPENDED
