"""Bundles: one of each of a store's chosen SKUs sold together at `price`, as many whole sets as the cart holds.

A set's discount is the sum of its SKUs' unit prices (a SKU on two lines counts at its lower unit price) less the
bundle price, nothing when that is not positive; the sets' discount is split over the covered lines by largest
remainder of their amounts. The rule on lines: a bundle is an item-class alternative for all the lines of its SKUs in
its store. Either every such line joins it (and takes no other item-class promotion, on any unit, though member price
and the threshold classes still apply on what is left when they combine) or none does; a line joins one bundle at
most. The engine tries every such choice, including leaving a bundle out, and keeps the cheapest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import combinations

from mercato.pricing.model.allocation import allocate
from mercato.pricing.model.types import Line, Promotion

Joined = dict[int, Promotion]


def bundle_sets(promo: Promotion, lines: Sequence[Line]) -> int:
    """How many whole sets of the bundle the lines hold."""
    counts = dict.fromkeys(promo.scope.sku_ids, 0)
    for line in lines:
        if promo.scope.covers(line):
            counts[line.sku_id] += line.quantity
    return min(counts.values())


def bundle_shares(promo: Promotion, lines: Sequence[Line]) -> tuple[list[int], list[int]]:
    """The covered lines (indexes, in the given order) and each one's share of the bundle discount."""
    covered = [i for i, line in enumerate(lines) if promo.scope.covers(line)]
    units: dict[str, int] = {}
    for i in covered:
        units[lines[i].sku_id] = min(units.get(lines[i].sku_id, lines[i].unit_price), lines[i].unit_price)
    per_set = sum(units.values()) - promo.price
    discount = bundle_sets(promo, lines) * per_set if per_set > 0 and len(units) == len(promo.scope.sku_ids) else 0
    return covered, allocate(discount, [lines[i].amount for i in covered])


def joined(promo: Promotion, lines: Sequence[Line]) -> Joined:
    """Each covered line's copy of the bundle carrying its share in `amount`; empty if it takes nothing off."""
    covered, shares = bundle_shares(promo, lines)
    if not sum(shares):
        return {}
    return {i: replace(promo, amount=share) for i, share in zip(covered, shares, strict=True)}


def selections(lines: Sequence[Line], bundles: Sequence[Promotion]) -> list[Joined]:
    """Every set of the bundles that take something off with no line in two of them (the empty set first)."""
    options = [j for j in (joined(b, lines) for b in bundles) if j]
    found: list[Joined] = []
    for size in range(len(options) + 1):
        for pick in combinations(options, size):
            if sum(len(j) for j in pick) == len(set().union(*pick)):
                found.append({i: p for j in pick for i, p in j.items()})
    return found
