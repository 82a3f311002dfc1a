"""The pricing HTTP API under /api/v1: merchants' store promotions and festival opt-ins, the operator's platform
promotions and red-envelope campaigns, and consumers' coupon claims and vouchers. Amounts are fen."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from mercato.kernel.http import ERROR_RESPONSES, require_operator, require_principal, runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.pricing import service
from mercato.pricing.model import ALL_CLASSES, Kind, PromoClass, Requirement, Tier
from mercato.pricing.model.drafts import PromotionDraft, promotion_of_draft
from mercato.pricing.model.views import FestivalView, HeldView, PromotionView, SegmentKind, check_segment
from mercato.pricing.rows import rule_of

router = APIRouter(tags=["pricing"], responses=ERROR_RESPONSES)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(require_principal)]
Operator = Annotated[Principal, Depends(require_operator)]
Fen = Annotated[int, Field(ge=-10**12, le=10**12)]
Ids = Annotated[list[Annotated[str, Field(min_length=1, max_length=26)]], Field(max_length=500)]
Action = Literal["pause", "resume", "end"]


class TierWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: Fen
    amount: Fen


class PromotionWrite(BaseModel):
    """A promotion; which numbers matter depends on `kind` (the domain rules answer 400 `promotion_invalid`)."""

    model_config = ConfigDict(extra="forbid")
    kind: Kind
    name_en: str = Field(max_length=200)
    name_zh: str = Field(default="", max_length=200)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    threshold: Fen = 0
    amount: Fen = 0
    percent: int = Field(default=0, ge=-1000, le=1000)
    cap: Fen | None = None
    tiers: list[TierWrite] = Field(default_factory=list, max_length=10)
    every: Fen = 0
    price: Fen = 0
    buy: int = Field(default=0, ge=0, le=100)
    get: int = Field(default=0, ge=0, le=100)
    nth: int = Field(default=0, ge=0, le=100)
    sku_ids: Ids = Field(default_factory=list)
    vertical_ids: Ids = Field(default_factory=list)
    platform_share_bp: int | None = Field(default=None, ge=-10**6, le=10**6)
    requirement: Requirement = Requirement.NONE
    combines_with: list[PromoClass] = Field(default_factory=lambda: sorted(ALL_CLASSES))
    exclusive_group: str = Field(default="", max_length=100)
    priority: int = Field(default=0, ge=-10**6, le=10**6)
    total_quantity: int | None = Field(default=None, ge=-10**9, le=10**9)
    per_person: int = Field(default=1, ge=-1000, le=1000)
    valid_days: int | None = Field(default=None, ge=-10**5, le=10**5)
    claimable: bool = True

    def draft(self) -> PromotionDraft:
        values = self.model_dump(exclude={"tiers", "sku_ids", "vertical_ids", "combines_with"})
        return PromotionDraft(**values, tiers=tuple(Tier(t.threshold, t.amount) for t in self.tiers),
                              sku_ids=frozenset(self.sku_ids), vertical_ids=frozenset(self.vertical_ids),
                              combines_with=frozenset(self.combines_with))


class PromotionRead(BaseModel):
    id: str
    owner: str
    store_id: str | None
    status: str
    kind: Kind
    name_en: str
    name_zh: str
    starts_at: datetime | None
    ends_at: datetime | None
    rule: dict[str, object]
    sku_ids: list[str]
    vertical_ids: list[str]
    platform_share_bp: int | None
    requirement: Requirement
    combines_with: list[str]
    exclusive_group: str
    priority: int
    total_quantity: int | None
    per_person: int
    valid_days: int | None
    claimable: bool
    issued: int
    used: int
    opted_store_ids: list[str]

    @classmethod
    def of(cls, v: PromotionView) -> PromotionRead:
        d = v.draft
        rule = rule_of(promotion_of_draft(d, v.id))
        return cls(id=v.id, owner=v.owner, store_id=v.store_id, status=v.status.value, kind=d.kind,
                   name_en=d.name_en, name_zh=d.name_zh, starts_at=d.starts_at, ends_at=d.ends_at, rule=rule,
                   sku_ids=sorted(d.sku_ids), vertical_ids=sorted(d.vertical_ids),
                   platform_share_bp=d.platform_share_bp, requirement=d.requirement,
                   combines_with=sorted(c.value for c in d.combines_with), exclusive_group=d.exclusive_group,
                   priority=d.priority, total_quantity=d.total_quantity, per_person=d.per_person,
                   valid_days=d.valid_days, claimable=d.claimable, issued=v.issued, used=v.used,
                   opted_store_ids=list(v.opted_store_ids))


class FestivalRead(BaseModel):
    promotion: PromotionRead
    opted_in: bool
    may_opt_out: bool

    @classmethod
    def of(cls, f: FestivalView) -> FestivalRead:
        return cls(promotion=PromotionRead.of(f.promotion), opted_in=f.opted_in, may_opt_out=f.may_opt_out)


class HeldRead(BaseModel):
    id: str
    promotion_id: str
    kind: str
    name_en: str
    name_zh: str
    store_id: str | None
    store_name_en: str
    store_name_zh: str
    threshold: int
    amount: int
    percent: int
    cap: int | None
    status: str
    valid_until: datetime | None
    issued_at: datetime
    used_at: datetime | None

    @classmethod
    def of(cls, h: HeldView) -> HeldRead:
        return cls(id=h.id, promotion_id=h.promotion_id, kind=h.kind.value,
                   name_en=h.name_en, name_zh=h.name_zh, store_id=h.store_id, store_name_en=h.store_name_en,
                   store_name_zh=h.store_name_zh, threshold=h.threshold, amount=h.amount, percent=h.percent,
                   cap=h.cap, status=h.status.value, valid_until=h.valid_until, issued_at=h.issued_at,
                   used_at=h.used_at)


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    segment: SegmentKind
    days: int = Field(default=0, ge=0, le=10**5)


class CampaignRead(BaseModel):
    campaign_id: str


# --- merchants ----------------------------------------------------------------------------------------------------

@router.get("/merchant/stores/{store_id}/promotions", response_model=list[PromotionRead])
def list_store_promotions(store_id: str, rt: Rt, me: Me) -> list[PromotionRead]:
    return [PromotionRead.of(v) for v in service.store_promotions(rt, me, store_id)]


@router.post("/merchant/stores/{store_id}/promotions", response_model=PromotionRead, status_code=201)
def create_store_promotion(store_id: str, body: PromotionWrite, rt: Rt, me: Me) -> PromotionRead:
    """A store promotion or coupon; 409 `promotion_window_overlaps` for a second full reduction of the same
    exclusive group at the same time."""
    return PromotionRead.of(service.create_store_promotion(rt, me, store_id, body.draft()))


@router.get("/merchant/stores/{store_id}/promotions/{promotion_id}", response_model=PromotionRead)
def get_store_promotion(store_id: str, promotion_id: str, rt: Rt, me: Me) -> PromotionRead:
    return PromotionRead.of(service.store_promotion(rt, me, store_id, promotion_id))


@router.put("/merchant/stores/{store_id}/promotions/{promotion_id}", response_model=PromotionRead)
def update_store_promotion(store_id: str, promotion_id: str, body: PromotionWrite, rt: Rt, me: Me) -> PromotionRead:
    """Replace it before it starts; afterwards only the names (409 `promotion_already_started`)."""
    return PromotionRead.of(service.update_store_promotion(rt, me, store_id, promotion_id, body.draft()))


@router.post("/merchant/stores/{store_id}/promotions/{promotion_id}/{action}", response_model=PromotionRead)
def move_store_promotion(store_id: str, promotion_id: str, action: Action, rt: Rt, me: Me) -> PromotionRead:
    return PromotionRead.of(service.set_store_promotion_status(rt, me, store_id, promotion_id, action))


@router.get("/merchant/stores/{store_id}/festivals", response_model=list[FestivalRead])
def list_festivals(store_id: str, rt: Rt, me: Me) -> list[FestivalRead]:
    return [FestivalRead.of(f) for f in service.store_festivals(rt, me, store_id)]


@router.post("/merchant/stores/{store_id}/festivals/{promotion_id}/join", response_model=FestivalRead)
def join_festival(store_id: str, promotion_id: str, rt: Rt, me: Me) -> FestivalRead:
    return FestivalRead.of(service.join_festival(rt, me, store_id, promotion_id))


@router.post("/merchant/stores/{store_id}/festivals/{promotion_id}/leave", response_model=FestivalRead)
def leave_festival(store_id: str, promotion_id: str, rt: Rt, me: Me) -> FestivalRead:
    """Only before the festival starts (409 `festival_already_started`)."""
    return FestivalRead.of(service.leave_festival(rt, me, store_id, promotion_id))


# --- operators ----------------------------------------------------------------------------------------------------

@router.get("/ops/promotions", response_model=list[PromotionRead])
def list_platform_promotions(rt: Rt, me: Operator) -> list[PromotionRead]:
    return [PromotionRead.of(v) for v in service.platform_promotions(rt, me)]


@router.post("/ops/promotions", response_model=PromotionRead, status_code=201)
def create_platform_promotion(body: PromotionWrite, rt: Rt, me: Operator) -> PromotionRead:
    return PromotionRead.of(service.create_platform_promotion(rt, me, body.draft()))


@router.get("/ops/promotions/{promotion_id}", response_model=PromotionRead)
def get_platform_promotion(promotion_id: str, rt: Rt, me: Operator) -> PromotionRead:
    return PromotionRead.of(service.platform_promotion(rt, me, promotion_id))


@router.put("/ops/promotions/{promotion_id}", response_model=PromotionRead)
def update_platform_promotion(promotion_id: str, body: PromotionWrite, rt: Rt, me: Operator) -> PromotionRead:
    return PromotionRead.of(service.update_platform_promotion(rt, me, promotion_id, body.draft()))


@router.post("/ops/promotions/{promotion_id}/campaigns", response_model=CampaignRead, status_code=202)
def start_campaign(promotion_id: str, body: CampaignCreate, rt: Rt, me: Operator) -> CampaignRead:
    """Issue a running platform voucher to a segment (everyone, consumers registered in the last `days` days,
    members, or consumers who have never paid for an order) in background batches; each consumer is topped up to
    the voucher's per-person limit."""
    segment = check_segment(body.segment.value, body.days)
    return CampaignRead(campaign_id=service.issue_campaign(rt, me, promotion_id, segment))


