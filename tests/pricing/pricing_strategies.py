"""Hypothesis strategies for the promotion engine: carts of up to 12 lines in up to 4 stores, random promotions of
every kind (bundles included), and up to 8 held coupons and vouchers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

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
    Window,
)

NOW = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)
STORES = ("s1", "s2", "s3", "s4")
SKUS = ("k1", "k2", "k3", "k4", "k5", "k6")
VERTICALS = ("v1", "v2")

stores = st.sampled_from(STORES)
classes = st.frozensets(st.sampled_from(list(PromoClass)))
combines = st.one_of(st.just(ALL_CLASSES), classes)
windows = st.sampled_from([Window(), Window(ends_at=NOW - timedelta(days=1)), Window(starts_at=NOW + timedelta(1))])
windows_mostly_open = st.sampled_from([Window()] * 8 + [Window(ends_at=NOW - timedelta(days=1))])


@dataclass(frozen=True)
class Case:
    lines: tuple[Line, ...]
    context: Context
    promotions: tuple[Promotion, ...]


@st.composite
def lines(draw: st.DrawFn, shops: st.SearchStrategy[str]) -> tuple[Line, ...]:
    count = draw(st.integers(2, 12))
    return tuple(
        Line(
            f"l{i:02d}",
            draw(st.sampled_from(SKUS)),
            draw(shops),
            draw(st.sampled_from(VERTICALS)),
            draw(st.integers(0, 200) | st.integers(1, 30).map(lambda n: n * 1000)) * 10,
            draw(st.integers(1, 4)),
        )
        for i in range(count)
    )


@st.composite
def item_promotion(draw: st.DrawFn, pid: str) -> Promotion:
    kind = draw(st.sampled_from([Kind.ITEM_DISCOUNT, Kind.SPECIAL_PRICE, Kind.SUBSIDY_PRICE, Kind.BUY_X_GET_Y,
                                 Kind.NTH_ITEM, Kind.MEMBER_PRICE]))
    scope = Scope(sku_ids=frozenset({draw(st.sampled_from(SKUS))}))
    if kind is Kind.MEMBER_PRICE:
        scope = Scope(vertical_ids=frozenset({draw(st.sampled_from(VERTICALS))}))
    return Promotion(
        pid, kind, scope=scope, window=draw(windows_mostly_open), combines_with=draw(combines),
        percent=draw(st.integers(1, 99)) if kind in (Kind.MEMBER_PRICE, Kind.NTH_ITEM) else draw(st.integers(0, 99)),
        amount=draw(st.integers(1, 5000)), price=draw(st.integers(0, 150_000)),
        buy=draw(st.integers(1, 3)), get=draw(st.integers(1, 2)), nth=draw(st.integers(2, 3)),
        platform_share_bp=draw(st.none() | st.integers(0, 10_000)),
    )


@st.composite
def bundle(draw: st.DrawFn, pid: str, cart: tuple[Line, ...]) -> Promotion:
    """Mostly SKUs found together in one store of the cart, sometimes one it lacks."""
    store = draw(st.sampled_from(sorted({line.store_id for line in cart})))
    found = sorted({line.sku_id for line in cart if line.store_id == store} | {draw(st.sampled_from(SKUS))})
    picked = draw(st.frozensets(st.sampled_from(found), min_size=1, max_size=3))
    if len(picked) < 2:
        picked |= {draw(st.sampled_from([sku for sku in SKUS if sku not in picked]))}
    return Promotion(
        pid, Kind.BUNDLE, scope=Scope(store_ids=frozenset({store}), sku_ids=picked),
        window=draw(windows_mostly_open), combines_with=draw(combines),
        price=draw(st.integers(1, 200).map(lambda n: n * 100) | st.integers(1, 30).map(lambda n: n * 10_000)),
        platform_share_bp=draw(st.none() | st.integers(0, 10_000)),
    )


@st.composite
def threshold_rule(draw: st.DrawFn) -> dict[str, object]:
    if draw(st.booleans()):
        steps = sorted(draw(st.sets(st.integers(1, 40), min_size=1, max_size=3)))
        return {"tiers": tuple(Tier(s * 5000, s * 500 + 100 * i) for i, s in enumerate(steps))}
    every = draw(st.integers(1, 30)) * 1000
    amount = every // 10 * draw(st.integers(1, 5))
    return {"every": every, "amount": amount, "cap": draw(st.none() | st.integers(0, 20_000))}


@st.composite
def coupon_rule(draw: st.DrawFn) -> dict[str, object]:
    threshold = draw(st.integers(1, 60)) * 1000
    if draw(st.booleans()):
        return {"threshold": threshold, "amount": draw(st.integers(1, threshold - 1))}
    return {"threshold": threshold, "percent": draw(st.integers(1, 99)), "cap": draw(st.none() | st.integers(0, 9000))}


@st.composite
def store_reduction(draw: st.DrawFn, pid: str, shops: st.SearchStrategy[str]) -> Promotion:
    return Promotion(
        pid, Kind.STORE_REDUCTION, scope=Scope(store_ids=frozenset({draw(shops)})), window=draw(windows_mostly_open),
        exclusive_group=draw(st.sampled_from(["", "", "g"])), combines_with=draw(combines),
        priority=draw(st.integers(0, 2)), **draw(threshold_rule()),
    )


@st.composite
def cross_store(draw: st.DrawFn, pid: str, shops: st.SearchStrategy[str]) -> Promotion:
    opted = draw(st.frozensets(shops, min_size=1))
    return Promotion(
        pid, Kind.CROSS_STORE_REDUCTION, scope=Scope(store_ids=opted), platform_share_bp=draw(st.integers(0, 10_000)),
        combines_with=draw(combines), **draw(threshold_rule()),
    )


@st.composite
def held_promotion(draw: st.DrawFn, pid: str, shops: st.SearchStrategy[str]) -> Promotion:
    coupon = draw(st.booleans())
    scope = Scope(store_ids=frozenset({draw(shops)})) if coupon else Scope()
    return Promotion(
        pid, Kind.STORE_COUPON if coupon else Kind.PLATFORM_VOUCHER, scope=scope, window=draw(windows_mostly_open),
        requirement=draw(st.sampled_from([Requirement.NONE] * 6 + [Requirement.FIRST_PLATFORM_ORDER,
                                                                        Requirement.FIRST_STORE_ORDER])),
        combines_with=draw(combines), stackable=draw(st.booleans()), priority=draw(st.integers(0, 2)),
        **draw(coupon_rule()),
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    shops = st.sampled_from(draw(st.lists(stores, min_size=1, max_size=4, unique=True)))
    promos = [draw(item_promotion(f"i{n}")) for n in range(draw(st.integers(1, 4)))]
    promos += [draw(store_reduction(f"r{n}", shops)) for n in range(draw(st.integers(1, 4)))]
    promos += [draw(cross_store(f"x{n}", shops)) for n in range(draw(st.integers(0, 2)))]
    held_promos = [draw(held_promotion(f"h{n}", shops)) for n in range(draw(st.integers(1, 6)))]
    held = tuple(
        Held(f"c{n}", draw(st.sampled_from(held_promos)).promotion_id)
        for n in range(draw(st.integers(2, 8)))
    )
    context = Context(
        is_member=draw(st.booleans()), first_platform_order=draw(st.booleans()),
        first_order_store_ids=draw(st.frozensets(stores)), held=held,
    )
    cart = draw(lines(shops))
    promos += [draw(bundle(f"b{n}", cart)) for n in range(draw(st.integers(0, 2)))]
    return Case(cart, context, tuple(promos + held_promos))
