"""A merchant's bundle on a real database: created with its store and SKUs and audited; a bundle of one SKU or at
no price is refused in the merchant's words, leaving nothing changed. Its product badge and how the pages word it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from manage_helpers import pricing_snapshot

from catalog.catalog_helpers import audit_actions
from mercato.kernel.errors import DomainError
from mercato.kernel.runtime import Runtime
from mercato.pricing import service
from mercato.pricing.model import Kind, Promotion, Scope
from mercato.pricing.model.badges import Badge, SkuPrice, product_promotions
from mercato.pricing.model.drafts import PromotionDraft, PromotionStatus
from mercato.web.render import templates
from trade.trade_helpers import World, build_world


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def bundle_draft(world: World) -> PromotionDraft:
    return PromotionDraft(kind=Kind.BUNDLE, name_en="Pair", name_zh="组合", price=90000,
                          sku_ids=frozenset(world.shops["nike"].skus[:2]))


def test_a_merchant_creates_a_bundle_of_two_skus(rt: Runtime, world: World) -> None:
    nike = world.shops["nike"]
    view = service.create_store_promotion(rt, nike.owner, nike.store_id, bundle_draft(world))
    assert (view.owner, view.store_id, view.status, view.kind) == ("store", nike.store_id, PromotionStatus.ACTIVE,
                                                                    Kind.BUNDLE)
    assert (view.draft.price, sorted(view.draft.sku_ids), view.draft.claimable) == (90000, sorted(nike.skus[:2]),
                                                                                    False)
    assert [p.id for p in service.store_promotions(rt, nike.owner, nike.store_id)] == [view.id]
    assert audit_actions(rt, "promotion", view.id) == ["promotion.create"]


def one_sku(draft: PromotionDraft) -> PromotionDraft:
    return replace(draft, sku_ids=frozenset(sorted(draft.sku_ids)[:1]))


def no_price(draft: PromotionDraft) -> PromotionDraft:
    return replace(draft, price=0)


@pytest.mark.parametrize(("spoil", "field", "message"), [
    (no_price, "price", "The bundle price must be more than zero"),
    (one_sku, "scope.sku_ids", "Choose at least two SKUs for a bundle"),
])
def test_a_bundle_of_one_sku_or_at_no_price_is_refused(
        rt: Runtime, world: World, spoil: Callable[[PromotionDraft], PromotionDraft], field: str, message: str,
) -> None:
    nike = world.shops["nike"]
    before = pricing_snapshot(rt)
    with pytest.raises(DomainError) as caught:
        service.create_store_promotion(rt, nike.owner, nike.store_id, spoil(bundle_draft(world)))
    assert (caught.value.code, caught.value.params.get("field"), caught.value.message) == (
        "promotion_invalid", field, message)
    assert pricing_snapshot(rt) == before


def test_a_bundle_shows_as_a_badge_with_its_price_and_number_of_items() -> None:
    bundle = Promotion("b", Kind.BUNDLE, scope=Scope(frozenset({"s1"}), frozenset({"k1", "k2", "k3"})), price=9900)
    skus = [SkuPrice("k1", "s1", "v1", 5000), SkuPrice("k9", "s1", "v1", 5000)]
    shown = product_promotions(skus, [bundle], datetime(2026, 11, 11, tzinfo=UTC))
    assert shown.badges == (Badge("b", Kind.BUNDLE, price=9900, items=3),)
    assert [(p.sku_id, p.price) for p in shown.prices] == [("k1", 5000), ("k9", 5000)]


def test_the_bundle_badge_and_rule_read_as_a_price_for_a_number_of_items() -> None:
    env = templates.env
    badge = env.get_template("storefront/_promotions.html").module.badge_text(
        Badge("b", Kind.BUNDLE, price=9900, items=3), {})
    assert str(badge).strip() == "Bundle: ¥99.00 for 3 items"
    draft = PromotionDraft(kind=Kind.BUNDLE, name_en="Trio", name_zh="三件套", price=9900,
                           sku_ids=frozenset({"k1", "k2", "k3"}))
    macros = env.get_template("pricing/_macros.html").module
    assert str(macros.rule(draft)).strip() == "¥99.00 for one of each of 3 SKUs"
    assert str(macros.kind_label(Kind.BUNDLE)).strip() == "Bundle"
