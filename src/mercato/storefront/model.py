"""Pure rules of the shopper pages: option axes of a SKU picker, which SKU a choice selects, breadcrumbs.

Plain values in, plain values out: no database, no framework, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

LOW_STOCK = 5


class StockState(StrEnum):
    IN_STOCK = "in_stock"
    LOW = "low"
    SOLD_OUT = "sold_out"


@dataclass(frozen=True, slots=True)
class SkuOption:
    """One purchasable variant as the picker sees it."""

    id: str
    options: Mapping[str, str]
    price_minor: int
    list_price_minor: int | None
    available: int

    @property
    def stock_state(self) -> StockState:
        return stock_state(self.available)


@dataclass(frozen=True, slots=True)
class OptionAxis:
    """One dimension of the picker (colour, size, ...) and its values in the merchant's SKU order."""

    name: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Crumb:
    slug: str
    name_en: str
    name_zh: str


def stock_state(available: int) -> StockState:
    if available <= 0:
        return StockState.SOLD_OUT
    return StockState.LOW if available <= LOW_STOCK else StockState.IN_STOCK


def option_axes(skus: Sequence[SkuOption]) -> list[OptionAxis]:
    """Every option name used by any SKU, with its distinct values, both in first-seen order."""
    seen: dict[str, dict[str, None]] = {}
    for sku in skus:
        for name, value in sku.options.items():
            seen.setdefault(name, {})[value] = None
    return [OptionAxis(name, tuple(values)) for name, values in seen.items()]


def matching_sku(skus: Sequence[SkuOption], chosen: Mapping[str, str]) -> SkuOption | None:
    """The SKU whose options are exactly `chosen` (every axis picked); None for a partial or unknown choice."""
    wanted = {name: value for name, value in chosen.items() if value}
    for sku in skus:
        if dict(sku.options) == wanted:
            return sku
    return None


def compatible(skus: Sequence[SkuOption], chosen: Mapping[str, str], axis: str, value: str) -> bool:
    """Whether some in-stock SKU has `axis`=`value` and agrees with every other chosen option."""
    for sku in skus:
        if sku.available <= 0 or sku.options.get(axis) != value:
            continue
        if all(sku.options.get(name) == picked for name, picked in chosen.items() if name != axis and picked):
            return True
    return False


def default_choice(skus: Sequence[SkuOption]) -> dict[str, str]:
    """The options of the first in-stock SKU (else the first SKU), so the picker opens on something buyable."""
    for sku in skus:
        if sku.available > 0:
            return dict(sku.options)
    return dict(skus[0].options) if skus else {}


def price_span(skus: Sequence[SkuOption]) -> tuple[int, int] | None:
    """The lowest and highest SKU price, or None without SKUs."""
    if not skus:
        return None
    prices = [sku.price_minor for sku in skus]
    return min(prices), max(prices)


def breadcrumb(path: Sequence[Crumb]) -> list[Crumb]:
    """The category path from the vertical down, without repeats (a product filed at level 1 or 2 is fine)."""
    seen: set[str] = set()
    crumbs: list[Crumb] = []
    for crumb in path:
        if crumb.slug not in seen:
            seen.add(crumb.slug)
            crumbs.append(crumb)
    return crumbs
