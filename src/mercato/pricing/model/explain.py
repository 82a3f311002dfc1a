"""Why each promotion applied or not, and hints for thresholds within reach.

A promotion the plan left out is `below_threshold` if it would have taken nothing off at the amount its lines had
left at its class (a bundle: `not_eligible` if the cart lacks one of its SKUs or its SKUs cost no more than its
price), else `superseded_by_better_choice`; one in the plan that found no line to combine with is
`exclusive_with`. A hint is given for a threshold step in the plan, or a held coupon or voucher left out below its
threshold, when adding at most half of the threshold it aims at (in eligible goods) would take more off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mercato.pricing.model.bundles import joined
from mercato.pricing.model.catalogue import Catalogue
from mercato.pricing.model.quote import Hint, Note, Trace
from mercato.pricing.model.rules import next_step, threshold_discount
from mercato.pricing.model.search import Plan
from mercato.pricing.model.steps import Step, StepResult
from mercato.pricing.model.types import Context, Kind, Line, PromoClass, Promotion, Reason, combine

Explanation = tuple[tuple[Note, ...], tuple[Hint, ...]]
LATE_CLASSES = frozenset({PromoClass.CROSS_STORE, PromoClass.PLATFORM_VOUCHER})


@dataclass(frozen=True, slots=True)
class _Facts:
    lines: Sequence[Line]
    plan: Plan
    trace: Trace
    amounts: dict[str, int]
    results: dict[str, StepResult]

    def open_to(self, promo: Promotion) -> list[int]:
        """The lines in the promotion's scope whose item choice combines with it."""
        return [
            i for i, (line, choice) in enumerate(zip(self.lines, self.plan.line_choices, strict=True))
            if promo.scope.covers(line) and all(combine(promo, other) for other in choice)
        ]

    def base_at_class(self, promo: Promotion) -> int:
        """What the promotion's lines had left when its class applied (store class: after the whole store class)."""
        left = self.trace.after_cross if promo.promo_class is PromoClass.PLATFORM_VOUCHER else self.trace.after_store
        return sum(left[i] for i in self.open_to(promo))


def _applied_amounts(plan: Plan, trace: Trace) -> dict[str, int]:
    amounts: dict[str, int] = {}
    for choice, parts in zip(plan.line_choices, trace.item_discounts, strict=True):
        for promo, part in zip(choice, parts, strict=True):
            amounts[promo.promotion_id] = amounts.get(promo.promotion_id, 0) + part
    for result in trace.steps:
        key = result.step.held_id or result.step.promotion.promotion_id
        amounts[key] = amounts.get(key, 0) + sum(result.parts)
    return amounts


def _left_out_reason(promo: Promotion, facts: _Facts) -> Reason:
    if promo.kind is Kind.BUNDLE and not joined(promo, facts.lines):
        return Reason.NOT_ELIGIBLE
    if promo.promo_class in (PromoClass.ITEM, PromoClass.MEMBER):
        return Reason.SUPERSEDED_BY_BETTER_CHOICE
    if not facts.open_to(promo):
        return Reason.EXCLUSIVE_WITH
    if threshold_discount(promo, facts.base_at_class(promo)) == 0:
        return Reason.BELOW_THRESHOLD
    return Reason.SUPERSEDED_BY_BETTER_CHOICE


def _note(key: str, promo: Promotion, held_id: str, facts: _Facts) -> Note:
    if facts.amounts.get(key, 0) > 0:
        return Note(promo.promotion_id, held_id, Reason.APPLIED, facts.amounts[key])
    if not any(promo.scope.covers(line) for line in facts.lines):
        return Note(promo.promotion_id, held_id, Reason.NOT_ELIGIBLE)
    result = facts.results.get(key)
    if result is None:
        return Note(promo.promotion_id, held_id, _left_out_reason(promo, facts))
    return Note(promo.promotion_id, held_id, Reason.BELOW_THRESHOLD if result.eligible else Reason.EXCLUSIVE_WITH)


def _notes(context: Context, promotions: Sequence[Promotion], catalogue: Catalogue, facts: _Facts) -> list[Note]:
    notes = [
        Note(p.promotion_id, "", catalogue.refused[p.promotion_id]) if p.promotion_id in catalogue.refused
        else _note(p.promotion_id, p, "", facts)
        for p in promotions if not p.is_held
    ]
    by_id = {p.promotion_id: p for p in promotions}
    for held in context.held:
        promo = by_id[held.promotion_id]
        refused = catalogue.refused.get(held.held_id) or catalogue.refused.get(promo.promotion_id)
        note = Note(promo.promotion_id, held.held_id, refused) if refused else None
        notes.append(note or _note(held.held_id, promo, held.held_id, facts))
    return sorted(notes, key=lambda n: (n.promotion_id, n.held_id))


def _hint(step: Step, base: int) -> Hint | None:
    reach = next_step(step.promotion, base)
    if reach is None or reach[0] * 2 > base + reach[0]:
        return None
    return Hint(step.promotion.promotion_id, step.held_id, step.promotion.store_id, reach[0], reach[1])


def _hints(facts: _Facts, notes: Sequence[Note], held: dict[str, Step]) -> list[Hint]:
    hints = [_hint(r.step, r.base) for r in facts.trace.steps]
    for note in notes:
        if note.held_id and note.reason is Reason.BELOW_THRESHOLD and note.held_id not in facts.results:
            step = held[note.held_id]
            hints.append(_hint(step, facts.base_at_class(step.promotion)))
    return sorted((h for h in hints if h is not None), key=lambda h: (h.store_id, h.promotion_id, h.held_id))


def explain(
    lines: Sequence[Line], context: Context, promotions: Sequence[Promotion], catalogue: Catalogue,
    plan: Plan, trace: Trace,
) -> Explanation:
    results = {r.step.held_id or r.step.promotion.promotion_id: r for r in trace.steps}
    facts = _Facts(lines, plan, trace, _applied_amounts(plan, trace), results)
    notes = _notes(context, promotions, catalogue, facts)
    held = {s.held_id: s for s in (*catalogue.vouchers, *(c for cs in catalogue.coupons.values() for c in cs))}
    return tuple(notes), tuple(_hints(facts, notes, held))
