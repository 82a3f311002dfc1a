"""What merchants and operators type in, as a validated promotion: the draft, who may create which kind, the
rules beyond the engine's (names, issue limits, scope), the overlap rule of store full reductions, the edits allowed
once a promotion has started and the status transitions. Pure: callers pass `now`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from mercato.kernel.errors import InputInvalid, StateConflict
from mercato.pricing.model.errors import PromotionInvalid
from mercato.pricing.model.types import (
    ALL_CLASSES,
    Kind,
    PromoClass,
    Promotion,
    Requirement,
    Scope,
    Tier,
    Window,
)
from mercato.pricing.model.validation import validate_promotion

STORE_KINDS = frozenset({Kind.ITEM_DISCOUNT, Kind.SPECIAL_PRICE, Kind.BUY_X_GET_Y, Kind.NTH_ITEM, Kind.BUNDLE,
                         Kind.STORE_REDUCTION, Kind.STORE_COUPON})
PLATFORM_KINDS = frozenset({Kind.CROSS_STORE_REDUCTION, Kind.SUBSIDY_PRICE, Kind.MEMBER_PRICE,
                            Kind.PLATFORM_VOUCHER})
SKU_KINDS = frozenset({Kind.SPECIAL_PRICE, Kind.SUBSIDY_PRICE})  # one price for every SKU would make no sense
NAME_MAX, GROUP_MAX, PRIORITY_MAX, PER_PERSON_MAX, VALID_DAYS_MAX = 100, 40, 1000, 100, 3650
# The engine's refusals name a field; the pages say it in words a merchant uses (and translate).
ENGINE_MESSAGES = {
    "threshold": "The minimum spend must be more than zero",
    "amount": "The amount off must be more than zero and below the minimum spend (or below \"every\")",
    "percent": "The percent is from 1 to 99",
    "window": "The end must come after the start",
    "tiers": "Tiers must rise in both threshold and amount",
    "tiers.threshold": "Each tier's threshold must be more than zero",
    "tiers.amount": "Each tier's amount must be more than zero and below its threshold",
    "cap": "The cap must not be negative",
    "platform_share_bp": "The platform share is from 0 to 10000 basis points",
    "price": "The price must not be negative",
    "buy/get": "Buy and get are both at least 1",
    "nth": "The discounted item is the 2nd or later",
    "scope.sku_ids": "Choose at least two SKUs for a bundle",
    "bundle.price": "The bundle price must be more than zero",
}
# A cross-store reduction is validated before any store opted in; the engine sees its real opt-ins.
_NO_STORE_YET = "-"


class PromotionKindNotAllowed(InputInvalid):
    code = "promotion_kind_not_allowed"
    title = "This kind of promotion cannot be created here"


class PromotionWindowOverlaps(StateConflict):
    code = "promotion_window_overlaps"
    title = "Another full reduction of this store in the same exclusive group runs at the same time"


class PromotionAlreadyStarted(StateConflict):
    code = "promotion_already_started"
    title = "The promotion has started: only its name can change now; pause or end it instead"


class PromotionStatusConflict(StateConflict):
    code = "promotion_status_conflict"
    title = "The promotion is not in a state that allows this"


class PromotionStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class Phase(StrEnum):
    """What a person sees: the status, with an active promotion split by its window."""

    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    ENDED = "ended"


STATUS_ACTIONS: dict[str, tuple[frozenset[PromotionStatus], PromotionStatus]] = {
    "pause": (frozenset({PromotionStatus.ACTIVE}), PromotionStatus.PAUSED),
    "resume": (frozenset({PromotionStatus.PAUSED}), PromotionStatus.ACTIVE),
    "end": (frozenset({PromotionStatus.ACTIVE, PromotionStatus.PAUSED}), PromotionStatus.ENDED),
}


@dataclass(frozen=True, slots=True)
class PromotionDraft:
    """A promotion as typed in: the engine's numbers plus its names and, for coupons and vouchers, issue limits."""

    kind: Kind
    name_en: str
    name_zh: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    threshold: int = 0
    amount: int = 0
    percent: int = 0
    cap: int | None = None
    tiers: tuple[Tier, ...] = ()
    every: int = 0
    price: int = 0
    buy: int = 0
    get: int = 0
    nth: int = 0
    sku_ids: frozenset[str] = frozenset()
    vertical_ids: frozenset[str] = frozenset()
    platform_share_bp: int | None = None
    requirement: Requirement = Requirement.NONE
    combines_with: frozenset[PromoClass] = ALL_CLASSES
    exclusive_group: str = ""
    priority: int = 0
    total_quantity: int | None = None
    per_person: int = 1
    valid_days: int | None = None
    claimable: bool = True


