"""Helpers for stores tests: people made through the accounts use cases, application drafts, and a snapshot of
every stores row so a refusal can be shown to have changed nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from mercato.audit import service as audit
from mercato.audit.tables import audit_log
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import service as stores
from mercato.stores.model import ApplicationDraft, StoreView
from mercato.stores.tables import (
    brand_authorisations,
    brands,
    store_applications,
    store_staff,
    store_tags,
)
from mercato.stores.tables import stores as stores_table
from support import PASSWORD as PASSWORD
from support import bearer as bearer
from support import csrf_from as csrf_from
from support import log_in as log_in
from support import person as person

VALID_RESIDENT_ID = "11010519491231002X"
STORES_TABLES = (brands, store_applications, stores_table, store_staff, store_tags, brand_authorisations)




def independent_draft(**overrides: Any) -> ApplicationDraft:
    fields: dict[str, Any] = {
        "kind": "independent", "slug": "tea-house", "name_en": "Tea House", "name_zh": "茶馆",
        "contact_phone": "13800138000", "description": "Leaf tea from Fujian",
        "owner_legal_name": "Li Wei", "owner_id_number": VALID_RESIDENT_ID}
    fields.update(overrides)
    return ApplicationDraft(**fields)


def flagship_draft(brand_id: str, **overrides: Any) -> ApplicationDraft:
    fields: dict[str, Any] = {
        "kind": "flagship", "slug": "acme-official", "name_en": "ACME Official", "name_zh": "ACME 官方旗舰店",
        "contact_phone": "13800138000", "brand_id": brand_id, "authorisation_ref": "LIC-2026-001",
        "authorisation_until": date(2027, 12, 31)}
    fields.update(overrides)
    return ApplicationDraft(**fields)


def open_store(rt: Runtime, operator: Principal, owner: Principal, draft: ApplicationDraft) -> StoreView:
    application = stores.apply_for_store(rt, owner, draft)
    return stores.approve_application(rt, operator, application.id)


def snapshot(rt: Runtime) -> dict[str, Any]:
    """Every row of every stores table, and every audit entry (read straight from the tables: a test's view)."""
    with rt.uow(read_only=True) as uow:
        return {t.name: sorted(tuple(str(v) for v in r) for r in uow.conn.execute(sa.select(t)))
                for t in (*STORES_TABLES, audit_log)}


def audit_actions(rt: Runtime, target_type: str, target_id: str) -> list[str]:
    with rt.uow(read_only=True) as uow:
        return [e.action for e in audit.entries_for_target_in(uow, target_type, target_id)]




APPLICATION_BODY: dict[str, Any] = {
    "kind": "independent", "slug": "tea-house", "name_en": "Tea House", "name_zh": "茶馆",
    "contact_phone": "13800138000", "description": "Leaf tea", "owner_legal_name": "Li Wei",
    "owner_id_number": VALID_RESIDENT_ID}



