"""The exact search for the lowest payable total over every choice (item alternatives, coupons, festival, vouchers).

The total is not monotone in the amounts in between (a higher store subtotal can meet a later threshold), so no
greedy step is taken. Per store, every bundle choice, item choice and store step choice is tried and the outcomes are
kept by what later classes can see: each line's amount left and its two class masks (`steps.marks_of`), which decide
every later eligibility exactly. An outcome dearer than the store's cheapest by more than all later classes could ever
take off (`headroom`) can never win and is dropped; the search over stores (`solver`) stops a branch on the same kind
of bound. Every remaining combination meets every festival and, depth first, every voucher set not bounded out.

Ties on the total go to fewer coupons and vouchers, then to the smaller set of held ids, then to fewer promotions,
then to the smaller set of (line, promotion) picks: all ids, so the result does not depend on input order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from mercato.pricing.model.bundles import selections
from mercato.pricing.model.catalogue import Catalogue
from mercato.pricing.model.choices import LineChoice, StepChoice, line_options, store_options
from mercato.pricing.model.rules import threshold_discount
from mercato.pricing.model.steps import Marks, Prepared, Step, apply_item_choice, apply_prepared, marks_of, prepare
from mercato.pricing.model.types import Line, Promotion

Applied = tuple[Promotion, ...]
TieKey = tuple[int, tuple[str, ...], int, tuple[str, ...]]
LineOutcome = tuple[int, Marks, LineChoice]


@dataclass(frozen=True, slots=True)
class Plan:
    """A full choice: item promotions per line (aligned with the lines in id order), then the threshold steps."""

    line_choices: tuple[LineChoice, ...]
    store_steps: tuple[StepChoice, ...]
    cross: StepChoice
    vouchers: StepChoice


@dataclass(frozen=True, slots=True)
class Outcome:
    """One store's lines after a choice: amounts left, class masks (see `steps.marks_of`), later classes' bases."""

    total: int
    remaining: tuple[int, ...]
    marks: tuple[Marks, ...]
    choices: tuple[LineChoice, ...]
    steps: StepChoice
    held: frozenset[str]
    picks: frozenset[str]
    bases: tuple[int, ...]


def tie_key(held: frozenset[str], picks: frozenset[str]) -> TieKey:
    return len(held), tuple(sorted(held)), len(picks), tuple(sorted(picks))


def _step_ids(steps: StepChoice) -> tuple[frozenset[str], frozenset[str]]:
    held = frozenset(s.held_id for s in steps if s.held_id)
    return held, frozenset(s.held_id or s.promotion.promotion_id for s in steps)


def _line_outcomes(line: Line, promos: Sequence[Promotion], bundle: Promotion | None = None) -> list[LineOutcome]:
    kept: dict[tuple[int, Marks], LineOutcome] = {}
    for choice in line_options(line, promos, bundle):
        remaining, _ = apply_item_choice(line, choice)
        key = (remaining, marks_of(choice))
        ids = sorted(p.promotion_id for p in choice)
        if key not in kept or (len(ids), ids) < (len(kept[key][2]), sorted(p.promotion_id for p in kept[key][2])):
            kept[key] = (remaining, key[1], choice)
    return sorted(kept.values(), key=lambda o: (o[0], [p.promotion_id for p in o[2]]))


def downstream(catalogue: Catalogue) -> list[Promotion]:
    """The promotions after the store class: the festivals, then the vouchers held."""
    return [*catalogue.cross, *(v.promotion for v in catalogue.vouchers)]


@dataclass(frozen=True, slots=True)
class _Store:
    """One store's lines with its step choices and the later classes prepared over them (local indexes)."""

    lines: Sequence[Line]
    options: list[tuple[StepChoice, tuple[Prepared, ...], frozenset[str], frozenset[str]]]
    later: list[Prepared]

    def most_off(self) -> int:
        """The most any step choice could take off: each step at the store's whole amount, which bounds its base."""
        whole = sum(line.amount for line in self.lines)
        return max(sum(threshold_discount(p.step.promotion, whole) for p in prepared) for _, prepared, _, _ in
                   self.options)

    def outcome(self, combo: Sequence[LineOutcome], option: int) -> Outcome:
        steps, prepared, held, step_picks = self.options[option]
        remaining = [r for r, _, _ in combo]
        classes = [m[0] for _, m, _ in combo]
        allows = [m[1] for _, m, _ in combo]
        for step in prepared:
            apply_prepared(step, remaining, classes, allows)
        picks = step_picks | {f"{ln.line_id}/{p.promotion_id}" for ln, o in zip(self.lines, combo, strict=True)
                              for p in o[2]}
        bases = tuple(sum(remaining[i] for i in p.eligible(classes, allows)) for p in self.later)
        return Outcome(sum(remaining), tuple(remaining), tuple(zip(classes, allows, strict=True)),
                       tuple(o[2] for o in combo), steps, held, frozenset(picks), bases)


