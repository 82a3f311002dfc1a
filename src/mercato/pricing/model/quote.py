"""The engine's answer as plain values: what each line pays, each discount's allocation and funding, the store
totals, the coupons and vouchers spent, and the explanation (see `explain`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mercato.pricing.model.allocation import split_funding
from mercato.pricing.model.search import Applied, Plan
from mercato.pricing.model.steps import StepResult, apply_item_choice, apply_step
from mercato.pricing.model.types import Line, PromoClass, Promotion, Reason


@dataclass(frozen=True, slots=True)
class LineDiscount:
    """One promotion's part on one line; `merchant + platform == amount`."""

    promotion_id: str
    held_id: str
    promo_class: PromoClass
    amount: int
    merchant: int
    platform: int


@dataclass(frozen=True, slots=True)
class LineQuote:
    line_id: str
    store_id: str
    original: int
    discounts: tuple[LineDiscount, ...]
    paid: int


@dataclass(frozen=True, slots=True)
class StoreTotal:
    store_id: str
    original: int
    paid: int


@dataclass(frozen=True, slots=True)
class Note:
    """Whether a promotion (or a held coupon, by `held_id`) applied, and if not, why."""

    promotion_id: str
    held_id: str
    reason: Reason
    discount: int = 0


@dataclass(frozen=True, slots=True)
class Hint:
    """Add `missing` fen of eligible goods (from `store_id`, or across stores when empty) to get `gained` more off."""

    promotion_id: str
    held_id: str
    store_id: str
    missing: int
    gained: int


@dataclass(frozen=True, slots=True)
class Quote:
    original: int
    payable: int
    lines: tuple[LineQuote, ...]
    stores: tuple[StoreTotal, ...]
    used_held: tuple[str, ...]
    notes: tuple[Note, ...] = ()
    hints: tuple[Hint, ...] = ()


@dataclass(frozen=True, slots=True)
class Trace:
    """The plan replayed: each line's item discounts, each threshold step's result, the amounts left."""

    item_discounts: tuple[tuple[int, ...], ...]
    steps: tuple[StepResult, ...]
    remaining: tuple[int, ...]
    after_store: tuple[int, ...]
    after_cross: tuple[int, ...]


def replay(lines: Sequence[Line], plan: Plan) -> Trace:
    remaining: list[int] = []
    discounts: list[tuple[int, ...]] = []
    for line, choice in zip(lines, plan.line_choices, strict=True):
        left, parts = apply_item_choice(line, choice)
        remaining.append(left)
        discounts.append(tuple(parts))
    applied: list[Applied] = list(plan.line_choices)
    results = [
        apply_step(step, lines, remaining, applied, [i for i, ln in enumerate(lines) if ln.store_id == store])
        for steps in plan.store_steps
        for step in steps
        for store in [step.promotion.store_id]
    ]
    every = range(len(lines))
    after_store = tuple(remaining)
    results += [apply_step(step, lines, remaining, applied, every) for step in plan.cross]
    after_cross = tuple(remaining)
    results += [apply_step(step, lines, remaining, applied, every) for step in plan.vouchers]
    return Trace(tuple(discounts), tuple(results), tuple(remaining), after_store, after_cross)


def _funded(promo: Promotion, held_id: str, amount: int) -> LineDiscount:
    merchant, platform = split_funding(amount, promo.platform_bp)
    return LineDiscount(promo.promotion_id, held_id, promo.promo_class, amount, merchant, platform)


def _line_discounts(lines: Sequence[Line], plan: Plan, trace: Trace) -> list[list[LineDiscount]]:
    per_line: list[list[LineDiscount]] = [
        [_funded(p, "", d) for p, d in zip(choice, parts, strict=True) if d]
        for choice, parts in zip(plan.line_choices, trace.item_discounts, strict=True)
    ]
    for result in trace.steps:
        for i, part in zip(result.eligible, result.parts, strict=True):
            if part:
                per_line[i].append(_funded(result.step.promotion, result.step.held_id, part))
    return per_line


def _store_totals(lines: Sequence[Line], remaining: Sequence[int]) -> tuple[StoreTotal, ...]:
    totals: dict[str, tuple[int, int]] = {}
    for line, left in zip(lines, remaining, strict=True):
        original, paid = totals.get(line.store_id, (0, 0))
        totals[line.store_id] = (original + line.amount, paid + left)
    return tuple(StoreTotal(s, o, p) for s, (o, p) in sorted(totals.items()))


def build_quote(lines: Sequence[Line], plan: Plan, trace: Trace) -> Quote:
    per_line = _line_discounts(lines, plan, trace)
    line_quotes = tuple(
        LineQuote(line.line_id, line.store_id, line.amount, tuple(found), left)
        for line, found, left in zip(lines, per_line, trace.remaining, strict=True)
    )
    used = sorted(r.step.held_id for r in trace.steps if r.step.held_id and sum(r.parts))
    return Quote(
        original=sum(line.amount for line in lines),
        payable=sum(trace.remaining),
        lines=line_quotes,
        stores=_store_totals(lines, trace.remaining),
        used_held=tuple(used),
    )
