"""Seeded carts and promotions for the pricing benchmark: cross-store carts of a given size with the promotions a
consumer meets on a festival day (item discounts and special prices, member price, tiered and repeating store full
reductions, store coupons and platform vouchers held, one cross-store reduction), all as the engine's plain values."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from mercato.pricing.model import (
    ALL_CLASSES,
    Context,
    Held,
    Kind,
    Line,
    PromoClass,
    Promotion,
    Requirement,
    Scope,
    Tier,
)

NOW = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)
VERTICALS = ("apparel", "sports", "fmcg", "electronics", "home", "food", "health", "travel")
# The first six candidates name every kind once; the rest cycle through the kinds a cart meets most.
FIRST_KINDS = ("item", "reduction", "coupon", "voucher", "cross", "member")
MORE_KINDS = ("item", "reduction", "coupon", "voucher", "special")


@dataclass(frozen=True)
class Size:
    """A cart of `lines` lines from `stores` stores meeting `candidates` promotions, coupons and vouchers held."""

    name: str
    lines: int
    stores: int
    candidates: int


@dataclass(frozen=True)
class Case:
    lines: tuple[Line, ...]
    context: Context
    promotions: tuple[Promotion, ...]

    @property
    def candidates(self) -> int:
        return sum(not p.is_held for p in self.promotions) + len(self.context.held)


SIZES = (Size("small", 5, 2, 5), Size("middle", 20, 5, 15), Size("large", 50, 10, 40))


def mix(candidates: int) -> Counter[str]:
    """How many candidates of each kind a cart meets (see FIRST_KINDS and MORE_KINDS)."""
    kinds = list(FIRST_KINDS[:candidates])
    kinds += [MORE_KINDS[n % len(MORE_KINDS)] for n in range(candidates - len(kinds))]
    return Counter(kinds)


# --- carts ---------------------------------------------------------------------------------------------------


def _price(rng: random.Random) -> int:
    """A shelf price from 9.90 to about 1,999 yuan, log-uniform, ending in 9.90 or 0.00 as shops price."""
    yuan = int(10 ** rng.uniform(1, 3.3))
    return yuan * 100 - rng.choice((10, 100, 0))


def cart_lines(rng: random.Random, count: int, stores: int, tag: str) -> tuple[Line, ...]:
    """`count` lines over `stores` stores, every store with at least one line; one SKU per line."""
    owners = [n % stores for n in range(count)]
    rng.shuffle(owners)
    return tuple(
        Line(f"{tag}-l{i:02d}", f"{tag}-k{i:02d}", f"{tag}-s{store:02d}", rng.choice(VERTICALS), _price(rng),
             rng.choices((1, 2, 3), (70, 20, 10))[0])
        for i, store in enumerate(owners)
    )


def store_subtotals(lines: tuple[Line, ...]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.store_id] = totals.get(line.store_id, 0) + line.amount
    return totals


def _round(amount: float, unit: int = 1000) -> int:
    """Thresholds and amounts in whole 10 yuan (or `unit` fen), at least one unit."""
    return max(unit, int(amount) // unit * unit)


def _combines(rng: random.Random, drop: PromoClass) -> frozenset[PromoClass]:
    """Most promotions combine with every class; about one in five excludes `drop` (a platform or shop rule)."""
    return ALL_CLASSES - {drop} if rng.random() < 0.2 else ALL_CLASSES


# --- automatic promotions ------------------------------------------------------------------------------------


def item_promotion(rng: random.Random, pid: str, line: Line) -> Promotion:
    scope = Scope(sku_ids=frozenset({line.sku_id}))
    combines = _combines(rng, PromoClass.STORE)
    roll = rng.random()
    if roll < 0.45:
        return Promotion(pid, Kind.ITEM_DISCOUNT, scope=scope, percent=rng.choice((5, 10, 15, 20, 30)),
                         combines_with=combines)
    if roll < 0.75:
        off = max(100, line.unit_price * rng.randint(5, 20) // 100 // 100 * 100)
        return Promotion(pid, Kind.ITEM_DISCOUNT, scope=scope, amount=off, combines_with=combines)
    if roll < 0.9:
        return Promotion(pid, Kind.NTH_ITEM, scope=scope, nth=2, percent=50, combines_with=combines)
    return Promotion(pid, Kind.BUY_X_GET_Y, scope=scope, buy=2, get=1, combines_with=combines)


def special_price(rng: random.Random, pid: str, line: Line) -> Promotion:
    """A store's special price or, one time in three, a platform-funded subsidy price."""
    kind = Kind.SUBSIDY_PRICE if rng.random() < 1 / 3 else Kind.SPECIAL_PRICE
    price = line.unit_price * rng.randint(70, 95) // 100 // 10 * 10
    return Promotion(pid, kind, scope=Scope(sku_ids=frozenset({line.sku_id})), price=price,
                     combines_with=_combines(rng, PromoClass.STORE))


