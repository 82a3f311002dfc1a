"""What the merchant's and the operator's promotion use cases share: a row as a view (through `rows`, the one row
mapping), a checked draft as row values, loading with counts, and the audit detail of a change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mercato.kernel.uow import UnitOfWork
from mercato.pricing.manage_repo import ManageRepo
from mercato.pricing.model import Kind, PromotionNotFound
from mercato.pricing.model.drafts import PromotionDraft, PromotionStatus, draft_of, promotion_of_draft
from mercato.pricing.model.views import PromotionView
from mercato.pricing.rows import columns_of, promotion_of, rule_of


def view_of(row: Any, opted: Sequence[str] = (), used: int = 0) -> PromotionView:
    promo = promotion_of(row._mapping, opted)
    draft = draft_of(promo, (row.name_en, row.name_zh),
                     (row.total_quantity, int(row.per_person), row.valid_days, bool(row.claimable)))
    return PromotionView(id=row.id, owner=row.owner, store_id=row.store_id, status=PromotionStatus(row.status),
                         draft=draft, issued=int(row.issued), used=used, opted_store_ids=tuple(opted),
                         created_at=row.created_at)


def views_in(uow: UnitOfWork, rows: Sequence[Any]) -> list[PromotionView]:
    """Views with their used counts and festival opt-ins, in two statements whatever the number of rows."""
    repo = ManageRepo(uow.conn)
    ids = [row.id for row in rows]
    used = repo.used_counts(ids)
    opted = repo.opted([row.id for row in rows if row.kind == Kind.CROSS_STORE_REDUCTION.value])
    return [view_of(row, opted.get(row.id, ()), used.get(row.id, 0)) for row in rows]


def view_in(uow: UnitOfWork, promotion_id: str) -> PromotionView:
    row = ManageRepo(uow.conn).row(promotion_id)
    if row is None:
        raise PromotionNotFound(promotion_id=promotion_id)
    return views_in(uow, [row])[0]


def values_of(draft: PromotionDraft, promotion_id: str, store_id: str | None) -> dict[str, Any]:
    """The columns a checked draft sets (owner, status, counts and authorship are the caller's)."""
    values = columns_of(promotion_of_draft(draft, promotion_id, [store_id] if store_id else []))
    values.update(store_id=store_id, name_en=draft.name_en, name_zh=draft.name_zh, total_quantity=draft.total_quantity,
                  per_person=draft.per_person, valid_days=draft.valid_days, claimable=draft.claimable)
    return values


def new_row(draft: PromotionDraft, promotion_id: str, owner: str, store_id: str | None, actor_id: str,
            now: datetime) -> dict[str, Any]:
    values = values_of(draft, promotion_id, store_id)
    values.update(owner=owner, store_id=store_id, status=PromotionStatus.ACTIVE.value, issued=0,
                  created_by=actor_id, created_at=now, updated_at=now)
    return values


def audit_detail(draft: PromotionDraft) -> dict[str, Any]:
    """The numbers of a promotion as the audit log keeps them: small and JSON-safe (the scope as counts)."""
    return {"kind": draft.kind.value, "name_en": draft.name_en, "rule": rule_of(promotion_of_draft(draft, "-")),
            "starts_at": draft.starts_at.isoformat() if draft.starts_at else None,
            "ends_at": draft.ends_at.isoformat() if draft.ends_at else None,
            "skus": len(draft.sku_ids), "verticals": len(draft.vertical_ids),
            "platform_share_bp": draft.platform_share_bp, "total_quantity": draft.total_quantity,
            "per_person": draft.per_person}
