"""Inventory use cases: merchants set and adjust stock; trade reserves and releases it; catalog reads it.

Every change that moves a product's total availability publishes `StockLevelChanged` in the same unit of work.
Callers that reserve several SKUs in one transaction should do so in ascending product id order (lock order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from mercato.inventory.model import (
    MovementReason,
    StockInsufficient,
    StockLevel,
    StockLevelChanged,
    StockNotFound,
    StockQuantityInvalid,
    check_delta,
    check_quantity,
    check_reservation,
)
from mercato.inventory.repo import StockRepo
from mercato.kernel.pagination import Page, clamp_limit, decode_cursor, encode_cursor
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.stores import service as stores_service
from mercato.stores.model import Permission

STOCK_PERMISSION = Permission.STOCK


def init_stock_in(uow: UnitOfWork, sku_id: str, product_id: str, store_id: str, quantity: int,
                  actor_id: str | None, now: datetime) -> StockLevel:
    """Create the stock row of a new SKU. The caller (catalog) sets the product's in_stock flag itself."""
    check_quantity(quantity)
    repo = StockRepo(uow.conn)
    repo.insert(sku_id, product_id, store_id, quantity, now)
    repo.log(sku_id, quantity, quantity, MovementReason.INITIAL, actor_id, now)
    return StockLevel(sku_id, product_id, store_id, quantity, 0, now)


def availability_in(uow: UnitOfWork, sku_ids: Iterable[str]) -> dict[str, StockLevel]:
    return StockRepo(uow.conn).by_ids(sku_ids)


def product_available_total_in(uow: UnitOfWork, product_id: str) -> int:
    return StockRepo(uow.conn).product_total(product_id)


def set_stock(rt: Runtime, principal: Principal, sku_id: str, quantity: int) -> StockLevel:
    check_quantity(quantity)
    with rt.uow() as uow:
        before = _locked_for_staff(uow, principal, sku_id)
        repo = StockRepo(uow.conn)
        repo.set_available(sku_id, quantity, rt.clock.now())
        _moved(rt, uow, before, quantity - before.available, quantity, MovementReason.SET, principal.user_id)
        level = _must_get(repo, sku_id)
        uow.commit()
    return level


def adjust_stock(rt: Runtime, principal: Principal, sku_id: str, delta: int) -> StockLevel:
    check_delta(delta)
    with rt.uow() as uow:
        before = _locked_for_staff(uow, principal, sku_id)
        repo = StockRepo(uow.conn)
        after = repo.add_available(sku_id, delta, rt.clock.now())
        if after is None:
            raise _adjust_refusal(before, delta)
        _moved(rt, uow, before, delta, after, MovementReason.ADJUST, principal.user_id)
        level = _must_get(repo, sku_id)
        uow.commit()
    return level


def store_stock(rt: Runtime, principal: Principal, store_id: str, cursor: str | None = None,
                limit: int | None = None, low_stock_only: bool = False) -> Page[StockLevel]:
    size = clamp_limit(limit, default=50)
    after = str(decode_cursor(cursor, 1)[0]) if cursor else None
    with rt.uow(read_only=True) as uow:
        stores_service.require_staff_in(uow, principal, store_id, STOCK_PERMISSION)
        rows = StockRepo(uow.conn).store_page(store_id, after, size + 1, low_stock_only)
    more = len(rows) > size
    items = rows[:size]
    return Page(items, encode_cursor([items[-1].sku_id]) if more else None)


def reserve_in(uow: UnitOfWork, sku_id: str, quantity: int, *, rt: Runtime) -> bool:
    """Hold `quantity` units for an order; False (and nothing changed) when fewer are available.

    `rt` supplies the clock and the event bus, so that catalog hears when the product sells out.
    """
    check_reservation(quantity)
    return _move_reserved(uow, sku_id, quantity, MovementReason.RESERVE, rt)


def release_in(uow: UnitOfWork, sku_id: str, quantity: int, *, rt: Runtime) -> bool:
    """Give back `quantity` reserved units (an unpaid order expired or was cancelled); False if not reserved."""
    check_reservation(quantity)
    return _move_reserved(uow, sku_id, quantity, MovementReason.RELEASE, rt)


def reserve_many_in(uow: UnitOfWork, lines: Mapping[str, int], *, rt: Runtime) -> None:
    """Hold every line's quantity for an order, or none: raises `StockInsufficient` naming the short SKUs.

    Locks the products involved in one fixed order (product id, then SKU id), so checkouts never deadlock.
    """
    _move_many(uow, lines, MovementReason.RESERVE, rt)


def release_many_in(uow: UnitOfWork, lines: Mapping[str, int], *, rt: Runtime) -> None:
    """Give back reserved units (an unpaid order was cancelled or its payment closed)."""
    _move_many(uow, lines, MovementReason.RELEASE, rt)


def sell_many_in(uow: UnitOfWork, lines: Mapping[str, int], *, rt: Runtime) -> None:
    """Reserved units leave with a paid order; available stock does not move."""
    _move_many(uow, lines, MovementReason.SALE, rt)


def restock_many_in(uow: UnitOfWork, lines: Mapping[str, int], *, rt: Runtime) -> None:
    """Sold units that never shipped come back to available (a paid order was cancelled)."""
    _move_many(uow, lines, MovementReason.RESTOCK, rt)


