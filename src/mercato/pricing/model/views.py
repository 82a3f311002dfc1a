"""What the management pages and the API show: a promotion with its counts, a festival as a store sees it, a
held coupon or voucher as its consumer sees it, and the consumer segments a red-envelope campaign targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from mercato.kernel.errors import EntityNotFound, InputInvalid, StateConflict
from mercato.pricing.model.drafts import Phase, PromotionDraft, PromotionStatus, phase_of
from mercato.pricing.model.types import Kind, Window

SEGMENT_DAYS_MAX = 3650
EXPIRE_JOB = "pricing.expire_held"  # the hourly job that expires held coupons (see pricing._claims)


class CouponNotClaimable(StateConflict):
    code = "coupon_not_claimable"
    title = "This voucher is handed out by the platform and cannot be claimed"


class FestivalAlreadyStarted(StateConflict):
    code = "festival_already_started"
    title = "The festival has started: a store cannot opt out any more"


class SegmentInvalid(InputInvalid):
    code = "segment_invalid"
    title = "Choose who receives the vouchers"


@dataclass(frozen=True, slots=True)
class PromotionView:
    id: str
    owner: str
    store_id: str | None
    status: PromotionStatus
    draft: PromotionDraft
    issued: int
    used: int
    opted_store_ids: tuple[str, ...]
    created_at: datetime

    @property
    def kind(self) -> Kind:
        return self.draft.kind

    @property
    def window(self) -> Window:
        return Window(self.draft.starts_at, self.draft.ends_at)

    def phase(self, now: datetime) -> Phase:
        return phase_of(self.status, self.window, now)


@dataclass(frozen=True, slots=True)
class FestivalView:
    """A cross-store reduction as one store sees it: whether it opted in and whether it may still opt out."""

    promotion: PromotionView
    opted_in: bool
    may_opt_out: bool


class HeldStatus(StrEnum):
    AVAILABLE = "available"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class HeldView:
    """One coupon or voucher the consumer holds; `store_id` None means valid in every store."""

    id: str
    promotion_id: str
    kind: Kind
    name_en: str
    name_zh: str
    store_id: str | None
    store_name_en: str
    store_name_zh: str
    threshold: int
    amount: int
    percent: int
    cap: int | None
    status: HeldStatus
    valid_until: datetime | None
    issued_at: datetime
    used_at: datetime | None


class SegmentKind(StrEnum):
    EVERYONE = "everyone"  # every active consumer account
    NEW_CONSUMERS = "new_consumers"  # registered in the last `days` days
    MEMBERS = "members"  # a paid membership in force when the batch runs
    NEVER_PAID = "never_paid"  # no captured order payment yet: new customers to convert


# Segments pricing cannot see from below (membership, payments): a higher capability provides them through
# `Runtime.segments`, filled by the composition root.
PROVIDED_SEGMENTS = frozenset({SegmentKind.MEMBERS, SegmentKind.NEVER_PAID})


@dataclass(frozen=True, slots=True)
class Segment:
    kind: SegmentKind
    days: int = 0

    def since(self, now: datetime) -> datetime | None:
        return now - timedelta(days=self.days) if self.kind is SegmentKind.NEW_CONSUMERS else None


def check_segment(kind: str, days: int) -> Segment:
    if kind not in SegmentKind._value2member_map_:
        raise SegmentInvalid(field="segment")
    segment = Segment(SegmentKind(kind), days if kind == SegmentKind.NEW_CONSUMERS else 0)
    if segment.kind is SegmentKind.NEW_CONSUMERS and not 1 <= days <= SEGMENT_DAYS_MAX:
        raise SegmentInvalid("Registered within 1 to 3650 days", field="days")
    return segment


class VoucherNotFound(EntityNotFound):
    code = "voucher_not_found"
    title = "No such coupon or voucher"


class PromotionScopeInvalid(InputInvalid):
    code = "promotion_scope_invalid"
    title = "Choose SKUs of this store and verticals that exist"