def _invalid(field: str, message: str) -> PromotionInvalid:
    return PromotionInvalid(message, field=field)


def promotion_of_draft(draft: PromotionDraft, promotion_id: str, store_ids: Iterable[str] = ()) -> Promotion:
    """The engine's value of a draft (a store promotion names its one store; a festival its opt-ins)."""
    return Promotion(
        promotion_id=promotion_id, kind=draft.kind,
        scope=Scope(frozenset(store_ids), draft.sku_ids, draft.vertical_ids),
        window=Window(draft.starts_at, draft.ends_at), platform_share_bp=draft.platform_share_bp,
        threshold=draft.threshold, amount=draft.amount, percent=draft.percent, cap=draft.cap, tiers=draft.tiers,
        every=draft.every, price=draft.price, buy=draft.buy, get=draft.get, nth=draft.nth,
        requirement=draft.requirement, combines_with=draft.combines_with,
        exclusive_group=draft.exclusive_group, priority=draft.priority,
    )


def draft_of(promo: Promotion, names: tuple[str, str], limits: tuple[int | None, int, int | None, bool],
             ) -> PromotionDraft:
    """A saved promotion as a draft again: its names and (total_quantity, per_person, valid_days, claimable)."""
    total, per_person, valid_days, claimable = limits
    return PromotionDraft(
        kind=promo.kind, name_en=names[0], name_zh=names[1], starts_at=promo.window.starts_at,
        ends_at=promo.window.ends_at, threshold=promo.threshold, amount=promo.amount, percent=promo.percent,
        cap=promo.cap, tiers=promo.tiers, every=promo.every, price=promo.price, buy=promo.buy, get=promo.get,
        nth=promo.nth, sku_ids=promo.scope.sku_ids, vertical_ids=promo.scope.vertical_ids,
        platform_share_bp=promo.platform_share_bp, requirement=promo.requirement,
        combines_with=promo.combines_with, exclusive_group=promo.exclusive_group, priority=promo.priority,
        total_quantity=total, per_person=per_person, valid_days=valid_days, claimable=claimable,
    )


def _check_names(draft: PromotionDraft) -> PromotionDraft:
    name_en, name_zh = draft.name_en.strip(), draft.name_zh.strip()
    if not 1 <= len(name_en) <= NAME_MAX:
        raise _invalid("name_en", "Give an English name of 1 to 100 characters")
    if len(name_zh) > NAME_MAX:
        raise _invalid("name_zh", "The Chinese name has at most 100 characters")
    return replace(draft, name_en=name_en, name_zh=name_zh or name_en,
                   exclusive_group=draft.exclusive_group.strip())


def _check_limits(draft: PromotionDraft) -> None:
    if draft.total_quantity is not None and draft.total_quantity < 1:
        raise _invalid("total_quantity", "The total quantity is at least 1 (leave it empty for no limit)")
    if not 1 <= draft.per_person <= PER_PERSON_MAX:
        raise _invalid("per_person", "Each person may hold from 1 to 100")
    if draft.valid_days is not None and not 1 <= draft.valid_days <= VALID_DAYS_MAX:
        raise _invalid("valid_days", "The validity is from 1 to 3650 days")
    if len(draft.exclusive_group) > GROUP_MAX:
        raise _invalid("exclusive_group", "The exclusive group has at most 40 characters")
    if not -PRIORITY_MAX <= draft.priority <= PRIORITY_MAX:
        raise _invalid("priority", "The priority is from -1000 to 1000")
    if draft.kind in SKU_KINDS and not draft.sku_ids:
        raise _invalid("sku_ids", "Choose at least one SKU")