@router.post("/ops/promotions/{promotion_id}/{action}", response_model=PromotionRead)
def move_platform_promotion(promotion_id: str, action: Action, rt: Rt, me: Operator) -> PromotionRead:
    return PromotionRead.of(service.set_platform_promotion_status(rt, me, promotion_id, action))


# --- consumers ----------------------------------------------------------------------------------------------------

@router.get("/stores/{store_id}/coupons", response_model=list[PromotionRead])
def list_store_coupons(store_id: str, rt: Rt) -> list[PromotionRead]:
    """The store's coupons that can be claimed now."""
    return [PromotionRead.of(v) for v in service.store_coupons(rt, store_id)]


@router.post("/coupons/{promotion_id}/claim", response_model=HeldRead, status_code=201)
def claim(promotion_id: str, rt: Rt, me: Me) -> HeldRead:
    """Claim a store coupon: 409 `coupon_sold_out`, `coupon_limit_reached`, `coupon_not_claimable` (a voucher the
    platform hands out), `promotion_not_issuable` (paused, not started or over)."""
    return HeldRead.of(service.claim_coupon(rt, me, promotion_id))


@router.get("/me/vouchers", response_model=list[HeldRead])
def list_my_vouchers(rt: Rt, me: Me) -> list[HeldRead]:
    """One's coupons and vouchers, newest first: available, used and expired."""
    return [HeldRead.of(h) for h in service.my_vouchers(rt, me)]


@router.get("/me/vouchers/{held_id}", response_model=HeldRead)
def get_my_voucher(held_id: str, rt: Rt, me: Me) -> HeldRead:
    """One of one's own coupons or vouchers; another person's is 404 `voucher_not_found`."""
    return HeldRead.of(service.my_voucher(rt, me, held_id))