def member_price(rng: random.Random, pid: str, lines: tuple[Line, ...]) -> Promotion:
    verticals = frozenset(rng.sample(sorted({line.vertical_id for line in lines}), k=1))
    return Promotion(pid, Kind.MEMBER_PRICE, scope=Scope(vertical_ids=verticals), percent=rng.choice((5, 8, 10)),
                     platform_share_bp=rng.choice((0, 5000, 10_000)))


def reduction_rule(rng: random.Random, base: int) -> dict[str, object]:
    """Tiered ("spend 200 get 20 off, 300 get 40 off") or repeating ("every 100 get 10 off", capped) around `base`."""
    if rng.random() < 0.5:
        first = _round(base * rng.uniform(0.4, 1.2))
        off = _round(first * rng.uniform(0.05, 0.15), 100)
        return {"tiers": (Tier(first, off), Tier(first * 2, off * 5 // 2), Tier(first * 3, off * 4))}
    every = _round(base * rng.uniform(0.2, 0.7))
    return {"every": every, "amount": _round(every * rng.uniform(0.05, 0.15), 100),
            "cap": rng.choice((None, _round(every * 0.4, 100)))}


def store_reduction(rng: random.Random, pid: str, store: str, base: int, group: str) -> Promotion:
    return Promotion(pid, Kind.STORE_REDUCTION, scope=Scope(store_ids=frozenset({store})), exclusive_group=group,
                     priority=rng.randint(0, 1), combines_with=_combines(rng, PromoClass.CROSS_STORE),
                     **reduction_rule(rng, base))


def cross_store(rng: random.Random, pid: str, subtotals: dict[str, int]) -> Promotion:
    """The festival's "every 300 across stores, get 50 off" with most of the cart's stores opted in."""
    stores = sorted(subtotals)
    opted = frozenset(rng.sample(stores, k=max(1, round(len(stores) * rng.uniform(0.6, 1.0)))))
    base = sum(subtotals[s] for s in opted)
    return Promotion(pid, Kind.CROSS_STORE_REDUCTION, scope=Scope(store_ids=opted),
                     platform_share_bp=rng.choice((3000, 5000, 10_000)), **reduction_rule(rng, base))


# --- coupons and vouchers held -------------------------------------------------------------------------------


def coupon_rule(rng: random.Random, base: int) -> dict[str, object]:
    threshold = _round(base * rng.uniform(0.3, 1.3))
    if rng.random() < 0.7:
        return {"threshold": threshold, "amount": _round(threshold * rng.uniform(0.03, 0.15), 100)}
    return {"threshold": threshold, "percent": rng.choice((5, 8, 10)), "cap": _round(threshold * 0.1, 100)}


def store_coupon(rng: random.Random, pid: str, store: str, base: int) -> Promotion:
    requirement = Requirement.FIRST_STORE_ORDER if rng.random() < 0.1 else Requirement.NONE
    return Promotion(pid, Kind.STORE_COUPON, scope=Scope(store_ids=frozenset({store})), requirement=requirement,
                     priority=rng.randint(0, 1), combines_with=_combines(rng, PromoClass.ITEM),
                     **coupon_rule(rng, base))


def platform_voucher(rng: random.Random, pid: str, base: int) -> Promotion:
    """A red envelope: cash-like, a threshold on the whole cart; one in three stacks with the others."""
    requirement = Requirement.FIRST_PLATFORM_ORDER if rng.random() < 0.1 else Requirement.NONE
    return Promotion(pid, Kind.PLATFORM_VOUCHER, requirement=requirement, stackable=rng.random() < 1 / 3,
                     priority=rng.randint(0, 1), combines_with=_combines(rng, PromoClass.CROSS_STORE),
                     **coupon_rule(rng, base))


# --- one case ------------------------------------------------------------------------------------------------


def _automatic(rng: random.Random, counts: Counter[str], lines: tuple[Line, ...], tag: str) -> list[Promotion]:
    subtotals = store_subtotals(lines)
    stores = sorted(subtotals)
    promos = [item_promotion(rng, f"{tag}-i{n}", rng.choice(lines)) for n in range(counts["item"])]
    promos += [special_price(rng, f"{tag}-p{n}", rng.choice(lines)) for n in range(counts["special"])]
    promos += [member_price(rng, f"{tag}-m{n}", lines) for n in range(counts["member"])]
    for n in range(counts["reduction"]):
        store = stores[n % len(stores)]
        group = f"{tag}-g-{store}" if n >= len(stores) and rng.random() < 0.5 else ""
        promos.append(store_reduction(rng, f"{tag}-r{n}", store, subtotals[store], group))
    promos += [cross_store(rng, f"{tag}-x{n}", subtotals) for n in range(counts["cross"])]
    return promos


def _held(rng: random.Random, counts: Counter[str], lines: tuple[Line, ...], tag: str) -> list[Promotion]:
    subtotals = store_subtotals(lines)
    stores = sorted(subtotals)
    held = []
    for n in range(counts["coupon"]):
        store = stores[n % len(stores)]
        held.append(store_coupon(rng, f"{tag}-c{n}", store, subtotals[store]))
    total = sum(subtotals.values())
    held += [platform_voucher(rng, f"{tag}-v{n}", total) for n in range(counts["voucher"])]
    return held


def make_case(rng: random.Random, size: Size, tag: str) -> Case:
    """One cart of `size` with its candidates; the consumer holds one coupon or voucher of each held promotion."""
    lines = cart_lines(rng, size.lines, size.stores, tag)
    counts = mix(size.candidates)
    automatic = _automatic(rng, counts, lines, tag)
    held = _held(rng, counts, lines, tag)
    context = Context(
        is_member=rng.random() < 0.5,
        first_platform_order=rng.random() < 0.2,
        first_order_store_ids=frozenset(s for s in store_subtotals(lines) if rng.random() < 0.3),
        held=tuple(Held(f"{p.promotion_id}-h", p.promotion_id) for p in held),
    )
    return Case(lines, context, tuple(automatic + held))


def make_cases(size: Size, count: int, seed: int) -> list[Case]:
    """`count` distinct carts of `size`, the same ones for the same seed."""
    rng = random.Random(f"{seed}:{size.name}")
    return [make_case(rng, size, f"{size.name}{n}") for n in range(count)]


def voucher_case(rng: random.Random, coupons: int, vouchers: int, tag: str) -> Case:
    """An 8-line, 4-store cart whose consumer holds `coupons` store coupons (spread over the stores) and `vouchers`
    platform vouchers, with two item discounts, a special price, a member price, a full reduction per store and the
    festival: small enough for the brute-force oracle."""
    lines = cart_lines(rng, 8, 4, tag)
    counts = Counter({"item": 2, "special": 1, "member": 1, "reduction": 4, "cross": 1, "coupon": coupons,
                      "voucher": vouchers})
    automatic = _automatic(rng, counts, lines, tag)
    held = _held(rng, counts, lines, tag)
    context = Context(is_member=True, held=tuple(Held(f"{p.promotion_id}-h", p.promotion_id) for p in held))
    return Case(lines, context, tuple(automatic + held))


def voucher_cases(count: int, coupons: int, vouchers: int, seed: int) -> list[Case]:
    rng = random.Random(f"{seed}:held:{coupons}:{vouchers}")
    return [voucher_case(rng, coupons, vouchers, f"h{coupons}-{vouchers}-{n}") for n in range(count)]
