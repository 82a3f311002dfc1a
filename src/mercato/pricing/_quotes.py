"""Quoting a cart: load only the promotions that can touch its lines, in a fixed number of statements, and ask the
pure engine for the cheapest valid combination."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from mercato.kernel.uow import UnitOfWork
from mercato.pricing.model import (
    Context,
    Held,
    Kind,
    Line,
    Promotion,
    PromotionInvalid,
    Quote,
    Requirement,
    price_cart,
    validate_promotion,
)
from mercato.pricing.repo import PromotionRepo
from mercato.pricing.rows import promotion_of


@dataclass(frozen=True, slots=True)
class Offers:
    """What can price one consumer's cart now: the promotions, the coupons held and usable, and the names to show."""

    promotions: tuple[Promotion, ...]
    held: tuple[Held, ...]
    names: Mapping[str, tuple[str, str]]

    @property
    def need_membership(self) -> bool:
        """Whether membership can change the price (a member price is running)."""
        return any(p.kind is Kind.MEMBER_PRICE for p in self.promotions)

    @property
    def need_history(self) -> bool:
        """Whether the consumer's first orders can change the price (a new-customer promotion is running)."""
        return any(p.requirement is not Requirement.NONE for p in self.promotions)


def offers_in(uow: UnitOfWork, *, consumer_id: str, store_ids: Iterable[str], now: datetime) -> Offers:
    """The promotions and held coupons for a cart of these stores, in one statement whatever the cart."""
    rows = PromotionRepo(uow.conn).offers(consumer_id, store_ids, now)
    firsts: dict[str, Any] = {}
    opted: dict[str, set[str]] = {}
    held: dict[str, Held] = {}
    for row in rows:
        firsts.setdefault(row.id, row)
        if row.opted_store is not None:
            opted.setdefault(row.id, set()).add(row.opted_store)
        if row.held_id is not None:
            held[row.held_id] = Held(row.held_id, row.id)
    promotions = _usable([promotion_of(r._mapping, opted.get(r.id, ())) for r in firsts.values()
                          if _has_stores(r, opted)])
    names = {p.promotion_id: (str(firsts[p.promotion_id].name_en), str(firsts[p.promotion_id].name_zh))
             for p in promotions}
    known = {p.promotion_id for p in promotions}
    return Offers(promotions, tuple(held[k] for k in sorted(held) if held[k].promotion_id in known), names)


def _usable(promotions: Iterable[Promotion]) -> tuple[Promotion, ...]:
    """The promotions the engine accepts. The manage use cases validate a promotion when it is saved; a row that
    slipped past them is left out here rather than refuse every checkout that meets it."""
    kept = []
    for promo in promotions:
        try:
            validate_promotion(promo)
        except PromotionInvalid:
            continue
        kept.append(promo)
    return tuple(kept)


def _has_stores(row: Any, opted: Mapping[str, Iterable[str]]) -> bool:
    """A cross-store reduction none of the cart's stores opted in to cannot touch the cart."""
    return row.kind != Kind.CROSS_STORE_REDUCTION.value or bool(opted.get(row.id))


def price_offers(lines: Sequence[Line], context: Context, offers: Offers, now: datetime) -> Quote:
    """The engine's quote of the lines with these offers (the context's held coupons are the offers' own)."""
    return price_cart(lines, replace(context, held=offers.held), offers.promotions, now)


def promotions_for_in(uow: UnitOfWork, *, store_ids: Iterable[str], held_promotion_ids: Iterable[str],
                      now: datetime) -> tuple[Promotion, ...]:
    """The running promotions of these stores, the platform's, the cross-store reductions with their opted-in
    stores and those of the coupons held: two statements whatever the cart."""
    repo = PromotionRepo(uow.conn)
    rows = repo.for_cart(store_ids, held_promotion_ids, now)
    cross = [r.id for r in rows if r.kind == Kind.CROSS_STORE_REDUCTION.value]
    opted = repo.opted(cross)
    return _usable(promotion_of(row._mapping, opted.get(row.id, ())) for row in rows if _has_stores(row, opted))


def quote_in(uow: UnitOfWork, *, lines: Sequence[Line], context: Context, now: datetime) -> Quote:
    """The engine's quote for these lines and this consumer at `now`.

    A held coupon whose promotion is not running (paused or ended since the list of holdings was read) is left out,
    so the engine never meets a coupon of an unknown promotion.
    """
    held_ids = {h.promotion_id for h in context.held}
    promotions = promotions_for_in(uow, store_ids={line.store_id for line in lines}, held_promotion_ids=held_ids,
                                   now=now)
    known = {p.promotion_id for p in promotions}
    usable = replace(context, held=tuple(h for h in context.held if h.promotion_id in known))
    return price_cart(lines, usable, promotions, now)


def promotion_names_in(uow: UnitOfWork, promotion_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """(English, Chinese) name of each promotion, in one statement: for showing a quote."""
    return PromotionRepo(uow.conn).names(promotion_ids)
