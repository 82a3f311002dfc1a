"""SKU use cases for merchants: add a SKU, change its prices, withdraw or restore it, and set its stock."""

from __future__ import annotations

from dataclasses import dataclass

from mercato.catalog._access import product_for_staff, sku_for_staff, staff_store_in
from mercato.catalog._listing import taken_code_violations
from mercato.catalog._products import refresh_product_facts_in
from mercato.catalog._rules import prohibited_word_texts_in
from mercato.catalog.edits import SkuChange, apply_sku_change, sku_draft_of
from mercato.catalog.model import (
    ListingRejected,
    ProductsChanged,
    SkuDraft,
    SkuNotFound,
    SkuStatus,
    SkuView,
    check_can_deactivate,
    check_prices,
    check_sku_words,
    check_skus,
)
from mercato.catalog.repo_products import ProductRepo
from mercato.inventory import service as inventory
from mercato.inventory.model import StockLevel
from mercato.kernel.errors import EntityNotFound
from mercato.kernel.idgen import new_id
from mercato.kernel.pagination import Page
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores.model import Permission


@dataclass(frozen=True, slots=True)
class StockRow:
    """One line of the merchant's stock table: the level and what it is the stock of."""

    level: StockLevel
    sku: SkuView | None
    title_en: str
    title_zh: str


def add_sku(rt: Runtime, principal: Principal, product_id: str, sku: SkuDraft) -> SkuView:
    with rt.uow() as uow:
        product, store = product_for_staff(uow, principal, product_id, lock=True)
        drafts = [sku_draft_of(s) for s in product.skus] + [sku]
        index = len(drafts) - 1
        violations = [v for v in check_skus(drafts) if v.field.startswith(f"skus[{index}]") or v.field == "skus"]
        violations += check_sku_words(sku, index, prohibited_word_texts_in(uow))
        violations += [v for v in taken_code_violations(uow, store.id, drafts, None) if v.field.startswith(
            f"skus[{index}]")]
        if violations:
            raise ListingRejected(violations)
        sku_id = new_id()
        ProductRepo(uow.conn).insert_skus([{
            "id": sku_id, "product_id": product_id, "store_id": store.id, "code": sku.code,
            "options": {k.strip(): v.strip() for k, v in sku.options.items()}, "price_minor": sku.price_minor,
            "list_price_minor": sku.list_price_minor, "status": SkuStatus.ACTIVE.value, "position": index}])
        inventory.init_stock_in(uow, sku_id, product_id, store.id, sku.stock, principal.user_id, rt.clock.now())
        refresh_product_facts_in(uow, product_id, rt.clock.now())
        rt.events.publish(uow, ProductsChanged((product_id,)))
        added = ProductRepo(uow.conn).sku(sku_id)
        uow.commit()
    assert added is not None
    return added


def update_sku(rt: Runtime, principal: Principal, sku_id: str, change: SkuChange) -> SkuView:
    """Change prices and/or status in one go; the product's price range and stock flag follow."""
    with rt.uow() as uow:
        product, sku, _ = sku_for_staff(uow, principal, sku_id)
        after = apply_sku_change(sku, change)
        violations = check_prices(after.price_minor, after.list_price_minor)
        if violations:
            raise ListingRejected(violations)
        if after.status is SkuStatus.INACTIVE and sku.status is SkuStatus.ACTIVE:
            check_can_deactivate(product.skus, sku_id)
        ProductRepo(uow.conn).update_sku(sku_id, price_minor=after.price_minor,
                                         list_price_minor=after.list_price_minor, status=after.status.value)
        refresh_product_facts_in(uow, product.id, rt.clock.now())
        rt.events.publish(uow, ProductsChanged((product.id,)))
        uow.commit()
    return after


def set_sku_price(rt: Runtime, principal: Principal, sku_id: str, price_minor: int,
                  list_price_minor: int | None = None) -> SkuView:
    return update_sku(rt, principal, sku_id, SkuChange(price_minor, list_price_minor, list_price_set=True))


def deactivate_sku(rt: Runtime, principal: Principal, sku_id: str) -> SkuView:
    return update_sku(rt, principal, sku_id, SkuChange(status=SkuStatus.INACTIVE))


def activate_sku(rt: Runtime, principal: Principal, sku_id: str) -> SkuView:
    return update_sku(rt, principal, sku_id, SkuChange(status=SkuStatus.ACTIVE))


def set_sku_stock(rt: Runtime, principal: Principal, sku_id: str, quantity: int) -> StockLevel:
    """The merchant pages' shortcut; inventory checks the `stock` permission and keeps in_stock through its event."""
    return inventory.set_stock(rt, principal, sku_id, quantity)


def stock_row(rt: Runtime, principal: Principal, sku_id: str) -> StockRow:
    """One line of the stock table (for an htmx refresh); another store's SKU is not found."""
    with rt.uow(read_only=True) as uow:
        repo = ProductRepo(uow.conn)
        sku = repo.sku(sku_id)
        if sku is None:
            raise SkuNotFound(field="sku_id")
        try:
            staff_store_in(uow, principal, sku.store_id, Permission.STOCK)
        except EntityNotFound as exc:
            raise SkuNotFound(field="sku_id") from exc
        product = repo.get(sku.product_id)
        level = inventory.availability_in(uow, [sku_id])[sku_id]
    assert product is not None
    return StockRow(level, sku, product.title_en, product.title_zh)


def store_stock_rows(rt: Runtime, principal: Principal, store_id: str, cursor: str | None = None,
                     limit: int | None = None, low_stock_only: bool = False) -> Page[StockRow]:
    page = inventory.store_stock(rt, principal, store_id, cursor, limit, low_stock_only)
    with rt.uow(read_only=True) as uow:
        staff_store_in(uow, principal, store_id, Permission.STOCK)
        repo = ProductRepo(uow.conn)
        skus = repo.skus_by_ids([level.sku_id for level in page.items])
        titles = {pid: (p.title_en, p.title_zh) for pid in {lv.product_id for lv in page.items}
                  if (p := repo.get(pid)) is not None}
    rows = [StockRow(lv, skus.get(lv.sku_id), *titles.get(lv.product_id, ("", ""))) for lv in page.items]
    return Page(rows, page.next_cursor)


