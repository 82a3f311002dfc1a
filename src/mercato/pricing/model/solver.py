"""The search across stores: a depth-first walk over each store's surviving outcomes, bounded by `headroom`; at each
leaf every festival, then the voucher sets depth first (see `search` for the rules and the tie-break).

Exact: a branch is cut only when even the most its later steps could take off (each discount at the whole amount
left, which bounds its base) leaves it dearer than the best found, and a voucher that takes nothing off is left out
because the same set without it has the same total and wins the tie.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mercato.pricing.model.allocation import allocate
from mercato.pricing.model.catalogue import Catalogue
from mercato.pricing.model.choices import LineChoice, StepChoice, cross_options
from mercato.pricing.model.rules import threshold_discount
from mercato.pricing.model.search import (
    Outcome,
    Plan,
    TieKey,
    downstream_bound,
    headroom,
    store_outcomes,
    tie_key,
)
from mercato.pricing.model.steps import Prepared, Step, apply_prepared, prepare
from mercato.pricing.model.types import Line


@dataclass(slots=True)
class _Best:
    payable: int
    key: TieKey | None = None
    leaf: tuple[Outcome, ...] = ()
    cross: StepChoice = ()
    vouchers: StepChoice = ()


_State = tuple[list[int], list[int], list[int]]
_Applied = tuple[list[int], list[int], int]


@dataclass(slots=True)
class _Reach:
    """Upper bounds for the vouchers from j on: each one's discount on the whole amount left after the festival."""

    each: list[int]
    stack: list[int]
    single: list[int]

    def __init__(self, discounts: list[int], vouchers: Sequence[Prepared]) -> None:
        self.each, self.stack, self.single = discounts, [0] * (len(vouchers) + 1), [0] * (len(vouchers) + 1)
        for j in range(len(vouchers) - 1, -1, -1):
            stackable = vouchers[j].step.promotion.stackable
            self.stack[j] = self.stack[j + 1] + (discounts[j] if stackable else 0)
            self.single[j] = max(self.single[j + 1], 0 if stackable else discounts[j])

    def most(self, start: int, single_used: bool) -> int:
        return self.stack[start] + (0 if single_used else self.single[start])


@dataclass(frozen=True, slots=True)
class _Node:
    chosen: tuple[Outcome, ...]
    cross: StepChoice
    vouchers: StepChoice
    single: bool
    reach: _Reach


def _add(first: Sequence[int], second: Sequence[int]) -> tuple[int, ...]:
    return tuple(a + b for a, b in zip(first, second, strict=True))


@dataclass(slots=True)
class _Search:
    catalogue: Catalogue
    lines: Sequence[Line]
    positions: list[list[int]]
    outcomes: list[list[Outcome]]
    room: int
    crosses: list[tuple[StepChoice, tuple[Prepared, ...]]]
    vouchers: list[Prepared]
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
        size = len(self.lines)
        remaining, classes, allows = [0] * size, [0] * size, [0] * size
        for where, outcome in zip(self.positions, chosen, strict=True):
            for i, r, (c, a) in zip(where, outcome.remaining, outcome.marks, strict=True):
                remaining[i], classes[i], allows[i] = r, c, a
        for cross, prepared in self.crosses:
            state = (list(remaining), list(classes), list(allows))
            for step in prepared:
                apply_prepared(step, *state)
            total = sum(state[0])
            reach = _Reach([threshold_discount(v.step.promotion, total) for v in self.vouchers], self.vouchers)
            if total - reach.most(0, False) <= self.best.payable:
                self.stack(_Node(chosen, cross, (), False, reach), 0, state, total)

    def stack(self, node: _Node, start: int, state: _State, total: int) -> None:
        """Every set of vouchers from `start` on added to the node's, depth first, bounded by what they could reach."""
        self.consider(total, node.chosen, node.cross, node.vouchers)
        for j in range(start, len(self.vouchers)):
            if not (node.single and not self.vouchers[j].step.promotion.stackable):
                self.add_voucher(node, j, state, total)

    def add_voucher(self, node: _Node, j: int, state: _State, total: int) -> None:
        """A voucher that takes nothing off is skipped: the set with it only loses the tie to the set without it."""
        prepared = self.vouchers[j]
        single = node.single or not prepared.step.promotion.stackable
        floor = total - node.reach.most(j + 1, single)  # the least this set and its extensions could pay, ...
        if not node.reach.each[j] or floor - node.reach.each[j] > self.best.payable:  # ... with this voucher at most
            return
        eligible = prepared.eligible(state[1], state[2])
        weights = [state[0][i] for i in eligible]
        discount = threshold_discount(prepared.step.promotion, sum(weights))
        if discount and floor - discount <= self.best.payable:
            self.descend(_Node(node.chosen, node.cross, (*node.vouchers, prepared.step), single, node.reach), j,
                         (eligible, weights, discount), state, total - discount)

    def descend(self, child: _Node, j: int, applied: _Applied, state: _State, total: int) -> None:
        if j + 1 == len(self.vouchers):
            self.consider(total, child.chosen, child.cross, child.vouchers)
            return
        eligible, weights, discount = applied
        after = (list(state[0]), list(state[1]), list(state[2]))
        self.vouchers[j].commit(eligible, allocate(discount, weights), *after)
        self.stack(child, j + 1, after, total)

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
    every = range(len(lines))
    crosses = [(c, tuple(prepare(s, lines, every) for s in c)) for c in cross_options(catalogue)]
    vouchers = [prepare(v, lines, every) for v in catalogue.vouchers]
    search = _Search(catalogue, lines, positions, outcomes, room, crosses, vouchers)
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
