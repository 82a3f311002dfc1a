"""The operator's platform promotions: member prices on chosen verticals, subsidy prices on SKUs that exist,
new-customer vouchers, festivals with the platform's share; refusals change nothing and strangers are refused."""

from __future__ import annotations

import pytest
from manage_helpers import DAY, coupon, festival, pricing_snapshot, voucher

from catalog.catalog_helpers import audit_actions
from mercato.kernel.errors import DomainError
from mercato.kernel.runtime import Runtime
from mercato.pricing import service
from mercato.pricing.model import Kind, Requirement
from mercato.pricing.model.drafts import PromotionDraft, PromotionStatus
from trade.trade_helpers import World, build_world


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def refused(rt: Runtime, code: str, call: object, *args: object) -> DomainError:
    before = pricing_snapshot(rt)
    with pytest.raises(DomainError) as caught:
        call(*args)  # type: ignore[operator]
    assert caught.value.code == code, caught.value
    assert pricing_snapshot(rt) == before
    return caught.value


def member_price(world: World, **overrides: object) -> PromotionDraft:
    values: dict[str, object] = {"kind": Kind.MEMBER_PRICE, "name_en": "Members 5% off", "name_zh": "会员95折",
                                 "percent": 5, "platform_share_bp": 10000,
                                 "vertical_ids": frozenset({world.tree.apparel.id})}
    values.update(overrides)
    return PromotionDraft(**values)  # type: ignore[arg-type]


def test_an_operator_sets_a_member_price_on_a_vertical_paid_by_the_platform(rt: Runtime, world: World) -> None:
    view = service.create_platform_promotion(rt, world.operator, member_price(world))
    assert (view.owner, view.store_id, view.kind, sorted(view.draft.vertical_ids), view.draft.platform_share_bp) == \
        ("platform", None, Kind.MEMBER_PRICE, [world.tree.apparel.id], 10000)
    assert audit_actions(rt, "promotion", view.id) == ["promotion.create"]


def test_a_member_price_on_a_subcategory_is_refused(rt: Runtime, world: World) -> None:
    error = refused(rt, "promotion_scope_invalid", service.create_platform_promotion, rt, world.operator,
                    member_price(world, vertical_ids=frozenset({world.tree.tees.id})))
    assert error.params["field"] == "vertical_ids"


def test_a_subsidy_price_needs_skus_that_exist(rt: Runtime, world: World) -> None:
    sku = world.shops["nike"].skus[0]
    draft = PromotionDraft(kind=Kind.SUBSIDY_PRICE, name_en="Subsidy", name_zh="百亿补贴", price=49900,
                           sku_ids=frozenset({sku}))
    view = service.create_platform_promotion(rt, world.operator, draft)
    assert (sorted(view.draft.sku_ids), view.draft.price) == ([sku], 49900)
    refused(rt, "promotion_scope_invalid", service.create_platform_promotion, rt, world.operator,
            PromotionDraft(kind=Kind.SUBSIDY_PRICE, name_en="Ghost", name_zh="", price=100,
                           sku_ids=frozenset({"01NOSUCHSKU000000000000000"})))
    error = refused(rt, "promotion_invalid", service.create_platform_promotion, rt, world.operator,
                    PromotionDraft(kind=Kind.SUBSIDY_PRICE, name_en="No SKUs", name_zh="", price=100))
    assert error.params["field"] == "sku_ids"


def test_a_new_customer_voucher_keeps_its_requirement(rt: Runtime, world: World) -> None:
    view = service.create_platform_promotion(rt, world.operator,
                                             voucher(requirement=Requirement.FIRST_PLATFORM_ORDER))
    assert (view.draft.requirement, view.draft.claimable) == (Requirement.FIRST_PLATFORM_ORDER, False)


def test_a_festival_share_outside_the_basis_points_is_refused(rt: Runtime, world: World) -> None:
    error = refused(rt, "promotion_invalid", service.create_platform_promotion, rt, world.operator,
                    festival(platform_share_bp=12000))
    assert error.params["field"] == "platform_share_bp"


def test_the_platform_cannot_create_a_store_coupon_and_stores_cannot_touch_platform_promotions(
        rt: Runtime, world: World) -> None:
    refused(rt, "promotion_kind_not_allowed", service.create_platform_promotion, rt, world.operator, coupon())
    envelope = service.create_platform_promotion(rt, world.operator, voucher())
    tea = world.shops["tea"]
    refused(rt, "promotion_not_found", service.set_store_promotion_status, rt, tea.owner, tea.store_id,
            envelope.id, "end")
    refused(rt, "access_denied", service.set_platform_promotion_status, rt, tea.owner, envelope.id, "end")
    refused(rt, "access_denied", service.create_platform_promotion, rt, tea.owner, voucher())


def test_an_operator_edits_before_the_start_and_ends_a_campaign(rt: Runtime, world: World) -> None:
    now = rt.clock.now()
    view = service.create_platform_promotion(rt, world.operator, voucher(starts_at=now + DAY))
    edited = service.update_platform_promotion(rt, world.operator, view.id,
                                               voucher(starts_at=now + DAY, amount=1500))
    assert edited.draft.amount == 1500
    ended = service.set_platform_promotion_status(rt, world.operator, view.id, "end")
    assert ended.status is PromotionStatus.ENDED
    assert audit_actions(rt, "promotion", view.id) == ["promotion.create", "promotion.end", "promotion.update"]
