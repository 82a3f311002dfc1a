"""The search across stores: a depth-first walk over each store's surviving outcomes, bounded by `headroom`,
with every festival and voucher choice tried at each leaf (see `search` for the rules and the tie-break)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mercato.pricing.model.catalogue import Catalogue
from mercato.pricing.model.choices import LineChoice, StepChoice, cross_options, voucher_options
from mercato.pricing.model.search import (
    Applied,
    Outcome,
    Plan,
    TieKey,
    downstream_bound,
    headroom,
    store_outcomes,
    tie_key,
)
from mercato.pricing.model.steps import Step, apply_step
from mercato.pricing.model.types import Line


@dataclass(slots=True)
class _Best:
    payable: int
    key: TieKey | None = None
    leaf: tuple[Outcome, ...] = ()
    cross: StepChoice = ()
    vouchers: StepChoice = ()


def _add(first: Sequence[int], second: Sequence[int]) -> tuple[int, ...]:
    return tuple(a + b for a, b in zip(first, second, strict=True))


@dataclass(slots=True)
class _Search:
    catalogue: Catalogue
    lines: Sequence[Line]
    positions: list[list[int]]
    outcomes: list[list[Outcome]]
    room: int
    crosses: list[StepChoice]
    voucher_sets: list[StepChoice]
    floors: list[int] = field(default_factory=list)
    ceilings: list[tuple[int, ...]] = field(default_factory=list)
    best: _Best = field(default_factory=lambda: _Best(payable=1 << 62))

    def run(self) -> None:
        """Walk the stores; `floors[k]` is the least and `ceilings[k]` the most the stores from k on can add."""
        width = len(self.outcomes[0][0].bases)
        self.floors = [sum(o[0].total for o in self.outcomes[k:]) for k in range(len(self.outcomes) + 1)]
        self.ceilings = [(0,) * width]
        for options in reversed(self.outcomes):
            most = tuple(max(o.bases[j] for o in options) for j in range(width))
            self.ceilings.insert(0, _add(most, self.ceilings[0]))
        self.walk(0, 0, (0,) * width, ())

    def walk(self, depth: int, partial: int, bases: tuple[int, ...], chosen: tuple[Outcome, ...]) -> None:
        """A branch is cut when even the most the later classes could take off cannot beat the best so far."""
        if depth == len(self.outcomes):
            if partial - downstream_bound(self.catalogue, bases) <= self.best.payable:
                self.leaf(chosen)
            return
        for outcome in self.outcomes[depth]:
            total = partial + outcome.total
            if total + self.floors[depth + 1] - self.room > self.best.payable:
                break
            reach = _add(_add(bases, outcome.bases), self.ceilings[depth + 1])
            if total + self.floors[depth + 1] - downstream_bound(self.catalogue, reach) > self.best.payable:
                continue
            self.walk(depth + 1, total, _add(bases, outcome.bases), (*chosen, outcome))

    def leaf(self, chosen: tuple[Outcome, ...]) -> None:
        remaining = [0] * len(self.lines)
        applied: list[Applied] = [()] * len(self.lines)
        for where, outcome in zip(self.positions, chosen, strict=True):
            for i, r, a in zip(where, outcome.remaining, outcome.applied, strict=True):
                remaining[i], applied[i] = r, a
        every = range(len(self.lines))
        for cross in self.crosses:
            after_cross, applied_cross = self.apply(cross, remaining, applied, every)
            for vouchers in self.voucher_sets:
                left, _ = self.apply(vouchers, after_cross, applied_cross, every)
                self.consider(sum(left), chosen, cross, vouchers)

    def apply(
        self, steps: StepChoice, remaining: list[int], applied: list[Applied], every: range
    ) -> tuple[list[int], list[Applied]]:
        if not steps:
            return remaining, applied
        remaining, applied = list(remaining), list(applied)
        for step in steps:
            apply_step(step, self.lines, remaining, applied, every)
        return remaining, applied

    def consider(self, payable: int, chosen: tuple[Outcome, ...], cross: StepChoice, vouchers: StepChoice) -> None:
        if payable > self.best.payable:
            return
        held = frozenset[str]().union(*(o.held for o in chosen), (s.held_id for s in vouchers))
        picks = frozenset[str]().union(*(o.picks for o in chosen), _picks(cross), _picks(vouchers))
        key = tie_key(held, picks)
        if payable < self.best.payable or self.best.key is None or key < self.best.key:
            self.best = _Best(payable, key, chosen, cross, vouchers)


def _picks(steps: StepChoice) -> frozenset[str]:
    return frozenset(s.held_id or s.promotion.promotion_id for s in steps)


def solve(lines: Sequence[Line], catalogue: Catalogue) -> Plan:
    """The plan with the lowest payable total for `lines` (sorted by line id, at least one)."""
    stores = sorted({line.store_id for line in lines})
    positions = [[i for i, line in enumerate(lines) if line.store_id == s] for s in stores]
    room = headroom(lines, catalogue)
    outcomes = [store_outcomes([lines[i] for i in where], catalogue, room) for where in positions]
    search = _Search(catalogue, lines, positions, outcomes, room, cross_options(catalogue), voucher_options(catalogue))
    search.run()
    return _plan(search, positions)


def _plan(search: _Search, positions: list[list[int]]) -> Plan:
    choices: list[LineChoice] = [()] * len(search.lines)
    for where, outcome in zip(positions, search.best.leaf, strict=True):
        for i, choice in zip(where, outcome.choices, strict=True):
            choices[i] = choice
    return Plan(
        line_choices=tuple(choices),
        store_steps=tuple(o.steps for o in search.best.leaf),
        cross=search.best.cross,
        vouchers=search.best.vouchers,
    )


__all__ = ["Plan", "Step", "solve"]
