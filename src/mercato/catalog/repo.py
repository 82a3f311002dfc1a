"""Queries for the category tree, category attributes, commission rates and prohibited words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from mercato.catalog.tables import categories, category_attributes, commission_rates, prohibited_words
from mercato.catalog.taxonomy import AttributeDef, CategoryView
from mercato.catalog.words import ProhibitedWord


def _attribute(row: Any) -> AttributeDef:
    options = tuple(row.options) if row.options is not None else None
    return AttributeDef(code=row.code, name_en=row.attr_name_en, name_zh=row.attr_name_zh,
                        required=bool(row.required), options=options, position=row.attr_position)


def _category(row: Any, attributes: Sequence[AttributeDef]) -> CategoryView:
    return CategoryView(id=row.id, parent_id=row.parent_id, level=row.level, slug=row.slug, name_en=row.name_en,
                        name_zh=row.name_zh, position=row.position, restricted=bool(row.restricted),
                        active=bool(row.active), attributes=tuple(attributes))


class TaxonomyRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _insert(self, table: sa.Table) -> Any:
        return (postgresql.insert(table) if self.conn.dialect.name == "postgresql" else sqlite.insert(table))

    def all_categories(self) -> list[CategoryView]:
        """Every category with its own attributes, in one query (a LEFT JOIN, one row per attribute)."""
        a = category_attributes
        query = (sa.select(categories, a.c.code, a.c.name_en.label("attr_name_en"),
                           a.c.name_zh.label("attr_name_zh"), a.c.required, a.c.options,
                           a.c.position.label("attr_position"))
                 .select_from(categories.outerjoin(a, a.c.category_id == categories.c.id))
                 .order_by(categories.c.id, a.c.position, a.c.code))
        rows: dict[str, tuple[Any, list[AttributeDef]]] = {}
        for row in self.conn.execute(query):
            _, attrs = rows.setdefault(row.id, (row, []))
            if row.code is not None:
                attrs.append(_attribute(row))
        return [_category(row, attrs) for row, attrs in rows.values()]

    def slug_taken(self, slug: str) -> bool:
        query = sa.select(categories.c.id).where(categories.c.slug == slug)
        return self.conn.execute(query).first() is not None

    def insert_category(self, cat: CategoryView, now: datetime) -> None:
        self.conn.execute(categories.insert().values(
            id=cat.id, parent_id=cat.parent_id, level=cat.level, slug=cat.slug, name_en=cat.name_en,
            name_zh=cat.name_zh, position=cat.position, restricted=cat.restricted, active=cat.active,
            created_at=now))

    def update_category(self, cat: CategoryView) -> None:
        self.conn.execute(categories.update().where(categories.c.id == cat.id).values(
            name_en=cat.name_en, name_zh=cat.name_zh, position=cat.position, restricted=cat.restricted,
            active=cat.active))

    def replace_attributes(self, category_id: str, defs: Sequence[AttributeDef]) -> None:
        a = category_attributes
        self.conn.execute(a.delete().where(a.c.category_id == category_id))
        if defs:
            self.conn.execute(a.insert(), [
                {"category_id": category_id, "code": d.code, "name_en": d.name_en, "name_zh": d.name_zh,
                 "required": d.required, "options": list(d.options) if d.options is not None else None,
                 "position": d.position} for d in defs])

    def rates(self) -> dict[tuple[str, str], int]:
        c = commission_rates.c
        return {(r.vertical_id, r.store_kind): r.rate_bp
                for r in self.conn.execute(sa.select(c.vertical_id, c.store_kind, c.rate_bp))}

    def rate(self, vertical_id: str, store_kind: str) -> int | None:
        c = commission_rates.c
        query = sa.select(c.rate_bp).where(c.vertical_id == vertical_id, c.store_kind == store_kind)
        return self.conn.execute(query).scalar_one_or_none()

    def rates_for(self, verticals: Iterable[str]) -> dict[tuple[str, str], int]:
        c = commission_rates.c
        query = sa.select(c.vertical_id, c.store_kind, c.rate_bp).where(c.vertical_id.in_(sorted(set(verticals))))
        return {(r.vertical_id, r.store_kind): r.rate_bp for r in self.conn.execute(query)}

    def upsert_rate(self, vertical_id: str, store_kind: str, rate_bp: int, now: datetime) -> None:
        stmt = self._insert(commission_rates).values(vertical_id=vertical_id, store_kind=store_kind,
                                                     rate_bp=rate_bp, updated_at=now)
        self.conn.execute(stmt.on_conflict_do_update(index_elements=["vertical_id", "store_kind"],
                                                     set_={"rate_bp": rate_bp, "updated_at": now}))

    def words(self) -> list[ProhibitedWord]:
        w = prohibited_words.c
        rows = self.conn.execute(sa.select(w.id, w.word, w.created_at).order_by(w.word))
        return [ProhibitedWord(r.id, r.word, r.created_at) for r in rows]

    def word_texts(self) -> list[str]:
        return list(self.conn.execute(sa.select(prohibited_words.c.word)).scalars())

    def add_word(self, word: ProhibitedWord) -> bool:
        """False when the word is already there (the unique constraint decides, not a prior read)."""
        stmt = self._insert(prohibited_words).values(id=word.id, word=word.word, created_at=word.created_at)
        query = stmt.on_conflict_do_nothing(index_elements=["word"]).returning(prohibited_words.c.id)
        return self.conn.execute(query).scalar_one_or_none() is not None

    def remove_word(self, word_id: str) -> str | None:
        w = prohibited_words
        return self.conn.execute(w.delete().where(w.c.id == word_id).returning(w.c.word)).scalar_one_or_none()