# How each batch move changes (available, reserved) per unit.
_EFFECT = {MovementReason.RESERVE: (-1, 1), MovementReason.RELEASE: (1, -1), MovementReason.SALE: (0, -1),
           MovementReason.RESTOCK: (1, 0)}


def _move_many(uow: UnitOfWork, lines: Mapping[str, int], reason: MovementReason, rt: Runtime) -> None:
    if not lines:
        return
    for quantity in lines.values():
        check_reservation(quantity)
    repo = StockRepo(uow.conn)
    levels = {level.sku_id: level for level in repo.lock_products_of(lines)}
    missing = sorted(set(lines) - set(levels))
    if missing:
        raise StockNotFound(field="sku_id", sku_ids=missing)
    _refuse_short(levels, lines, reason)
    moves = sorted(lines.items())
    if repo.move_many(moves, reason, rt.clock.now()) != len(moves):
        raise StockInsufficient(sku_ids=[sku for sku, _ in moves])  # unreachable while the rows are locked
    d_available, _ = _EFFECT[reason]
    after = {sku: levels[sku].available + d_available * qty for sku, qty in moves}
    repo.log_many([(sku, d_available * qty, after[sku]) for sku, qty in moves], reason, rt.clock.now())
    _publish_crossings(rt, uow, levels, after)


def _refuse_short(levels: Mapping[str, StockLevel], lines: Mapping[str, int], reason: MovementReason) -> None:
    d_available, d_reserved = _EFFECT[reason]
    source = "available" if d_available < 0 else "reserved" if d_reserved < 0 else None
    if source is None:
        return
    short = sorted(sku for sku, qty in lines.items() if getattr(levels[sku], source) < qty)
    if short:
        if reason is MovementReason.RESERVE:
            raise StockInsufficient(sku_ids=short,
                                    available={sku: levels[sku].available for sku in short})
        raise StockInsufficient("Fewer units are reserved than the order holds", sku_ids=short)


def _publish_crossings(rt: Runtime, uow: UnitOfWork, levels: Mapping[str, StockLevel],
                       after: Mapping[str, int]) -> None:
    """Tell catalog about a product only when one of its SKUs crossed zero: only then can `in_stock` change."""
    totals: dict[str, int] = {}
    for level in levels.values():
        totals[level.product_id] = totals.get(level.product_id, 0) + after.get(level.sku_id, level.available)
    crossed = {levels[sku].product_id for sku, available in after.items()
               if (levels[sku].available > 0) != (available > 0)}
    for product_id in sorted(crossed):
        store_id = next(level.store_id for level in levels.values() if level.product_id == product_id)
        rt.events.publish(uow, StockLevelChanged(product_id, store_id, totals[product_id]))


def _move_reserved(uow: UnitOfWork, sku_id: str, quantity: int, reason: MovementReason,
                   rt: Runtime) -> bool:
    repo = StockRepo(uow.conn)
    level = repo.get(sku_id)
    if level is None:
        raise StockNotFound(field="sku_id")
    repo.lock_product(level.product_id)
    now = rt.clock.now()
    move = repo.reserve if reason is MovementReason.RESERVE else repo.release
    after = move(sku_id, quantity, now)
    if after is None:
        return False
    delta = -quantity if reason is MovementReason.RESERVE else quantity
    repo.log(sku_id, delta, after, reason, None, now)
    _publish_total(rt, uow, level)
    return True


def _locked_for_staff(uow: UnitOfWork, principal: Principal, sku_id: str) -> StockLevel:
    repo = StockRepo(uow.conn)
    level = repo.get(sku_id)
    if level is None:
        raise StockNotFound(field="sku_id")
    stores_service.require_staff_in(uow, principal, level.store_id, STOCK_PERMISSION)
    repo.lock_product(level.product_id)
    return _must_get(repo, sku_id)


def _must_get(repo: StockRepo, sku_id: str) -> StockLevel:
    level = repo.get(sku_id)
    if level is None:
        raise StockNotFound(field="sku_id")
    return level


def _moved(rt: Runtime, uow: UnitOfWork, before: StockLevel, delta: int, after: int,
           reason: MovementReason, actor_id: str | None) -> None:
    if delta == 0:
        return
    StockRepo(uow.conn).log(before.sku_id, delta, after, reason, actor_id, rt.clock.now())
    _publish_total(rt, uow, before)


def _publish_total(rt: Runtime, uow: UnitOfWork, level: StockLevel) -> None:
    total = StockRepo(uow.conn).product_total(level.product_id)
    rt.events.publish(uow, StockLevelChanged(level.product_id, level.store_id, total))


def _adjust_refusal(before: StockLevel, delta: int) -> Exception:
    if delta < 0:
        return StockInsufficient(f"Only {before.available} available; cannot take away {-delta}",
                                 available=before.available, delta=delta)
    return StockQuantityInvalid("The adjustment would take stock above the maximum", field="delta",
                                available=before.available, delta=delta)


def product_totals_in(uow: UnitOfWork, product_ids: Iterable[str]) -> dict[str, int]:
    """Units available per product (over all its SKUs); products without stock rows are absent."""
    return StockRepo(uow.conn).product_totals(product_ids)
