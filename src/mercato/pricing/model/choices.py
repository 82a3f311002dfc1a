"""Every choice the engine may make: item promotions per line, store steps per store, the festival (the voucher sets,
no voucher or one non-stackable one and any stackable ones, are walked depth first in `solver`)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations, product

from mercato.pricing.model.catalogue import Catalogue
from mercato.pricing.model.rules import line_discount
from mercato.pricing.model.steps import Step
from mercato.pricing.model.types import Line, PromoClass, Promotion, combine

LineChoice = tuple[Promotion, ...]
StepChoice = tuple[Step, ...]


def _compatible(choice: Sequence[Promotion]) -> bool:
    return all(combine(a, b) for a, b in combinations(choice, 2))


def line_options(line: Line, promos: Sequence[Promotion], bundle: Promotion | None = None) -> list[LineChoice]:
    """The maximal sets of at most one item and one member promotion that combine and take something off.

    Maximal because promotions apply automatically: a choice leaves one out only if it cannot combine. A line that
    joined a `bundle` has it as its item promotion.
    """
    covering = [p for p in promos if p.scope.covers(line) and line_discount(p, line, line.amount) > 0]
    items: list[Promotion | None] = [None, *(p for p in covering if p.promo_class is PromoClass.ITEM)]
    if bundle is not None:
        items = [bundle]
    members: list[Promotion | None] = [None, *(p for p in covering if p.promo_class is PromoClass.MEMBER)]
    sets = [tuple(p for p in pair if p is not None) for pair in product(items, members)]
    sets = [s for s in sets if _compatible(s)]
    return [s for s in sets if not any(set(s) < set(other) for other in sets)]


def _group_options(reductions: Sequence[Promotion]) -> list[StepChoice]:
    groups: dict[str, list[Promotion]] = {}
    for promo in reductions:
        groups.setdefault(promo.exclusive_group or f"\0{promo.promotion_id}", []).append(promo)
    picks = product(*(groups[g] for g in sorted(groups)))
    return [tuple(Step(p) for p in sorted(pick, key=lambda p: (-p.priority, p.promotion_id))) for pick in picks]


def store_options(catalogue: Catalogue, store_id: str) -> list[StepChoice]:
    """One member of each exclusive group of the store's full reductions, then no coupon or one held coupon."""
    coupons: list[StepChoice] = [(), *((c,) for c in catalogue.coupons.get(store_id, ()))]
    return [r + c for r in _group_options(catalogue.store_reductions.get(store_id, ())) for c in coupons]


def cross_options(catalogue: Catalogue) -> list[StepChoice]:
    """Festivals are alternatives: the engine applies one of them."""
    return [(Step(p),) for p in catalogue.cross] or [()]
