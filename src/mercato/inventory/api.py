"""The inventory HTTP API under /api/v1: merchants read, set and adjust their stores' stock."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from mercato.inventory import service
from mercato.inventory.model import MAX_QUANTITY, StockLevel
from mercato.kernel.http import ERROR_RESPONSES, require_principal, runtime
from mercato.kernel.pagination import MAX_PAGE_SIZE
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

router = APIRouter(tags=["inventory"], responses=ERROR_RESPONSES)

Id = Annotated[str, Field(min_length=1, max_length=26)]


class StockRead(BaseModel):
    sku_id: str
    product_id: str
    store_id: str
    available: int
    reserved: int
    low: bool
    updated_at: datetime

    @classmethod
    def of(cls, level: StockLevel) -> StockRead:
        return cls(sku_id=level.sku_id, product_id=level.product_id, store_id=level.store_id,
                   available=level.available, reserved=level.reserved, low=level.low, updated_at=level.updated_at)


class StockPage(BaseModel):
    items: list[StockRead]
    next_cursor: str | None


class StockSet(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    quantity: int = Field(ge=0, le=MAX_QUANTITY)


class StockAdjust(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    delta: int = Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY)


@router.get("/merchant/stores/{store_id}/stock", response_model=StockPage)
def store_stock(store_id: str, cursor: Annotated[str | None, Query(max_length=200)] = None,
                limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50, low_stock_only: bool = False,
                rt: Runtime = Depends(runtime), principal: Principal = Depends(require_principal)) -> StockPage:
    """The store's stock, one row per SKU; `low_stock_only` keeps rows at or below the low-stock threshold."""
    page = service.store_stock(rt, principal, store_id, cursor, limit, low_stock_only)
    return StockPage(items=[StockRead.of(level) for level in page.items], next_cursor=page.next_cursor)


@router.put("/merchant/skus/{sku_id}/stock", response_model=StockRead)
def set_stock(sku_id: str, body: StockSet, rt: Runtime = Depends(runtime),
              principal: Principal = Depends(require_principal)) -> StockRead:
    """Set the available quantity of a SKU (a stock count)."""
    return StockRead.of(service.set_stock(rt, principal, sku_id, body.quantity))


@router.post("/merchant/skus/{sku_id}/stock/adjust", response_model=StockRead)
def adjust_stock(sku_id: str, body: StockAdjust, rt: Runtime = Depends(runtime),
                 principal: Principal = Depends(require_principal)) -> StockRead:
    """Add (goods received) or take away (damaged, lost) units; never below zero (409 `stock_insufficient`)."""
    return StockRead.of(service.adjust_stock(rt, principal, sku_id, body.delta))
