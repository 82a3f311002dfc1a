"""Which capability reacts to which event: the one place that knows every capability (with app.py and cli.py)."""

from __future__ import annotations

from mercato.catalog import service as catalog_service
from mercato.inventory.model import StockLevelChanged
from mercato.kernel.events import EventBus


def event_bus() -> EventBus:
    bus = EventBus()
    # Subscriptions are added here as capabilities publish events, e.g.
    # bus.subscribe(inventory.model.StockLevelChanged, catalog.service.on_stock_level_changed)
    bus.subscribe(StockLevelChanged, catalog_service.on_stock_level_changed)
    return bus
