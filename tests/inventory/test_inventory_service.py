"""Inventory use cases on both engines: setting and adjusting stock, paging a store's stock, reservations,
and the product's in_stock flag kept by catalog through the StockLevelChanged event."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from catalog.catalog_helpers import add_staff, open_store, person, snapshot
from mercato.catalog.model import ProductView
from mercato.catalog.tables import products
from mercato.inventory import service as inventory
from mercato.inventory.model import StockLevelChanged, StockQuantityInvalid
from mercato.inventory.repo import StockRepo
from mercato.kernel.errors import AccessDenied, EntityNotFound, StateConflict
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime


def in_stock(rt: Runtime, product_id: str) -> bool:
    with rt.uow(read_only=True) as uow:
        return bool(uow.conn.execute(sa.select(products.c.in_stock).where(products.c.id == product_id))
                    .scalar_one())


def available(rt: Runtime, sku_id: str) -> int:
    with rt.uow(read_only=True) as uow:
        return inventory.availability_in(uow, [sku_id])[sku_id].available


def movements(rt: Runtime, sku_id: str) -> list[tuple[int, int, str]]:
    """Sorted: ids within one millisecond are not ordered, so a log is compared as a set of movements."""
    with rt.uow(read_only=True) as uow:
        return sorted(StockRepo(uow.conn).movements(sku_id))


def test_new_skus_start_with_their_opening_stock_logged(rt: Runtime, product: ProductView) -> None:
    red_m, red_l = product.skus
    with rt.uow(read_only=True) as uow:
        levels = inventory.availability_in(uow, [red_m.id, red_l.id, "unknown"])
    assert {k: (v.available, v.reserved) for k, v in levels.items()} == {red_m.id: (5, 0), red_l.id: (0, 0)}
    assert movements(rt, red_m.id) == [(5, 5, "initial")]
    assert in_stock(rt, product.id) is True


def test_setting_stock_logs_the_difference_and_publishes_the_product_total(
        rt: Runtime, merchant: Principal, product: ProductView) -> None:
    heard: list[StockLevelChanged] = []
    rt.events.subscribe(StockLevelChanged, lambda _rt, _uow, event: heard.append(event))
    level = inventory.set_stock(rt, merchant, product.skus[1].id, 12)
    assert (level.available, level.reserved) == (12, 0)
    assert movements(rt, product.skus[1].id) == [(0, 0, "initial"), (12, 12, "set")]
    assert heard == [StockLevelChanged(product.id, product.store_id, 17)]


def test_setting_the_same_quantity_again_logs_and_publishes_nothing(
        rt: Runtime, merchant: Principal, product: ProductView) -> None:
    heard: list[StockLevelChanged] = []
    rt.events.subscribe(StockLevelChanged, lambda _rt, _uow, event: heard.append(event))
    inventory.set_stock(rt, merchant, product.skus[0].id, 5)
    assert heard == []
    assert len(movements(rt, product.skus[0].id)) == 1


def test_selling_out_every_sku_clears_in_stock_and_restocking_sets_it(
        rt: Runtime, merchant: Principal, product: ProductView) -> None:
    inventory.set_stock(rt, merchant, product.skus[0].id, 0)
    assert in_stock(rt, product.id) is False
    inventory.adjust_stock(rt, merchant, product.skus[1].id, 3)
    assert in_stock(rt, product.id) is True


def test_adjusting_adds_and_takes_away(rt: Runtime, merchant: Principal, product: ProductView) -> None:
    assert inventory.adjust_stock(rt, merchant, product.skus[0].id, 7).available == 12
    assert inventory.adjust_stock(rt, merchant, product.skus[0].id, -12).available == 0
    assert movements(rt, product.skus[0].id) == [(-12, 0, "adjust"), (5, 5, "initial"), (7, 12, "adjust")]


def test_adjusting_below_zero_is_refused_and_changes_nothing(
        rt: Runtime, merchant: Principal, product: ProductView) -> None:
    before = snapshot(rt)
    with pytest.raises(StateConflict) as info:
        inventory.adjust_stock(rt, merchant, product.skus[0].id, -6)
    assert info.value.code == "stock_insufficient"
    assert info.value.params == {"available": 5, "delta": -6}
    assert snapshot(rt) == before


def test_adjusting_above_the_maximum_is_refused(rt: Runtime, merchant: Principal, product: ProductView) -> None:
    inventory.set_stock(rt, merchant, product.skus[0].id, 1_000_000)
    with pytest.raises(StockQuantityInvalid):
        inventory.adjust_stock(rt, merchant, product.skus[0].id, 1)
    assert available(rt, product.skus[0].id) == 1_000_000


def test_another_stores_merchant_cannot_see_or_touch_the_stock(rt: Runtime, product: ProductView) -> None:
    stranger = person(rt, "zhang@example.com")
    stranger_store = open_store(rt, stranger, slug="other-shop")
    before = snapshot(rt)
    for attempt in (lambda: inventory.set_stock(rt, stranger, product.skus[0].id, 100),
                    lambda: inventory.adjust_stock(rt, stranger, product.skus[0].id, 1),
                    lambda: inventory.store_stock(rt, stranger, product.store_id)):
        with pytest.raises(EntityNotFound) as info:
            attempt()
        assert info.value.code == "not_found"
    assert snapshot(rt) == before
    assert inventory.store_stock(rt, stranger, stranger_store).items == []


def test_staff_without_the_stock_permission_are_refused(rt: Runtime, product: ProductView, store_id: str) -> None:
    clerk = person(rt, "clerk@example.com")
    add_staff(rt, store_id, clerk, "products")
    with pytest.raises(AccessDenied) as info:
        inventory.set_stock(rt, clerk, product.skus[0].id, 1)
    assert info.value.code == "permission_missing"
    stocker = person(rt, "stocker@example.com")
    add_staff(rt, store_id, stocker, "stock")
    assert inventory.set_stock(rt, stocker, product.skus[0].id, 1).available == 1


def test_an_unknown_sku_is_not_found(rt: Runtime, merchant: Principal, product: ProductView) -> None:
    with pytest.raises(EntityNotFound):
        inventory.set_stock(rt, merchant, "0" * 26, 1)


def test_store_stock_pages_by_sku_and_can_keep_only_low_rows(
        rt: Runtime, merchant: Principal, product: ProductView, store_id: str) -> None:
    inventory.set_stock(rt, merchant, product.skus[0].id, 50)
    first = inventory.store_stock(rt, merchant, store_id, limit=1)
    second = inventory.store_stock(rt, merchant, store_id, cursor=first.next_cursor, limit=1)
    assert [lv.sku_id for lv in first.items + second.items] == sorted(s.id for s in product.skus)
    assert second.next_cursor is None
    low = inventory.store_stock(rt, merchant, store_id, low_stock_only=True)
    assert [lv.sku_id for lv in low.items] == [product.skus[1].id]


def test_reserving_takes_from_available_and_releasing_gives_back(
        rt: Runtime, product: ProductView) -> None:
    sku = product.skus[0].id
    with rt.uow() as uow:
        assert inventory.reserve_in(uow, sku, 5, rt=rt) is True
        assert inventory.reserve_in(uow, sku, 1, rt=rt) is False
        uow.commit()
    with rt.uow(read_only=True) as uow:
        level = inventory.availability_in(uow, [sku])[sku]
    assert (level.available, level.reserved) == (0, 5)
    assert in_stock(rt, product.id) is False
    with rt.uow() as uow:
        assert inventory.release_in(uow, sku, 6, rt=rt) is False
        assert inventory.release_in(uow, sku, 2, rt=rt) is True
        uow.commit()
    assert available(rt, sku) == 2
    assert in_stock(rt, product.id) is True
    assert movements(rt, sku) == [(-5, 0, "reserve"), (2, 2, "release"), (5, 5, "initial")]
