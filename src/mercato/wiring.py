"""Which capability reacts to which event: the one place that knows every capability (with app.py and cli.py)."""

from __future__ import annotations

from mercato.catalog import service as catalog_service
from mercato.inventory.model import StockLevelChanged
from mercato.kernel.events import EventBus
from mercato.storefront import service as storefront_service
from mercato.stores.model import StoreStatusChanged


def event_bus() -> EventBus:
    bus = EventBus()
    bus.subscribe(StockLevelChanged, catalog_service.on_stock_level_changed)
    bus.subscribe(StoreStatusChanged, catalog_service.on_store_status_changed)
    bus.subscribe(StoreStatusChanged, storefront_service.on_store_status_changed)
    return bus