def _store(lines: Sequence[Line], catalogue: Catalogue) -> _Store:
    local = range(len(lines))
    options = [(steps, tuple(prepare(s, lines, local) for s in steps), *_step_ids(steps))
               for steps in store_options(catalogue, lines[0].store_id)]
    return _Store(lines, options, [prepare(Step(p), lines, local) for p in downstream(catalogue)])


def _keep(kept: dict[object, Outcome], outcome: Outcome) -> None:
    """Outcomes alike for every later class (amounts left and class masks) keep the one that wins the tie."""
    key = (outcome.remaining, outcome.marks)
    if key not in kept or tie_key(outcome.held, outcome.picks) < tie_key(kept[key].held, kept[key].picks):
        kept[key] = outcome


@dataclass(slots=True)
class _Combos:
    """The combinations of the lines' outcomes, each line's cheapest first, cut where even the least the lines left
    could come to, less the most any store step choice takes off (`most_off`), is above `limit`."""

    most_off: int
    limit: int = 1 << 62

    def walk(self, per_line: Sequence[list[LineOutcome]]) -> Iterator[tuple[LineOutcome, ...]]:
        least = [0] * (len(per_line) + 1)
        for k in range(len(per_line) - 1, -1, -1):
            least[k] = least[k + 1] + per_line[k][0][0]
        return self._from(per_line, least, 0, 0, ())

    def _from(self, per_line: Sequence[list[LineOutcome]], least: list[int], k: int, partial: int,
              chosen: tuple[LineOutcome, ...]) -> Iterator[tuple[LineOutcome, ...]]:
        if k == len(per_line):
            yield chosen
            return
        for option in per_line[k]:
            if partial + option[0] + least[k + 1] - self.most_off > self.limit:
                break
            yield from self._from(per_line, least, k + 1, partial + option[0], (*chosen, option))


def store_outcomes(lines: Sequence[Line], catalogue: Catalogue, headroom: int) -> list[Outcome]:
    """The distinct outcomes of one store's lines (in id order) that can still be part of an optimum: none dearer
    than the cheapest found by more than `headroom`, so a combination that cannot come under that is never tried."""
    own = [_line_outcomes(line, catalogue.line_promos) for line in lines]
    store = _store(lines, catalogue)
    combos, kept = _Combos(store.most_off()), dict[object, Outcome]()
    for joined in selections(lines, catalogue.bundles.get(lines[0].store_id, ())):
        per_line = [_line_outcomes(ln, catalogue.line_promos, joined[i]) if i in joined else own[i]
                    for i, ln in enumerate(lines)]
        for combo in combos.walk(per_line):
            for option in range(len(store.options)):
                outcome = store.outcome(combo, option)
                _keep(kept, outcome)
                combos.limit = min(combos.limit, outcome.total + headroom)
    survivors = [o for o in kept.values() if o.total <= combos.limit]
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
