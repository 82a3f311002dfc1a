"""The operator's platform promotions: cross-store festivals (stores opt in), subsidy prices, member prices,
platform vouchers (red envelopes, new-customer gifts), and red-envelope campaigns that issue a voucher to a segment
of consumers in batches, one transaction per batch, from a job that is safe to run twice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from mercato.accounts import service as accounts
from mercato.audit import service as audit
from mercato.catalog import service as catalog
from mercato.kernel import jobs
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime, SegmentSource
from mercato.kernel.uow import UnitOfWork
from mercato.pricing._claims import schedule_expiry_in
from mercato.pricing._holdings import issue_held_in
from mercato.pricing._manage import move_status_in
from mercato.pricing._manage_common import audit_detail, new_row, values_of, view_in, views_in
from mercato.pricing.manage_repo import ManageRepo
from mercato.pricing.model import CouponLimitReached, CouponSoldOut, Kind, PromotionNotFound, PromotionNotIssuable
from mercato.pricing.model.drafts import Phase, PromotionDraft, PromotionStatusConflict, check_draft, check_edit
from mercato.pricing.model.views import (
    PROVIDED_SEGMENTS,
    PromotionScopeInvalid,
    PromotionView,
    Segment,
    SegmentInvalid,
    SegmentKind,
)
from mercato.stores import service as stores

OWNER = "platform"
CAMPAIGN_JOB = "pricing.issue_campaign"
CAMPAIGN_BATCH = 500


def _platform_in(uow: UnitOfWork, promotion_id: str) -> PromotionView:
    view = view_in(uow, promotion_id)
    if view.owner != OWNER:
        raise PromotionNotFound(promotion_id=promotion_id)
    return view


def _check_scope_in(uow: UnitOfWork, draft: PromotionDraft) -> None:
    """SKUs that exist (any store's: the platform funds them) and verticals that are top-level categories."""
    wanted = sorted(draft.sku_ids)
    found = catalog.skus_by_ids_in(uow, wanted) if wanted else {}
    if len(found) != len(wanted):
        raise PromotionScopeInvalid("Choose SKUs that exist", field="sku_ids")
    verticals = {c.id for c in catalog.category_tree_in(uow).roots} if draft.vertical_ids else set()
    if not draft.vertical_ids <= verticals:
        raise PromotionScopeInvalid("Choose verticals (top-level categories)", field="vertical_ids")


# --- reads --------------------------------------------------------------------------------------------------------

def platform_promotions(rt: Runtime, principal: Principal) -> list[PromotionView]:
    stores.require_operator(principal)
    with rt.uow(read_only=True) as uow:
        return views_in(uow, ManageRepo(uow.conn).platform_rows())


def platform_promotion(rt: Runtime, principal: Principal, promotion_id: str) -> PromotionView:
    stores.require_operator(principal)
    with rt.uow(read_only=True) as uow:
        return _platform_in(uow, promotion_id)


# --- changes ------------------------------------------------------------------------------------------------------

def create_platform_promotion(rt: Runtime, principal: Principal, draft: PromotionDraft) -> PromotionView:
    stores.require_operator(principal)
    cleaned = check_draft(draft, OWNER, None)
    now, promotion_id = rt.clock.now(), new_id()
    with rt.uow() as uow:
        _check_scope_in(uow, cleaned)
        ManageRepo(uow.conn).insert(new_row(cleaned, promotion_id, OWNER, None, principal.user_id, now))
        audit.record(uow, principal, "promotion.create", "promotion", promotion_id, audit_detail(cleaned), now)
        view = view_in(uow, promotion_id)
        uow.commit()
    return view


def update_platform_promotion(rt: Runtime, principal: Principal, promotion_id: str,
                              draft: PromotionDraft) -> PromotionView:
    """Replace it before the start; after the start only the names change."""
    stores.require_operator(principal)
    cleaned = check_draft(draft, OWNER, None)
    now = rt.clock.now()
    with rt.uow() as uow:
        current = _platform_in(uow, promotion_id)
        if current.status.value == "ended":
            raise PromotionStatusConflict("An ended promotion cannot change", status="ended")
        check_edit(current.draft, cleaned, current.window.has_started(now))
        _check_scope_in(uow, cleaned)
        ManageRepo(uow.conn).update(promotion_id, **values_of(cleaned, promotion_id, None), updated_at=now)
        audit.record(uow, principal, "promotion.update", "promotion", promotion_id, audit_detail(cleaned), now)
        view = view_in(uow, promotion_id)
        uow.commit()
    return view


def set_platform_promotion_status(rt: Runtime, principal: Principal, promotion_id: str,
                                  action: str) -> PromotionView:
    stores.require_operator(principal)
    now = rt.clock.now()
    with rt.uow() as uow:
        move_status_in(uow, principal, _platform_in(uow, promotion_id), action, now)
        view = view_in(uow, promotion_id)
        uow.commit()
    return view


# --- red-envelope campaigns ---------------------------------------------------------------------------------------

def issue_campaign(rt: Runtime, principal: Principal, promotion_id: str, segment: Segment) -> str:
    """Start issuing a running platform voucher to a segment; the campaign id. Each consumer is topped up to the
    voucher's per-person limit, and issuing stops when its total quantity is reached."""
    stores.require_operator(principal)
    if segment.kind in PROVIDED_SEGMENTS:
        _source(rt, segment.kind.value)
    now, campaign_id = rt.clock.now(), new_id()
    with rt.uow() as uow:
        voucher = _platform_in(uow, promotion_id)
        if voucher.kind is not Kind.PLATFORM_VOUCHER or voucher.phase(now) is not Phase.RUNNING:
            raise PromotionNotIssuable(promotion_id=promotion_id, status=voucher.status.value)
        since = segment.since(now)
        payload = {"campaign_id": campaign_id, "promotion_id": promotion_id, "after": "",
                   "segment": segment.kind.value, "since": since.isoformat() if since else None}
        jobs.enqueue(uow, CAMPAIGN_JOB, payload, now=now, key=f"{CAMPAIGN_JOB}:{campaign_id}:")
        audit.record(uow, principal, "promotion.campaign", "promotion", promotion_id,
                     {"campaign_id": campaign_id, "segment": segment.kind.value, "days": segment.days}, now)
        uow.commit()
    return campaign_id


def issue_campaign_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """The segment's consumers among one page of consumers after `after`; the next page is its own job (keyed by
    its cursor, so a repeated delivery enqueues it once), and a consumer already at the limit gets nothing more:
    re-runs issue nothing twice."""
    now = rt.clock.now()
    with rt.uow() as uow:
        consumer_ids, after = _page_in(rt, uow, payload, now)
        finished = _issue_batch_in(uow, str(payload["promotion_id"]), consumer_ids, now)
        if consumer_ids:
            schedule_expiry_in(uow, now)
        if not finished and after is not None:
            jobs.enqueue(uow, CAMPAIGN_JOB, {**payload, "after": after}, now=now,
                         key=f"{CAMPAIGN_JOB}:{payload['campaign_id']}:{after}")
        uow.commit()


def _source(rt: Runtime, kind: str) -> SegmentSource:
    """The source a higher capability provides for the segment (see mercato.wiring); refused when none does."""
    source = rt.segments.get(kind)
    if source is None:
        raise SegmentInvalid("This segment is not available", field="segment")
    return source


def _page_in(rt: Runtime, uow: UnitOfWork, payload: Mapping[str, Any],
             now: datetime) -> tuple[list[str], str | None]:
    """The segment's consumers in the next page of CAMPAIGN_BATCH consumers, and the cursor after that page."""
    kind, after = str(payload.get("segment") or SegmentKind.EVERYONE.value), str(payload["after"])
    if kind in PROVIDED_SEGMENTS:
        return _source(rt, kind)(uow, after, CAMPAIGN_BATCH, now)
    since = datetime.fromisoformat(payload["since"]) if payload.get("since") else None
    consumer_ids = accounts.consumer_ids_after_in(uow, after, CAMPAIGN_BATCH, since)
    return consumer_ids, consumer_ids[-1] if len(consumer_ids) == CAMPAIGN_BATCH else None


def _issue_batch_in(uow: UnitOfWork, promotion_id: str, consumer_ids: Sequence[str], now: datetime) -> bool:
    """Top each consumer up to the per-person limit; True when the campaign is over (sold out, paused, ended)."""
    repo = ManageRepo(uow.conn)
    row = repo.row(promotion_id)
    per_person = int(row.per_person) if row is not None else 0
    for consumer_id in consumer_ids:
        for _ in range(per_person - repo.held_count(promotion_id, consumer_id)):
            try:
                issue_held_in(uow, promotion_id=promotion_id, consumer_id=consumer_id, source="campaign", now=now)
            except CouponLimitReached:
                break
            except (CouponSoldOut, PromotionNotIssuable, PromotionNotFound):
                return True
    return row is None
