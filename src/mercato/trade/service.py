"""The trade use cases, one public surface: cart and addresses, checkout and placement, the consumer's orders,
the merchant's fulfilment and shipping settings, the operator's views, the jobs and the payment-captured handler.

Public use cases take `rt` first and open their own unit of work. The use cases live in private modules grouped by
concern and are re-exported here; other capabilities and the pages use only this module and `trade.model`.
"""

from __future__ import annotations

from collections.abc import Mapping

from mercato.kernel.jobs import Handler
from mercato.trade._aftersales import (
    AftersalesLine,
    AftersalesOrder,
    mark_refunded_in,
    order_for_aftersales_in,
    payment_orders_in,
)
from mercato.trade._cart import (
    add_address,
    add_to_cart,
    addresses,
    cart,
    delete_address,
    remove_from_cart,
    set_cart_quantity,
    set_default_address,
)
from mercato.trade._checkout import CLOSE_PAYMENT_JOB, checkout_preview, close_payment_job, place_order
from mercato.trade._credit import TradeCreditFacts, credit_facts_in
from mercato.trade._fulfilment import (
    AUTO_CONFIRM_JOB,
    auto_confirm_job,
    confirm_receipt,
    on_payment_captured,
    set_shipping_settings,
    ship_order,
    shipping_settings,
)
from mercato.trade._orders import (
    all_orders,
    cancel_order,
    my_order,
    my_orders,
    operator_order,
    store_order,
    store_orders,
    verify_ledger,
)
from mercato.trade._reviews import (  # what reviews asks of trade
    DEFAULT_REVIEWS_JOB,
    ReviewableLine,
    order_lines_for_reviews_in,
    review_lines_by_ids_in,
    reviewable_lines_in,
)
from mercato.trade._signals import paid_product_ids_in, units_sold_since_in

JOB_HANDLERS: Mapping[str, Handler] = {
    CLOSE_PAYMENT_JOB: close_payment_job,
    AUTO_CONFIRM_JOB: auto_confirm_job,
}

__all__ = [
    "AUTO_CONFIRM_JOB",
    "CLOSE_PAYMENT_JOB",
    "DEFAULT_REVIEWS_JOB",
    "JOB_HANDLERS",
    "AftersalesLine",
    "AftersalesOrder",
    "ReviewableLine",
    "TradeCreditFacts",
    "add_address",
    "add_to_cart",
    "addresses",
    "all_orders",
    "auto_confirm_job",
    "cancel_order",
    "cart",
    "checkout_preview",
    "close_payment_job",
    "confirm_receipt",
    "credit_facts_in",
    "delete_address",
    "mark_refunded_in",
    "my_order",
    "my_orders",
    "on_payment_captured",
    "operator_order",
    "order_for_aftersales_in",
    "order_lines_for_reviews_in",
    "paid_product_ids_in",
    "payment_orders_in",
    "place_order",
    "remove_from_cart",
    "review_lines_by_ids_in",
    "reviewable_lines_in",
    "set_cart_quantity",
    "set_default_address",
    "set_shipping_settings",
    "ship_order",
    "shipping_settings",
    "store_order",
    "store_orders",
    "units_sold_since_in",
    "verify_ledger",
]
