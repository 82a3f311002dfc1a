"""Inventory rules as plain values: stock levels, quantity bounds and the event that tells higher capabilities.

Stock is counted in whole units. `available` can be sold now; `reserved` is held by unpaid orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from mercato.kernel.errors import EntityNotFound, InputInvalid, StateConflict

MAX_QUANTITY = 1_000_000
LOW_STOCK_THRESHOLD = 5


class MovementReason(StrEnum):
    INITIAL = "initial"
    SET = "set"
    ADJUST = "adjust"
    RESERVE = "reserve"
    RELEASE = "release"
    SALE = "sale"  # reserved units left with a paid order (available does not move)
    RESTOCK = "restock"  # sold units came back unshipped (a paid order cancelled)


class StockQuantityInvalid(InputInvalid):
    code = "stock_quantity_invalid"
    title = "The stock quantity is out of range"


class StockInsufficient(StateConflict):
    code = "stock_insufficient"
    title = "Not enough stock"


class StockNotFound(EntityNotFound):
    code = "not_found"
    title = "No such SKU"


@dataclass(frozen=True, slots=True)
class StockLevel:
    sku_id: str
    product_id: str
    store_id: str
    available: int
    reserved: int
    updated_at: datetime

    @property
    def low(self) -> bool:
        return self.available <= LOW_STOCK_THRESHOLD


@dataclass(frozen=True, slots=True)
class StockLevelChanged:
    """Published whenever a product's total availability over its SKUs may have changed."""

    product_id: str
    store_id: str
    available_total: int


def check_quantity(quantity: int, field: str = "quantity") -> int:
    """A stock level: a whole number from 0 to MAX_QUANTITY."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 <= quantity <= MAX_QUANTITY:
        raise StockQuantityInvalid(f"{field} must be a whole number from 0 to {MAX_QUANTITY:,}",
                                   field=field, minimum=0, maximum=MAX_QUANTITY)
    return quantity


def check_delta(delta: int) -> int:
    """An adjustment: non-zero, and no larger in size than the largest stock level."""
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0 or abs(delta) > MAX_QUANTITY:
        raise StockQuantityInvalid(f"delta must be a non-zero whole number from -{MAX_QUANTITY:,} to "
                                   f"{MAX_QUANTITY:,}", field="delta", minimum=-MAX_QUANTITY, maximum=MAX_QUANTITY)
    return delta


def check_reservation(quantity: int) -> int:
    """A reservation or release moves at least one unit."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise StockQuantityInvalid(f"quantity must be a whole number from 1 to {MAX_QUANTITY:,}",
                                   field="quantity", minimum=1, maximum=MAX_QUANTITY)
    return quantity
