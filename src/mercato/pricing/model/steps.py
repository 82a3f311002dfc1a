"""Applying promotions to the lines' amounts left: one line's item choice, or one threshold step over many lines.

Each threshold is tested against what its eligible lines have left after every earlier step, so a store coupon's
threshold is met after the store's full reduction, a festival's after the store class, a voucher's after the festival.
A line is eligible for a step if the step's scope covers it and the step combines with everything already applied to
it; a step that takes something off counts as applied on every line it was eligible on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from mercato.pricing.model.allocation import allocate
from mercato.pricing.model.rules import line_discount, threshold_discount
from mercato.pricing.model.types import CLASS_ORDER, Line, PromoClass, Promotion

EVERY_CLASS = (1 << len(PromoClass)) - 1
Marks = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Step:
    """A threshold promotion to apply; `held_id` names the coupon or voucher spent on it."""

    promotion: Promotion
    held_id: str = ""


@dataclass(frozen=True, slots=True)
class StepResult:
    step: Step
    base: int
    eligible: tuple[int, ...]
    parts: tuple[int, ...]


def apply_item_choice(line: Line, choice: Sequence[Promotion]) -> tuple[int, list[int]]:
    """The amount left on `line` after its item and member promotions, and each one's discount."""
    remaining, discounts = line.amount, []
    for promo in choice:
        discount = line_discount(promo, line, remaining)
        discounts.append(discount)
        remaining -= discount
    return remaining, discounts


def eligible_lines(
    promo: Promotion, lines: Sequence[Line], applied: Sequence[tuple[Promotion, ...]], candidates: Sequence[int]
) -> list[int]:
    return [i for i in candidates if promo.scope.covers(lines[i]) and _combines_with_all(promo, applied[i])]


def _combines_with_all(promo: Promotion, applied: tuple[Promotion, ...]) -> bool:
    own, allowed = promo.promo_class, promo.combines_with
    return all(other.promo_class in allowed and own in other.combines_with for other in applied)


def apply_step(
    step: Step,
    lines: Sequence[Line],
    remaining: list[int],
    applied: list[tuple[Promotion, ...]],
    candidates: Sequence[int],
) -> StepResult:
    """Apply `step` in place over the `candidates` (indexes into `lines`, in line-id order)."""
    promo = step.promotion
    eligible = eligible_lines(promo, lines, applied, candidates)
    weights = [remaining[i] for i in eligible]
    base = sum(weights)
    parts = allocate(threshold_discount(promo, base), weights)
    if sum(parts):
        for i, part in zip(eligible, parts, strict=True):
            remaining[i] -= part
            applied[i] = (*applied[i], promo)
    return StepResult(step, base, tuple(eligible), tuple(parts))


# --- the search's fast path: a line's applied promotions as two class masks ---------------------------------------
# A line's (classes applied, classes that every applied promotion combines with) decide every later eligibility:
# a step is eligible iff its class is in the second mask and the first is within its own `combines_with`.


def class_bit(promo: Promotion) -> int:
    return 1 << CLASS_ORDER[promo.promo_class]


@cache
def class_mask(classes: frozenset[PromoClass]) -> int:
    return sum(1 << CLASS_ORDER[c] for c in classes)


def marks_of(applied: Sequence[Promotion]) -> Marks:
    classes, allows = 0, EVERY_CLASS
    for promo in applied:
        classes, allows = classes | class_bit(promo), allows & class_mask(promo.combines_with)
    return classes, allows


@dataclass(frozen=True, slots=True)
class Prepared:
    """A threshold step ready for the search: the lines its scope covers and its class masks."""

    step: Step
    covered: tuple[int, ...]
    bit: int
    allows: int

    def eligible(self, classes: Sequence[int], allows: Sequence[int]) -> list[int]:
        bit, blocked = self.bit, EVERY_CLASS & ~self.allows
        return [i for i in self.covered if allows[i] & bit and not classes[i] & blocked]

    def commit(
        self, eligible: Sequence[int], parts: Sequence[int], remaining: list[int], classes: list[int], allows: list[int]
    ) -> None:
        for i, part in zip(eligible, parts, strict=True):
            remaining[i] -= part
            classes[i] |= self.bit
            allows[i] &= self.allows


def prepare(step: Step, lines: Sequence[Line], candidates: Sequence[int]) -> Prepared:
    promo = step.promotion
    covered = tuple(i for i in candidates if promo.scope.covers(lines[i]))
    return Prepared(step, covered, class_bit(promo), class_mask(promo.combines_with))


def apply_prepared(prepared: Prepared, remaining: list[int], classes: list[int], allows: list[int]) -> int:
    """`apply_step` on masks, in place; the discount taken off."""
    eligible = prepared.eligible(classes, allows)
    weights = [remaining[i] for i in eligible]
    discount = threshold_discount(prepared.step.promotion, sum(weights))
    if discount:
        prepared.commit(eligible, allocate(discount, weights), remaining, classes, allows)
    return discount
