"""Fixtures for the shopper side: a small bilingual marketplace inserted as rows, rolled back after each test."""

from __future__ import annotations

import pytest

from mercato.kernel.runtime import Runtime
from storefront.catalog_rows import CatalogRows, Market
from storefront.promo_rows import Promos, seed_promotions


@pytest.fixture
def rows(rt: Runtime) -> CatalogRows:
    return CatalogRows(rt)


@pytest.fixture
def market(rows: CatalogRows) -> Market:
    """Two stores (a flagship of brand Acme and an independent tea shop), three products, one delisted."""
    apparel = rows.category("apparel", name_en="Apparel", name_zh="服饰")
    tops = rows.category("tops", apparel, name_en="Tops", name_zh="上装")
    tees = rows.category("tees", tops, name_en="T-shirts", name_zh="T恤")
    food = rows.category("food", name_en="Food", name_zh="食品")
    acme = rows.brand("Acme", "极致")
    flagship = rows.store("flagship", slug="acme-official", name_en="Acme Official", name_zh="极致官方旗舰店",
                          brand_id=acme)
    corner = rows.store("independent", slug="leaf-and-cup", name_en="Leaf and Cup", name_zh="叶与杯",
                        tags=("handmade", "tea"))
    shirt = rows.product(flagship, tees, title_en="Cotton Tee", title_zh="纯棉T恤", price=9900, max_price=12900,
                         brand_id=acme, store_kind="flagship", attributes={"material": "cotton"})
    red_m = rows.sku(shirt, flagship, {"colour": "Red", "size": "M"}, price=9900, list_price=15900, available=7)
    red_l = rows.sku(shirt, flagship, {"colour": "Red", "size": "L"}, price=9900, available=0, position=1)
    blue_m = rows.sku(shirt, flagship, {"colour": "Blue", "size": "M"}, price=12900, available=2, position=2)
    rows.sku(shirt, flagship, {"colour": "Green", "size": "M"}, price=12900, status="inactive", position=3)
    tea = rows.product(corner, food, title_en="Longjing Green Tea", title_zh="西湖龙井", price=6800, sales=40)
    rows.sku(tea, corner, {}, price=6800, available=20)
    hidden = rows.product(corner, food, title_en="Old Tea", title_zh="陈茶", status="delisted")
    return Market(rows, apparel, tops, tees, food, acme, flagship, corner, shirt, tea, hidden, red_m, red_l, blue_m)


@pytest.fixture
def promos(rt: Runtime, market: Market) -> Promos:
    """On the market: a festival the flagship joined, a special price on red M, ¥20 off every ¥200 and a ¥10
    coupon at the flagship, and members 5% off everywhere."""
    return seed_promotions(rt, market)
