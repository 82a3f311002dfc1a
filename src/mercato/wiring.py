"""Which capability reacts to which event, runs which job and provides which campaign segment: the one place that
knows every capability (with app.py and cli.py)."""

from __future__ import annotations

from mercato.catalog import service as catalog_service
from mercato.inventory.model import StockLevelChanged
from mercato.kernel.events import EventBus
from mercato.kernel.jobs import Handler
from mercato.kernel.runtime import SegmentSource
from mercato.membership import service as membership_service
from mercato.payments import service as payments_service
from mercato.payments.model import PaymentCaptured
from mercato.pricing import service as pricing_service
from mercato.storefront import service as storefront_service
from mercato.stores.model import StoreStatusChanged
from mercato.trade import service as trade_service


def event_bus() -> EventBus:
    bus = EventBus()
    bus.subscribe(StockLevelChanged, catalog_service.on_stock_level_changed)
    bus.subscribe(StoreStatusChanged, catalog_service.on_store_status_changed)
    bus.subscribe(StoreStatusChanged, storefront_service.on_store_status_changed)
    bus.subscribe(PaymentCaptured, trade_service.on_payment_captured)
    bus.subscribe(PaymentCaptured, membership_service.on_payment_captured)
    return bus


def job_handlers() -> dict[str, Handler]:
    """Every durable job kind and the use case that runs it."""
    handlers: dict[str, Handler] = {}
    for capability in (trade_service.JOB_HANDLERS, payments_service.JOB_HANDLERS, pricing_service.JOB_HANDLERS,
                       membership_service.JOB_HANDLERS):
        overlap = handlers.keys() & capability.keys()
        assert not overlap, f"job kinds registered twice: {sorted(overlap)}"
        handlers.update(capability)
    return handlers


def segment_sources() -> dict[str, SegmentSource]:
    """The consumer segments pricing's campaigns reach through higher capabilities (members, never paid)."""
    return dict(membership_service.SEGMENT_SOURCES)
