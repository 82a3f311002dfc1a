"""Queries for products and SKUs (the write side; storefront listing queries live in browse_repo)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.catalog.model import ProductStatus, ProductView, SkuStatus, SkuView
from mercato.catalog.tables import products, skus


def sku_view(row: Any) -> SkuView:
    return SkuView(id=row.id, product_id=row.product_id, store_id=row.store_id, code=row.code,
                   options=dict(row.options or {}), price_minor=int(row.price_minor),
                   list_price_minor=int(row.list_price_minor) if row.list_price_minor is not None else None,
                   status=SkuStatus(row.status), position=row.position)


def product_view(row: Any, sku_rows: Sequence[SkuView] = ()) -> ProductView:
    return ProductView(
        id=row.id, store_id=row.store_id, store_kind=row.store_kind, brand_id=row.brand_id,
        category_id=row.category_id, vertical_id=row.vertical_id, category_l2_id=row.category_l2_id,
        category_l3_id=row.category_l3_id, title_en=row.title_en, title_zh=row.title_zh,
        description_en=row.description_en, description_zh=row.description_zh,
        attributes=dict(row.attributes or {}), image_urls=tuple(row.image_urls or ()),
        status=ProductStatus(row.status), review_note=row.review_note, min_price_minor=int(row.min_price_minor),
        max_price_minor=int(row.max_price_minor), in_stock=bool(row.in_stock), sales_count=row.sales_count,
        created_at=row.created_at, updated_at=row.updated_at, skus=tuple(sku_rows))


class ProductRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert_product(self, values: dict[str, Any]) -> None:
        self.conn.execute(products.insert().values(**values))

    def insert_skus(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(skus.insert(), list(rows))

    def get(self, product_id: str, *, lock: bool = False) -> ProductView | None:
        query = sa.select(products).where(products.c.id == product_id)
        row = self.conn.execute(query.with_for_update() if lock else query).first()
        return product_view(row, self.skus_of(product_id)) if row else None

    def skus_of(self, product_id: str) -> list[SkuView]:
        query = sa.select(skus).where(skus.c.product_id == product_id).order_by(skus.c.position, skus.c.id)
        return [sku_view(r) for r in self.conn.execute(query)]

    def sku(self, sku_id: str) -> SkuView | None:
        row = self.conn.execute(sa.select(skus).where(skus.c.id == sku_id)).first()
        return sku_view(row) if row else None

    def by_ids(self, product_ids: Iterable[str]) -> dict[str, ProductView]:
        """Products without their SKUs, in one query (callers that need SKUs read them by id)."""
        ids = list(set(product_ids))
        if not ids:
            return {}
        return {r.id: product_view(r) for r in self.conn.execute(sa.select(products).where(products.c.id.in_(ids)))}

    def skus_by_ids(self, sku_ids: Iterable[str]) -> dict[str, SkuView]:
        ids = list(set(sku_ids))
        if not ids:
            return {}
        return {r.id: sku_view(r) for r in self.conn.execute(sa.select(skus).where(skus.c.id.in_(ids)))}

    def update(self, product_id: str, **values: Any) -> None:
        self.conn.execute(products.update().where(products.c.id == product_id).values(**values))

    def update_sku(self, sku_id: str, **values: Any) -> None:
        self.conn.execute(skus.update().where(skus.c.id == sku_id).values(**values))

    def move_store_products(self, store_id: str, source: str, target: str, now: datetime) -> int:
        """Every product of `store_id` in status `source` goes to `target` (one conditional update)."""
        result = self.conn.execute(products.update()
                                   .where(products.c.store_id == store_id, products.c.status == source)
                                   .values(status=target, updated_at=now))
        return int(result.rowcount)

    def set_in_stock(self, product_id: str, in_stock: bool) -> bool:
        """Whether the flag flipped. Conditional, so a stock change that does not flip it writes nothing."""
        result = self.conn.execute(products.update()
                                   .where(products.c.id == product_id, products.c.in_stock.is_not(in_stock))
                                   .values(in_stock=in_stock))
        return bool(result.rowcount)

    def taken_codes(self, store_id: str, codes: Iterable[str], exclude_product_id: str | None = None) -> set[str]:
        wanted = list(set(codes))
        if not wanted:
            return set()
        query = sa.select(skus.c.code).where(skus.c.store_id == store_id, skus.c.code.in_(wanted))
        if exclude_product_id is not None:
            query = query.where(skus.c.product_id != exclude_product_id)
        return set(self.conn.execute(query).scalars())

    def store_page(self, store_id: str, status: ProductStatus | None, before_id: str | None,
                   limit: int) -> list[ProductView]:
        """Newest first."""
        query = sa.select(products).where(products.c.store_id == store_id)
        if status is not None:
            query = query.where(products.c.status == status.value)
        if before_id is not None:
            query = query.where(products.c.id < before_id)
        return [product_view(r) for r in self.conn.execute(query.order_by(products.c.id.desc()).limit(limit))]

    def pending_page(self, after_id: str | None, limit: int) -> list[ProductView]:
        """Oldest first: the review queue is worked in the order merchants submitted."""
        query = sa.select(products).where(products.c.status == ProductStatus.PENDING_REVIEW.value)
        if after_id is not None:
            query = query.where(products.c.id > after_id)
        return [product_view(r) for r in self.conn.execute(query.order_by(products.c.id).limit(limit))]

    def count_by_status(self, store_id: str) -> dict[str, int]:
        query = (sa.select(products.c.status, sa.func.count()).where(products.c.store_id == store_id)
                 .group_by(products.c.status))
        return {status: int(n) for status, n in self.conn.execute(query)}

    def ids_after(self, after_id: str | None, limit: int) -> list[str]:
        """Every product's id in id order, a keyset page at a time (for rebuilding derived indexes)."""
        query = sa.select(products.c.id).order_by(products.c.id).limit(limit)
        if after_id is not None:
            query = query.where(products.c.id > after_id)
        return list(self.conn.execute(query).scalars())

    def count_all(self) -> int:
        return int(self.conn.execute(sa.select(sa.func.count()).select_from(products)).scalar_one())
