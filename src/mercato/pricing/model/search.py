"""The exact search for the lowest payable total over every choice (item alternatives, coupons, festival, vouchers).

The total is not monotone in the amounts in between (a higher store subtotal can meet a later threshold), so no
greedy step is taken. Per store, every item choice and store step choice is tried and the outcomes are kept by what
later classes can see (each line's amount left and what it combines with). An outcome dearer than the store's
cheapest by more than all later classes could ever take off (`headroom`) can never win and is dropped; the search over
stores stops a branch on the same bound. Every remaining combination meets every festival and voucher choice.

Ties on the total go to fewer coupons and vouchers, then to the smaller set of held ids, then to fewer promotions,
then to the smaller set of (line, promotion) picks: all ids, so the result does not depend on input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

from mercato.pricing.model.catalogue import Catalogue
from mercato.pricing.model.choices import LineChoice, StepChoice, line_options, store_options
from mercato.pricing.model.rules import threshold_discount
from mercato.pricing.model.steps import apply_item_choice, apply_step, eligible_lines
from mercato.pricing.model.types import Line, Promotion

Applied = tuple[Promotion, ...]
TieKey = tuple[int, tuple[str, ...], int, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Plan:
    """A full choice: item promotions per line (aligned with the lines in id order), then the threshold steps."""

    line_choices: tuple[LineChoice, ...]
    store_steps: tuple[StepChoice, ...]
    cross: StepChoice
    vouchers: StepChoice


@dataclass(frozen=True, slots=True)
class Outcome:
    total: int
    remaining: tuple[int, ...]
    applied: tuple[Applied, ...]
    choices: tuple[LineChoice, ...]
    steps: StepChoice
    held: frozenset[str]
    picks: frozenset[str]
    bases: tuple[int, ...]


def tie_key(held: frozenset[str], picks: frozenset[str]) -> TieKey:
    return len(held), tuple(sorted(held)), len(picks), tuple(sorted(picks))


def _signature(applied: Applied) -> frozenset[tuple[str, frozenset[str]]]:
    return frozenset((p.promo_class.value, frozenset(c.value for c in p.combines_with)) for p in applied)


def _step_ids(steps: StepChoice) -> tuple[frozenset[str], frozenset[str]]:
    held = frozenset(s.held_id for s in steps if s.held_id)
    return held, frozenset(s.held_id or s.promotion.promotion_id for s in steps)


def _line_outcomes(line: Line, promos: Sequence[Promotion]) -> list[tuple[int, LineChoice]]:
    kept: dict[tuple[int, object], tuple[int, LineChoice]] = {}
    for choice in line_options(line, promos):
        remaining, _ = apply_item_choice(line, choice)
        key = (remaining, _signature(choice))
        ids = sorted(p.promotion_id for p in choice)
        if key not in kept or (len(ids), ids) < (len(kept[key][1]), sorted(p.promotion_id for p in kept[key][1])):
            kept[key] = (remaining, choice)
    return sorted(kept.values(), key=lambda o: (o[0], [p.promotion_id for p in o[1]]))


def downstream(catalogue: Catalogue) -> list[Promotion]:
    """The promotions after the store class: the festivals, then the vouchers held."""
    return [*catalogue.cross, *(v.promotion for v in catalogue.vouchers)]


def _bases(
    lines: Sequence[Line], remaining: list[int], applied: list[Applied], later: Sequence[Promotion]
) -> tuple[int, ...]:
    every = range(len(lines))
    return tuple(sum(remaining[i] for i in eligible_lines(p, lines, applied, every)) for p in later)


def _store_outcome(
    lines: Sequence[Line], combo: Sequence[tuple[int, LineChoice]], steps: StepChoice, later: Sequence[Promotion]
) -> Outcome:
    remaining = [r for r, _ in combo]
    applied: list[Applied] = [c for _, c in combo]
    for step in steps:
        apply_step(step, lines, remaining, applied, range(len(lines)))
    held, step_picks = _step_ids(steps)
    picks = step_picks | {f"{ln.line_id}/{p.promotion_id}" for ln, (_, c) in zip(lines, combo, strict=True) for p in c}
    choices = tuple(c for _, c in combo)
    bases = _bases(lines, remaining, applied, later)
    return Outcome(sum(remaining), tuple(remaining), tuple(applied), choices, steps, held, frozenset(picks), bases)


def store_outcomes(lines: Sequence[Line], catalogue: Catalogue, headroom: int) -> list[Outcome]:
    """The distinct outcomes of one store's lines (in id order) that can still be part of an optimum."""
    per_line = [_line_outcomes(line, catalogue.line_promos) for line in lines]
    later = downstream(catalogue)
    kept: dict[object, Outcome] = {}
    for combo in product(*per_line):
        for steps in store_options(catalogue, lines[0].store_id):
            outcome = _store_outcome(lines, combo, steps, later)
            key = (outcome.remaining, tuple(_signature(a) for a in outcome.applied))
            if key not in kept or tie_key(outcome.held, outcome.picks) < tie_key(kept[key].held, kept[key].picks):
                kept[key] = outcome
    cheapest = min(o.total for o in kept.values())
    survivors = [o for o in kept.values() if o.total <= cheapest + headroom]
    return sorted(survivors, key=lambda o: (o.total, tie_key(o.held, o.picks)))


def downstream_bound(catalogue: Catalogue, bases: Sequence[int]) -> int:
    """The most the festival and voucher classes could take off if each one's eligible amount were at most `bases`
    (aligned with `downstream`): every discount is monotone in its base and later bases only shrink."""
    crosses = len(catalogue.cross)
    cross = max((threshold_discount(p, b) for p, b in zip(catalogue.cross, bases, strict=False)), default=0)
    vouchers = [(v.promotion, threshold_discount(v.promotion, b)) for v, b in zip(catalogue.vouchers, bases[crosses:],
                                                                                    strict=True)]
    stackable = sum(d for p, d in vouchers if p.stackable)
    return cross + stackable + max((d for p, d in vouchers if not p.stackable), default=0)


def headroom(lines: Sequence[Line], catalogue: Catalogue) -> int:
    """The most that the festival and voucher classes together could take off this cart."""
    whole = sum(line.amount for line in lines)
    return downstream_bound(catalogue, [whole] * len(downstream(catalogue)))
