"""Batch stock moves for trade: all or none, locked in one order, and catalog told only when a SKU crosses zero."""

from __future__ import annotations

from dataclasses import replace

import pytest

from catalog.catalog_helpers import build_tree, person, tee_draft
from mercato.catalog import service as catalog
from mercato.catalog.model import ProductView, SkuDraft
from mercato.inventory import service as inventory
from mercato.inventory.model import StockInsufficient, StockNotFound, StockQuantityInvalid
from mercato.inventory.repo import StockRepo
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime


@pytest.fixture
def second(rt: Runtime, merchant: Principal, store_id: str, product: ProductView) -> ProductView:
    operator = person(rt, "ops2@example.com", operator=True)
    draft = replace(tee_draft(build_tree(rt, operator, prefix="b-")), title_en="Linen tee",
                    skus=(SkuDraft("LIN-1", {"colour": "Blue", "size": "M"}, 5000, None, stock=3),))
    return catalog.create_product(rt, merchant, store_id, draft)


def levels(rt: Runtime, *skus: str) -> list[tuple[int, int]]:
    with rt.uow(read_only=True) as uow:
        found = inventory.availability_in(uow, skus)
    return [(found[s].available, found[s].reserved) for s in skus]


def move(rt: Runtime, fn: object, lines: dict[str, int]) -> None:
    with rt.uow() as uow:
        fn(uow, lines, rt=rt)  # type: ignore[operator]
        uow.commit()


def in_stock(rt: Runtime, product_id: str) -> bool:
    with rt.uow(read_only=True) as uow:
        return catalog.get_product_in(uow, product_id).in_stock  # type: ignore[union-attr]


def test_reserving_several_products_moves_every_line(rt: Runtime, product: ProductView,
                                                     second: ProductView) -> None:
    a, b = product.skus[0].id, second.skus[0].id
    move(rt, inventory.reserve_many_in, {a: 2, b: 3})
    assert levels(rt, a, b) == [(3, 2), (0, 3)]
    assert not in_stock(rt, second.id) and in_stock(rt, product.id)


def test_one_short_line_refuses_the_whole_reservation_and_names_it(rt: Runtime, product: ProductView,
                                                                   second: ProductView) -> None:
    a, b = product.skus[0].id, second.skus[0].id
    with pytest.raises(StockInsufficient) as refused, rt.uow() as uow:
        inventory.reserve_many_in(uow, {a: 1, b: 4}, rt=rt)
    assert refused.value.params["sku_ids"] == [b]
    assert levels(rt, a, b) == [(5, 0), (3, 0)]


def test_release_sale_and_restock_follow_the_order_life(rt: Runtime, product: ProductView,
                                                        second: ProductView) -> None:
    a, b = product.skus[0].id, second.skus[0].id
    move(rt, inventory.reserve_many_in, {a: 2, b: 3})
    move(rt, inventory.release_many_in, {b: 3})
    assert levels(rt, b) == [(3, 0)] and in_stock(rt, second.id)
    move(rt, inventory.sell_many_in, {a: 2})
    assert levels(rt, a) == [(3, 0)]
    move(rt, inventory.restock_many_in, {a: 2})
    assert levels(rt, a) == [(5, 0)]
    with rt.uow(read_only=True) as uow:
        reasons = [r for _, _, r in StockRepo(uow.conn).movements(a)]
    assert reasons == ["initial", "reserve", "sale", "restock"]


def test_releasing_more_than_reserved_is_refused(rt: Runtime, product: ProductView) -> None:
    a = product.skus[0].id
    move(rt, inventory.reserve_many_in, {a: 1})
    with pytest.raises(StockInsufficient), rt.uow() as uow:
        inventory.release_many_in(uow, {a: 2}, rt=rt)
    assert levels(rt, a) == [(4, 1)]


def test_unknown_sku_and_bad_quantity_are_refused(rt: Runtime, product: ProductView) -> None:
    with pytest.raises(StockNotFound), rt.uow() as uow:
        inventory.reserve_many_in(uow, {product.skus[0].id: 1, "NOPE": 1}, rt=rt)
    with pytest.raises(StockQuantityInvalid), rt.uow() as uow:
        inventory.reserve_many_in(uow, {product.skus[0].id: 0}, rt=rt)
    assert levels(rt, product.skus[0].id) == [(5, 0)]
