"""Helpers for catalog and inventory tests: people through the accounts use cases, stores and staff as rows
(the stores capability tests its own application flow), a small category tree, drafts, and a snapshot of every
catalog and inventory row so a refusal can be shown to have changed nothing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa

from mercato.audit import service as audit
from mercato.catalog import service as catalog
from mercato.catalog.model import ProductDraft, SkuDraft
from mercato.catalog.tables import categories, category_attributes, commission_rates, products, prohibited_words, skus
from mercato.catalog.taxonomy import AttributeDef, CategoryView
from mercato.inventory.tables import stock, stock_movements
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores.tables import brand_authorisations, brands, store_staff, stores
from support import PASSWORD as PASSWORD
from support import csrf_from as csrf_from
from support import log_in as log_in
from support import person as person

TABLES = (categories, category_attributes, commission_rates, prohibited_words, products, skus, stock,
          stock_movements)




def open_store(rt: Runtime, owner: Principal, *, slug: str, kind: str = "independent",
               status: str = "active", brand_id: str | None = None) -> str:
    store_id = new_id()
    now = rt.clock.now()
    with rt.uow() as uow:
        uow.conn.execute(stores.insert().values(
            id=store_id, slug=slug, kind=kind, status=status, name_en=slug.title(), name_zh=slug,
            description_en="", description_zh="", brand_id=brand_id, owner_id=owner.user_id, created_at=now))
        uow.conn.execute(store_staff.insert().values(store_id=store_id, user_id=owner.user_id, role="owner",
                                                     permissions="", added_at=now))
        uow.commit()
    return store_id


def add_staff(rt: Runtime, store_id: str, member: Principal, permissions: str) -> None:
    with rt.uow() as uow:
        uow.conn.execute(store_staff.insert().values(store_id=store_id, user_id=member.user_id, role="staff",
                                                     permissions=permissions, added_at=rt.clock.now()))
        uow.commit()


def make_brand(rt: Runtime, slug: str, *, protected: bool) -> str:
    brand_id = new_id()
    with rt.uow() as uow:
        uow.conn.execute(brands.insert().values(id=brand_id, slug=slug, name_en=slug.upper(), name_zh=slug,
                                                protected=protected, created_at=rt.clock.now()))
        uow.commit()
    return brand_id


def authorise(rt: Runtime, store_id: str, brand_id: str) -> None:
    with rt.uow() as uow:
        uow.conn.execute(brand_authorisations.insert().values(
            brand_id=brand_id, store_id=store_id, reference="LIC-1", valid_until=None, granted_at=rt.clock.now()))
        uow.commit()


@dataclass(frozen=True)
class Tree:
    apparel: CategoryView
    tops: CategoryView
    tees: CategoryView
    health: CategoryView
    medicine: CategoryView


def build_tree(rt: Runtime, operator: Principal, prefix: str = "") -> Tree:
    """apparel > tops > tees (size required, from S/M/L; material free text on apparel);
    health > medicine (restricted)."""
    apparel = catalog.create_category(rt, operator, None, f"{prefix}apparel", "Apparel", "服装")
    tops = catalog.create_category(rt, operator, apparel.id, f"{prefix}tops", "Tops", "上衣")
    tees = catalog.create_category(rt, operator, tops.id, f"{prefix}tees", "T-shirts", "T恤")
    health = catalog.create_category(rt, operator, None, f"{prefix}health", "Health", "健康")
    medicine = catalog.create_category(rt, operator, health.id, f"{prefix}medicine", "Medicine", "药品",
                                       restricted=True)
    catalog.set_category_attributes(rt, operator, apparel.id, [AttributeDef("material", "Material", "材质")])
    catalog.set_category_attributes(rt, operator, tees.id, [
        AttributeDef("size_system", "Size system", "尺码体系", required=True, options=("EU", "CN"))])
    return Tree(apparel, tops, tees, health, medicine)


def tee_draft(tree: Tree, **overrides: Any) -> ProductDraft:
    draft = ProductDraft(
        category_id=tree.tees.id, brand_id=None, title_en="Cotton tee", title_zh="纯棉T恤",
        description_en="Soft cotton", description_zh="柔软纯棉", attributes={"size_system": "CN", "material": "cotton"},
        image_urls=("https://img.example.com/tee.jpg",),
        skus=(SkuDraft("TEE-RED-M", {"colour": "Red", "size": "M"}, 9900, 12900, stock=5),
              SkuDraft("TEE-RED-L", {"colour": "Red", "size": "L"}, 10900, None, stock=0)))
    return replace(draft, **overrides)


def snapshot(rt: Runtime) -> dict[str, Any]:
    """Every row of every catalog and inventory table, and every audit entry's action."""
    with rt.uow(read_only=True) as uow:
        rows: dict[str, Any] = {t.name: sorted(tuple(str(v) for v in r) for r in uow.conn.execute(sa.select(t)))
                                for t in TABLES}
        rows["audit"] = uow.conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()
    return rows


def audit_actions(rt: Runtime, target_type: str, target_id: str) -> list[str]:
    with rt.uow(read_only=True) as uow:
        return sorted(e.action for e in audit.entries_for_target_in(uow, target_type, target_id))