def _check_kind(draft: PromotionDraft, owner: str) -> None:
    allowed = STORE_KINDS if owner == "store" else PLATFORM_KINDS | {Kind.ITEM_DISCOUNT}
    if draft.kind not in allowed:
        raise PromotionKindNotAllowed(field="kind", kind=draft.kind.value, owner=owner)


def check_draft(draft: PromotionDraft, owner: str, store_id: str | None) -> PromotionDraft:
    """The cleaned draft, or the first broken rule (the engine's rules included). `owner` is store or platform;
    a store promotion is funded by its store, so any platform share typed in is dropped."""
    _check_kind(draft, owner)
    cleaned = _check_names(draft)
    if owner == "store":
        cleaned = replace(cleaned, platform_share_bp=None)
    if cleaned.kind not in (Kind.STORE_COUPON, Kind.PLATFORM_VOUCHER):
        cleaned = replace(cleaned, total_quantity=None, per_person=1, valid_days=None, claimable=False)
    _check_limits(cleaned)
    stores = [store_id] if store_id else [_NO_STORE_YET] if cleaned.kind is Kind.CROSS_STORE_REDUCTION else []
    try:
        validate_promotion(promotion_of_draft(cleaned, "new", stores))
    except PromotionInvalid as exc:
        field = str(exc.params.get("field", ""))
        message = ENGINE_MESSAGES.get(f"{cleaned.kind.value}.{field}") or ENGINE_MESSAGES.get(field, exc.message)
        raise PromotionInvalid(message, field=field) from None
    return cleaned


# --- the overlap rule ---------------------------------------------------------------------------------------------

def _overlap(first: Window, second: Window) -> bool:
    starts_before_other_ends = first.starts_at is None or second.ends_at is None or first.starts_at < second.ends_at
    ends_after_other_starts = first.ends_at is None or second.starts_at is None or second.starts_at < first.ends_at
    return starts_before_other_ends and ends_after_other_starts


def check_no_overlap(promo: Promotion, others: Iterable[Promotion]) -> None:
    """Two store full reductions of one store in the same exclusive group (the empty group included) may not run
    at the same time: the consumer could not tell which applies. `others` are the store's active promotions (a
    paused one is checked when it resumes); other kinds and groups may overlap freely (the engine picks the best
    valid combination)."""
    if promo.kind is not Kind.STORE_REDUCTION:
        return
    for other in others:
        same = other.kind is Kind.STORE_REDUCTION and other.exclusive_group == promo.exclusive_group \
            and other.promotion_id != promo.promotion_id and other.store_id == promo.store_id
        if same and _overlap(promo.window, other.window):
            raise PromotionWindowOverlaps(field="starts_at", other_id=other.promotion_id)


# --- edits and status ---------------------------------------------------------------------------------------------

def check_edit(current: PromotionDraft, wanted: PromotionDraft, started: bool) -> None:
    """Before the start anything may change; after it only the names (the rest is what consumers were promised)."""
    if current.kind is not wanted.kind:
        raise PromotionKindNotAllowed("The kind of a promotion cannot change", field="kind")
    if started and replace(wanted, name_en=current.name_en, name_zh=current.name_zh) != current:
        raise PromotionAlreadyStarted(field="starts_at")


def next_status(current: PromotionStatus, action: str) -> PromotionStatus:
    """pause: active -> paused; resume: paused -> active; end: active or paused -> ended (final)."""
    if action not in STATUS_ACTIONS:
        raise PromotionStatusConflict(action=action[:20])
    sources, target = STATUS_ACTIONS[action]
    if current not in sources:
        raise PromotionStatusConflict(status=current.value, action=action)
    return target


def phase_of(status: PromotionStatus, window: Window, now: datetime) -> Phase:
    if status is PromotionStatus.ENDED:
        return Phase.ENDED
    if window.has_ended(now):
        return Phase.FINISHED
    if status is PromotionStatus.PAUSED:
        return Phase.PAUSED
    return Phase.RUNNING if window.has_started(now) else Phase.SCHEDULED
