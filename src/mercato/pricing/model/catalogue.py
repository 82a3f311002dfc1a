"""Sorting the promotions into what the consumer can use now, per class and store, and why the rest cannot be used."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mercato.pricing.model.steps import Step
from mercato.pricing.model.types import Context, Kind, Line, PromoClass, Promotion, Reason, Requirement


@dataclass(frozen=True, slots=True)
class Catalogue:
    line_promos: tuple[Promotion, ...]
    bundles: dict[str, tuple[Promotion, ...]]
    store_reductions: dict[str, tuple[Promotion, ...]]
    coupons: dict[str, tuple[Step, ...]]
    cross: tuple[Promotion, ...]
    vouchers: tuple[Step, ...]
    refused: dict[str, Reason]

    @property
    def upstream_steps(self) -> int:
        return sum(len(v) for v in self.coupons.values()) + len(self.vouchers) + len(self.cross)


def refusal(promo: Promotion, context: Context, now: datetime) -> Reason | None:
    """Why `promo` cannot be used by this consumer now, or None if it can."""
    if not promo.window.has_started(now):
        return Reason.NOT_STARTED
    if promo.window.has_ended(now):
        return Reason.EXPIRED
    if promo.kind is Kind.MEMBER_PRICE and not context.is_member:
        return Reason.NOT_MEMBER
    if promo.requirement is Requirement.FIRST_PLATFORM_ORDER and not context.first_platform_order:
        return Reason.NOT_FIRST_ORDER
    if promo.requirement is Requirement.FIRST_STORE_ORDER and not (
        promo.scope.store_ids and promo.scope.store_ids <= context.first_order_store_ids
    ):
        return Reason.NOT_FIRST_ORDER
    return None


def _sorted(promos: Sequence[Promotion]) -> tuple[Promotion, ...]:
    return tuple(sorted(promos, key=lambda p: (-p.priority, p.promotion_id)))


def _held_steps(promos: dict[str, Promotion], context: Context, usable: set[str]) -> list[Step]:
    steps = [Step(promos[h.promotion_id], h.held_id) for h in context.held if h.promotion_id in usable]
    return sorted(steps, key=lambda s: (-s.promotion.priority, s.promotion.promotion_id, s.held_id))


def build_catalogue(
    lines: Sequence[Line], context: Context, promotions: Sequence[Promotion], now: datetime
) -> Catalogue:
    refused: dict[str, Reason] = {}
    usable: dict[str, Promotion] = {}
    for promo in promotions:
        reason = refusal(promo, context, now)
        if reason is None:
            usable[promo.promotion_id] = promo
        else:
            refused[promo.promotion_id] = reason
    stores = {line.store_id for line in lines}
    by_id = {p.promotion_id: p for p in promotions}
    held = _held_steps(by_id, context, set(usable))
    for step in held:
        if step.promotion.promo_class is PromoClass.STORE and step.promotion.store_id not in stores:
            refused[step.held_id] = Reason.NOT_ELIGIBLE
    return Catalogue(
        line_promos=_sorted([p for p in usable.values()
                             if p.promo_class in (PromoClass.ITEM, PromoClass.MEMBER) and p.kind is not Kind.BUNDLE]),
        bundles={s: _sorted([p for p in usable.values() if p.kind is Kind.BUNDLE and s in p.scope.store_ids])
                 for s in stores},
        store_reductions={
            s: _sorted([p for p in usable.values() if p.kind is Kind.STORE_REDUCTION and p.store_id == s])
            for s in stores
        },
        coupons={s: tuple(h for h in held if h.promotion.store_id == s) for s in stores},
        cross=_sorted([p for p in usable.values() if p.kind is Kind.CROSS_STORE_REDUCTION]),
        vouchers=tuple(h for h in held if h.promotion.kind is Kind.PLATFORM_VOUCHER),
        refused=refused,
    )
