"""Which capability reacts to which event, runs which job and provides which campaign segment: the one place that
knows every capability (with app.py and cli.py)."""

from __future__ import annotations

from datetime import datetime

from mercato.accounts import service as accounts_service
from mercato.aftersales import service as aftersales_service
from mercato.catalog import service as catalog_service
from mercato.catalog.model import ProductsChanged
from mercato.credit.model import FACTS_WINDOW, RECORD_WINDOW, CreditFacts
from mercato.credit.rating import Rater
from mercato.inventory.model import StockLevelChanged
from mercato.kernel.events import EventBus
from mercato.kernel.jobs import Handler
from mercato.kernel.runtime import Runtime, SegmentSource
from mercato.kernel.uow import UnitOfWork
from mercato.membership import service as membership_service
from mercato.payments import service as payments_service
from mercato.payments.model import PaymentCaptured
from mercato.pricing import service as pricing_service
from mercato.recommend import pool as recommend_pool
from mercato.recommend import service as recommend_service
from mercato.reviews import abuse_service as reviews_abuse_service
from mercato.reviews import service as reviews_service
from mercato.search import shops as search_shops
from mercato.search.indexing import SALES_WINDOW, Indexer
from mercato.storefront import service as storefront_service
from mercato.stores.model import StoreProfileChanged, StoreStatusChanged
from mercato.trade import service as trade_service
from mercato.trade.model import OrderCancelled


def event_bus() -> EventBus:
    bus = EventBus()
    bus.subscribe(StockLevelChanged, catalog_service.on_stock_level_changed)
    bus.subscribe(StoreStatusChanged, catalog_service.on_store_status_changed)
    bus.subscribe(StoreStatusChanged, storefront_service.on_store_status_changed)
    bus.subscribe(StoreStatusChanged, recommend_pool.on_store_status_changed)
    bus.subscribe(StoreStatusChanged, search_shops.on_store_status_changed)
    bus.subscribe(StoreStatusChanged, SEARCH_INDEXER.on_store_status_changed)  # after catalog's: statuses moved
    bus.subscribe(ProductsChanged, SEARCH_INDEXER.on_products_changed)
    bus.subscribe(StoreProfileChanged, search_shops.on_store_changed)
    bus.subscribe(PaymentCaptured, trade_service.on_payment_captured)
    bus.subscribe(OrderCancelled, aftersales_service.on_order_cancelled)
    bus.subscribe(PaymentCaptured, membership_service.on_payment_captured)
    bus.subscribe(PaymentCaptured, _buys_on_payment_captured)
    return bus


def _buys_on_payment_captured(rt: Runtime, uow: UnitOfWork, event: PaymentCaptured) -> None:
    """Every line of the paid orders becomes a `buy` behaviour event (recommend sits below payments and trade, so
    it takes plain ids)."""
    product_ids = trade_service.paid_product_ids_in(uow, event.order_ids)
    recommend_service.on_purchase_in(rt, uow, event.consumer_id, product_ids, event.at)


def _recent_paid_units(uow: UnitOfWork, now: datetime) -> dict[str, int]:
    """Search's sales signal: units of paid orders over its sales window, by product (run by its hourly job)."""
    return trade_service.units_sold_since_in(uow, now - SALES_WINDOW)


SEARCH_INDEXER = Indexer(sales=_recent_paid_units)


def _credit_facts(uow: UnitOfWork, consumer_id: str, now: datetime) -> CreditFacts:
    """The credit rating's facts from the capabilities above credit, as plain values: shopping and refunds over the
    past 12 months, misconduct (lost disputes, returns never shipped back, clawbacks) over the past two years."""
    since, record_since = now - FACTS_WINDOW, now - RECORD_WINDOW
    joined = accounts_service.get_user_in(uow, consumer_id).created_at
    trade = trade_service.credit_facts_in(uow, consumer_id, since)
    refunds = aftersales_service.credit_facts_in(uow, consumer_id, since)
    record = aftersales_service.credit_facts_in(uow, consumer_id, record_since)
    reviews = reviews_service.credit_facts_in(uow, consumer_id)
    return CreditFacts(
        account_age_days=max((now - joined).days, 0), completed_orders_12m=trade.completed_orders,
        spend_12m=trade.spend, largest_order_12m=trade.largest_order, orders_paid=trade.orders_paid,
        orders_unpaid_timeout=trade.orders_unpaid_timeout, refunds_12m=refunds.refunds,
        refunds_buyer_fault_12m=refunds.refunds_buyer_fault, disputes_lost=record.disputes_lost,
        returns_never_shipped=record.returns_never_shipped, clawbacks=record.clawbacks,
        helpful_reviews=reviews.helpful_reviews, violations=reviews.violations)


CREDIT_RATER = Rater(facts=_credit_facts)


def job_handlers() -> dict[str, Handler]:
    """Every durable job kind and the use case that runs it."""
    handlers: dict[str, Handler] = {}
    for capability in (trade_service.JOB_HANDLERS, payments_service.JOB_HANDLERS, pricing_service.JOB_HANDLERS,
                       membership_service.JOB_HANDLERS, search_shops.JOB_HANDLERS, SEARCH_INDEXER.job_handlers,
                       recommend_service.JOB_HANDLERS, CREDIT_RATER.job_handlers,
                       aftersales_service.JOB_HANDLERS, reviews_service.JOB_HANDLERS,
                       reviews_abuse_service.JOB_HANDLERS):
        overlap = handlers.keys() & capability.keys()
        assert not overlap, f"job kinds registered twice: {sorted(overlap)}"
        handlers.update(capability)
    return handlers


def segment_sources() -> dict[str, SegmentSource]:
    """The consumer segments pricing's campaigns reach through higher capabilities (members, never paid)."""
    return dict(membership_service.SEGMENT_SOURCES)
