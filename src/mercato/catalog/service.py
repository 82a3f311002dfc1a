"""The catalog use cases, one public surface: public use cases take `rt` first and open their own unit of work;
helpers other capabilities call inside their transaction take `uow` first (`*_in`). The use cases live in
private modules grouped by concern (categories, rules, products, SKUs, review) and are re-exported here.
"""

from __future__ import annotations

from mercato.catalog._categories import (
    CategorySlugTaken,
    category_tree,
    category_tree_in,
    create_category,
    get_category_by_slug,
    set_category_attributes,
    update_category,
)
from mercato.catalog._products import (
    create_product,
    delist_product,
    get_product_for_merchant,
    get_product_in,
    list_store_products,
    on_stock_level_changed,
    on_store_status_changed,
    product_count_in,
    product_ids_after_in,
    products_by_ids_in,
    relist_product,
    skus_by_ids_in,
    stock_totals,
    update_product,
)
from mercato.catalog._ratings import ratings_in, set_rating_in
from mercato.catalog._review import approve_product, reject_product, review_queue
from mercato.catalog._rules import (
    ProhibitedWordDuplicate,
    add_prohibited_word,
    commission_rate_in,
    commission_rates,
    commission_rates_in,
    prohibited_words,
    remove_prohibited_word,
    set_commission_rate,
)
from mercato.catalog._skus import (
    StockRow,
    activate_sku,
    add_sku,
    deactivate_sku,
    set_sku_price,
    set_sku_stock,
    stock_row,
    store_stock_rows,
    update_sku,
)
from mercato.catalog._workbench import brand_choices, workbench_store

__all__ = [
    "CategorySlugTaken",
    "ProhibitedWordDuplicate",
    "StockRow",
    "activate_sku",
    "add_prohibited_word",
    "add_sku",
    "approve_product",
    "brand_choices",
    "category_tree",
    "category_tree_in",
    "commission_rate_in",
    "commission_rates",
    "commission_rates_in",
    "create_category",
    "create_product",
    "deactivate_sku",
    "delist_product",
    "get_category_by_slug",
    "get_product_for_merchant",
    "get_product_in",
    "list_store_products",
    "on_stock_level_changed",
    "on_store_status_changed",
    "product_count_in",
    "product_ids_after_in",
    "products_by_ids_in",
    "prohibited_words",
    "ratings_in",
    "reject_product",
    "relist_product",
    "remove_prohibited_word",
    "review_queue",
    "set_category_attributes",
    "set_commission_rate",
    "set_rating_in",
    "set_sku_price",
    "set_sku_stock",
    "skus_by_ids_in",
    "stock_row",
    "stock_totals",
    "store_stock_rows",
    "update_category",
    "update_product",
    "update_sku",
    "workbench_store",
]
