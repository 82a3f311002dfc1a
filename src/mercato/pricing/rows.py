"""The one mapping between a `promotions` row and the engine's `Promotion`: the `rule` JSON holds the kind's
numbers, the scope and class lists are JSON arrays, and a cross-store reduction's stores are its opt-ins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mercato.pricing.model import Kind, PromoClass, Promotion, Requirement, Scope, Tier, Window

RULE_FIELDS = ("threshold", "amount", "percent", "cap", "every", "price", "buy", "get", "nth")


def rule_of(promo: Promotion) -> dict[str, Any]:
    """The `rule` JSON of a promotion: only the numbers that are set, and the tiers as [threshold, amount] pairs."""
    rule: dict[str, Any] = {name: getattr(promo, name) for name in RULE_FIELDS if getattr(promo, name)}
    if promo.cap is not None:
        rule["cap"] = promo.cap
    if promo.tiers:
        rule["tiers"] = [[tier.threshold, tier.amount] for tier in promo.tiers]
    return rule


def columns_of(promo: Promotion) -> dict[str, Any]:
    """The engine-facing columns of a promotions row (the caller adds owner, names, status and issue limits)."""
    store_ids = sorted(promo.scope.store_ids)
    return {
        "id": promo.promotion_id, "kind": promo.kind.value,
        "store_id": store_ids[0] if promo.promo_class is PromoClass.STORE else None,
        "starts_at": promo.window.starts_at, "ends_at": promo.window.ends_at,
        "rule": rule_of(promo), "sku_ids": sorted(promo.scope.sku_ids),
        "vertical_ids": sorted(promo.scope.vertical_ids), "platform_share_bp": promo.platform_share_bp,
        "requirement": promo.requirement.value, "combines_with": sorted(c.value for c in promo.combines_with),
        "exclusive_group": promo.exclusive_group, "priority": promo.priority,
    }


def promotion_of(row: Mapping[str, Any], opted_store_ids: Iterable[str] = ()) -> Promotion:
    """The engine's value for a row; `opted_store_ids` are a cross-store reduction's participating stores."""
    rule: Mapping[str, Any] = row["rule"] or {}
    kind = Kind(row["kind"])
    if kind is Kind.CROSS_STORE_REDUCTION:
        stores = frozenset(opted_store_ids)
    elif row["store_id"]:
        stores = frozenset({str(row["store_id"])})
    else:
        stores = frozenset()
    return Promotion(
        promotion_id=str(row["id"]), kind=kind,
        scope=Scope(stores, frozenset(row["sku_ids"] or ()), frozenset(row["vertical_ids"] or ())),
        window=Window(row["starts_at"], row["ends_at"]),
        platform_share_bp=row["platform_share_bp"],
        threshold=int(rule.get("threshold", 0)), amount=int(rule.get("amount", 0)),
        percent=int(rule.get("percent", 0)), cap=None if rule.get("cap") is None else int(rule["cap"]),
        tiers=tuple(Tier(int(t), int(a)) for t, a in rule.get("tiers", ())),
        every=int(rule.get("every", 0)), price=int(rule.get("price", 0)), buy=int(rule.get("buy", 0)),
        get=int(rule.get("get", 0)), nth=int(rule.get("nth", 0)),
        requirement=Requirement(row["requirement"]),
        combines_with=frozenset(PromoClass(c) for c in row["combines_with"]),
        exclusive_group=str(row["exclusive_group"] or ""), priority=int(row["priority"]),
    )
