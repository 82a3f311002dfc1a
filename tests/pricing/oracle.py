"""A brute-force oracle for the promotion engine: every combination of every choice, each applied class by class.

It shares only the per-promotion arithmetic (`rules`) and the allocation with the engine; the choices, eligibility,
ordering and bundle shares are written again here, the plain way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import combinations, product

from mercato.pricing.model import Context, Kind, Line, PromoClass, Promotion, Requirement, allocate
from mercato.pricing.model.rules import line_discount, threshold_discount

ITEM_CLASSES = (PromoClass.ITEM, PromoClass.MEMBER)
Choice = tuple[tuple[Promotion, str], ...]


def usable(promo: Promotion, context: Context, now: datetime) -> bool:
    window = promo.window
    if (window.starts_at and now < window.starts_at) or (window.ends_at and now >= window.ends_at):
        return False
    if promo.kind is Kind.MEMBER_PRICE and not context.is_member:
        return False
    if promo.requirement is Requirement.FIRST_PLATFORM_ORDER:
        return bool(context.first_platform_order)
    if promo.requirement is Requirement.FIRST_STORE_ORDER:
        return bool(promo.scope.store_ids) and promo.scope.store_ids <= context.first_order_store_ids
    return True


def mutual(a: Promotion, b: Promotion) -> bool:
    return a.promo_class in b.combines_with and b.promo_class in a.combines_with


def line_choices(
    line: Line, promos: Sequence[Promotion], bundle: Promotion | None = None
) -> list[tuple[Promotion, ...]]:
    found = [p for p in promos if p.scope.covers(line) and line_discount(p, line, line.amount) > 0
             and p.kind is not Kind.BUNDLE]
    if bundle is not None:
        found = [bundle, *(p for p in found if p.promo_class is PromoClass.MEMBER)]
    sets: list[tuple[Promotion, ...]] = []
    for size in range(3):
        for combo in combinations(found, size):
            classes = [p.promo_class for p in combo]
            if len(set(classes)) == size and all(mutual(a, b) for a, b in combinations(combo, 2)):
                sets.append(tuple(sorted(combo, key=lambda p: p.promo_class is PromoClass.MEMBER)))
    if bundle is not None:
        sets = [s for s in sets if bundle in s]
    return [s for s in sets if not any(set(s) < set(t) for t in sets)]


def bundle_take(bundle: Promotion, lines: Sequence[Line]) -> dict[int, int]:
    """Each covered line's share of the bundle's discount (lines in id order); empty if it takes nothing off."""
    covered = [i for i, line in enumerate(lines) if bundle.scope.covers(line)]
    quantities = [sum(lines[i].quantity for i in covered if lines[i].sku_id == sku) for sku in bundle.scope.sku_ids]
    if 0 in quantities:
        return {}
    per_set = sum(min(lines[i].unit_price for i in covered if lines[i].sku_id == sku)
                  for sku in bundle.scope.sku_ids) - bundle.price
    shares = allocate(min(quantities) * max(per_set, 0), [lines[i].amount for i in covered])
    return dict(zip(covered, shares, strict=True)) if sum(shares) else {}


Shares = dict[int, tuple[Promotion, int]]


def bundle_choices(lines: Sequence[Line], promos: Sequence[Promotion]) -> list[Shares]:
    """Every set of bundles taking something off in which no line is in two bundles."""
    takes = [(b, t) for b in promos if b.kind is Kind.BUNDLE for t in [bundle_take(b, lines)] if t]
    found = []
    for size in range(len(takes) + 1):
        for combo in combinations(takes, size):
            if all(not set(a[1]) & set(b[1]) for a, b in combinations(combo, 2)):
                found.append({i: (b, share) for b, take in combo for i, share in take.items()})
    return found


def store_choices(store: str, promos: Sequence[Promotion], held: Sequence[tuple[Promotion, str]]) -> list[Choice]:
    reductions = [p for p in promos if p.kind is Kind.STORE_REDUCTION and store in p.scope.store_ids]
    groups = sorted({p.exclusive_group or p.promotion_id for p in reductions})
    members = [[p for p in reductions if (p.exclusive_group or p.promotion_id) == g] for g in groups]
    coupons = [h for h in held if h[0].kind is Kind.STORE_COUPON and store in h[0].scope.store_ids]
    result = []
    for pick in product(*members):
        ordered = tuple((p, "") for p in sorted(pick, key=lambda p: (-p.priority, p.promotion_id)))
        result += [ordered, *((*ordered, c) for c in coupons)]
    return result


def voucher_choices(held: Sequence[tuple[Promotion, str]]) -> Iterator[Choice]:
    vouchers = [h for h in held if h[0].kind is Kind.PLATFORM_VOUCHER]
    for size in range(len(vouchers) + 1):
        for combo in combinations(vouchers, size):
            if sum(not p.stackable for p, _ in combo) <= 1:
                yield tuple(sorted(combo, key=lambda h: (-h[0].priority, h[0].promotion_id, h[1])))


def apply(lines: Sequence[Line], left: list[int], used: list[list[Promotion]], promo: Promotion,
          where: Sequence[int]) -> None:
    eligible = [i for i in where if promo.scope.covers(lines[i]) and all(mutual(promo, q) for q in used[i])]
    weights = [left[i] for i in eligible]
    parts = allocate(threshold_discount(promo, sum(weights)), weights)
    if sum(parts):
        for i, part in zip(eligible, parts, strict=True):
            left[i] -= part
            used[i].append(promo)


def evaluate(lines: Sequence[Line], items: Sequence[tuple[Promotion, ...]], stores: Sequence[tuple[str, Choice]],
             later: Choice, shares: Shares | None = None) -> int:
    left, used = [], []
    for i, (line, choice) in enumerate(zip(lines, items, strict=True)):
        amount = line.amount
        for promo in choice:
            amount -= (shares or {})[i][1] if promo.kind is Kind.BUNDLE else line_discount(promo, line, amount)
        left.append(amount)
        used.append(list(choice))
    for store, choice in stores:
        where = [i for i, line in enumerate(lines) if line.store_id == store]
        for promo, _ in choice:
            apply(lines, left, used, promo, where)
    for promo, _ in later:
        apply(lines, left, used, promo, range(len(lines)))
    return sum(left)


Space = tuple[
    list[list[tuple[Promotion, ...]]], list[list[tuple[str, Choice]]], list[Choice], list[Choice]
]


def spaces(lines: Sequence[Line], context: Context, promotions: Sequence[Promotion],
           now: datetime) -> list[tuple[Shares, Space]]:
    """For each choice of bundles, the choice lists whose product the oracle walks."""
    ordered = sorted(lines, key=lambda line: line.line_id)
    active = [p for p in promotions if usable(p, context, now)]
    by_id = {p.promotion_id: p for p in active}
    held = [(by_id[h.promotion_id], h.held_id) for h in context.held if h.promotion_id in by_id]
    item_promos = [p for p in active if p.promo_class in ITEM_CLASSES]
    stores = sorted({line.store_id for line in ordered})
    cross: list[Choice] = [((p, ""),) for p in active if p.kind is Kind.CROSS_STORE_REDUCTION] or [()]
    per_store = [[(s, c) for c in store_choices(s, active, held)] for s in stores]
    vouchers = list(voucher_choices(held))
    return [
        (shares, ([line_choices(line, item_promos, shares[i][0] if i in shares else None)
                   for i, line in enumerate(ordered)], per_store, cross, vouchers))
        for shares in bundle_choices(ordered, item_promos)
    ]


def space_size(lines: Sequence[Line], context: Context, promotions: Sequence[Promotion], now: datetime) -> int:
    total = 0
    for _, (per_line, per_store, cross, vouchers) in spaces(lines, context, promotions, now):
        size = len(cross) * len(vouchers)
        for options in (*per_line, *per_store):
            size *= len(options)
        total += size
    return total


def cheapest(lines: Sequence[Line], context: Context, promotions: Sequence[Promotion], now: datetime) -> int:
    ordered = sorted(lines, key=lambda line: line.line_id)
    return min(
        evaluate(ordered, items, stores, c + v, shares)
        for shares, (per_line, per_store, cross, vouchers) in spaces(lines, context, promotions, now)
        for items in product(*per_line)
        for stores in product(*per_store)
        for c in cross
        for v in vouchers
    )
