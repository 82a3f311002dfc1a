"""The merchant's promotions on a real database: create, edit before and after the start, pause / resume / end,
the overlap rule of store full reductions, festival opt-in and opt-out, and every refusal leaving nothing changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from manage_helpers import DAY, HOUR, coupon, festival, pricing_snapshot, reduction

from catalog.catalog_helpers import audit_actions
from mercato.kernel.errors import DomainError
from mercato.kernel.runtime import Runtime
from mercato.pricing import service
from mercato.pricing.model import Kind, Tier
from mercato.pricing.model.drafts import Phase, PromotionStatus
from trade.trade_helpers import World, build_world


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def refused(rt: Runtime, code: str, call: object, *args: object) -> DomainError:
    """Run the call, expect the refusal `code`, and check that no pricing row nor audit entry changed."""
    before = pricing_snapshot(rt)
    with pytest.raises(DomainError) as caught:
        call(*args)  # type: ignore[operator]
    assert caught.value.code == code, caught.value
    assert pricing_snapshot(rt) == before
    return caught.value


def test_a_merchant_creates_a_store_coupon_that_is_audited(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    view = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon(per_person=2))
    assert (view.owner, view.store_id, view.status, view.kind) == ("store", tea.store_id, PromotionStatus.ACTIVE,
                                                                    Kind.STORE_COUPON)
    assert (view.draft.threshold, view.draft.amount, view.draft.total_quantity, view.draft.per_person) == \
        (20000, 2000, 10, 2)
    assert (view.issued, view.used, view.phase(rt.clock.now())) == (0, 0, Phase.RUNNING)
    assert [p.id for p in service.store_promotions(rt, tea.owner, tea.store_id)] == [view.id]
    assert audit_actions(rt, "promotion", view.id) == ["promotion.create"]


def test_an_item_discount_keeps_its_store_and_skus(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    draft = replace(coupon(), kind=Kind.ITEM_DISCOUNT, percent=15, threshold=0, amount=0,
                    sku_ids=frozenset(tea.skus[:1]))
    view = service.create_store_promotion(rt, tea.owner, tea.store_id, draft)
    assert (view.store_id, sorted(view.draft.sku_ids), view.draft.percent) == (tea.store_id, tea.skus[:1], 15)
    assert (view.draft.total_quantity, view.draft.claimable) == (None, False)


@pytest.mark.parametrize(("draft", "field"), [
    (coupon(threshold=0), "threshold"),
    (coupon(threshold=-100), "threshold"),
    (coupon(amount=20000), "amount"),
    (coupon(amount=25000), "amount"),
    (coupon(amount=0, percent=100), "percent"),
    (coupon(amount=0, percent=-5), "percent"),
    (reduction(tiers=(Tier(0, 0),)), "tiers.threshold"),
    (reduction(tiers=(Tier(10000, 10000),)), "tiers.amount"),
    (coupon(total_quantity=0), "total_quantity"),
    (coupon(per_person=0), "per_person"),
    (coupon(name_en="  "), "name_en"),
])
def test_bad_numbers_are_refused_naming_the_field(rt: Runtime, world: World, draft: object, field: str) -> None:
    tea = world.shops["tea"]
    error = refused(rt, "promotion_invalid", service.create_store_promotion, rt, tea.owner, tea.store_id, draft)
    assert error.params["field"] == field


def test_a_window_that_ends_before_it_starts_is_refused(rt: Runtime, world: World) -> None:
    tea, now = world.shops["tea"], rt.clock.now()
    draft = coupon(starts_at=now + DAY, ends_at=now + HOUR)
    error = refused(rt, "promotion_invalid", service.create_store_promotion, rt, tea.owner, tea.store_id, draft)
    assert error.params["field"] == "window"


def test_a_merchant_cannot_create_a_platform_kind(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    refused(rt, "promotion_kind_not_allowed", service.create_store_promotion, rt, tea.owner, tea.store_id,
            festival())


def test_skus_of_another_store_are_refused(rt: Runtime, world: World) -> None:
    tea, nike = world.shops["tea"], world.shops["nike"]
    draft = coupon(sku_ids=frozenset({tea.skus[0], nike.skus[0]}))
    error = refused(rt, "promotion_scope_invalid", service.create_store_promotion, rt, tea.owner, tea.store_id,
                    draft)
    assert error.params["sku_ids"] == [nike.skus[0]]


def test_two_full_reductions_of_one_group_may_not_overlap(rt: Runtime, world: World) -> None:
    tea, now = world.shops["tea"], rt.clock.now()
    first = service.create_store_promotion(rt, tea.owner, tea.store_id, reduction(ends_at=now + 2 * DAY))
    error = refused(rt, "promotion_window_overlaps", service.create_store_promotion, rt, tea.owner, tea.store_id,
                    reduction(starts_at=now + DAY))
    assert error.params["other_id"] == first.id


def test_full_reductions_of_other_groups_or_later_windows_may_coexist(rt: Runtime, world: World) -> None:
    tea, now = world.shops["tea"], rt.clock.now()
    service.create_store_promotion(rt, tea.owner, tea.store_id, reduction(ends_at=now + DAY))
    service.create_store_promotion(rt, tea.owner, tea.store_id, reduction(starts_at=now + DAY))
    service.create_store_promotion(rt, tea.owner, tea.store_id, reduction(exclusive_group="vip"))
    other = world.shops["farm"]
    service.create_store_promotion(rt, other.owner, other.store_id, reduction())
    assert len(service.store_promotions(rt, tea.owner, tea.store_id)) == 3


def test_an_ended_reduction_frees_its_window_but_resuming_a_paused_one_checks_again(rt: Runtime,
                                                                                     world: World) -> None:
    tea = world.shops["tea"]
    first = service.create_store_promotion(rt, tea.owner, tea.store_id, reduction())
    service.set_store_promotion_status(rt, tea.owner, tea.store_id, first.id, "end")
    second = service.create_store_promotion(rt, tea.owner, tea.store_id, reduction())
    assert second.status is PromotionStatus.ACTIVE
    service.set_store_promotion_status(rt, tea.owner, tea.store_id, second.id, "pause")
    service.create_store_promotion(rt, tea.owner, tea.store_id, reduction())
    refused(rt, "promotion_window_overlaps", service.set_store_promotion_status, rt, tea.owner, tea.store_id,
            second.id, "resume")


def test_another_stores_promotion_is_not_found(rt: Runtime, world: World) -> None:
    tea, nike = world.shops["tea"], world.shops["nike"]
    theirs = service.create_store_promotion(rt, nike.owner, nike.store_id, coupon())
    refused(rt, "promotion_not_found", service.update_store_promotion, rt, tea.owner, tea.store_id, theirs.id,
            coupon(name_en="Mine now"))
    refused(rt, "promotion_not_found", service.set_store_promotion_status, rt, tea.owner, tea.store_id, theirs.id,
            "end")
    refused(rt, "not_found", service.store_promotions, rt, tea.owner, nike.store_id)


def test_before_the_start_everything_may_change(rt: Runtime, world: World) -> None:
    tea, now = world.shops["tea"], rt.clock.now()
    view = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon(starts_at=now + DAY))
    edited = service.update_store_promotion(rt, tea.owner, tea.store_id, view.id,
                                            coupon(starts_at=now + DAY, amount=3000, name_en="30 off 200"))
    assert (edited.draft.amount, edited.draft.name_en, edited.phase(now)) == (3000, "30 off 200", Phase.SCHEDULED)
    assert audit_actions(rt, "promotion", view.id) == ["promotion.create", "promotion.update"]


def test_after_the_start_only_the_names_change(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    view = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon())
    renamed = service.update_store_promotion(rt, tea.owner, tea.store_id, view.id, coupon(name_en="Autumn"))
    assert (renamed.draft.name_en, renamed.draft.amount) == ("Autumn", 2000)
    refused(rt, "promotion_already_started", service.update_store_promotion, rt, tea.owner, tea.store_id, view.id,
            coupon(name_en="Autumn", amount=5000))


def test_pause_resume_and_end_move_the_status_and_end_is_final(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    view = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon())
    statuses = [service.set_store_promotion_status(rt, tea.owner, tea.store_id, view.id, action).status
                for action in ("pause", "resume", "end")]
    assert statuses == [PromotionStatus.PAUSED, PromotionStatus.ACTIVE, PromotionStatus.ENDED]
    refused(rt, "promotion_status_conflict", service.set_store_promotion_status, rt, tea.owner, tea.store_id,
            view.id, "resume")
    refused(rt, "promotion_status_conflict", service.update_store_promotion, rt, tea.owner, tea.store_id, view.id,
            coupon(name_en="Again"))
    assert audit_actions(rt, "promotion", view.id) == ["promotion.create", "promotion.end", "promotion.pause",
                                                       "promotion.resume"]


def test_a_store_joins_a_festival_and_may_leave_only_before_it_starts(rt: Runtime, world: World) -> None:
    tea, now = world.shops["tea"], rt.clock.now()
    fest = service.create_platform_promotion(rt, world.operator, festival(starts_at=now + DAY))
    joined = service.join_festival(rt, tea.owner, tea.store_id, fest.id)
    assert (joined.opted_in, joined.may_opt_out, joined.promotion.opted_store_ids) == (True, True, (tea.store_id,))
    left = service.leave_festival(rt, tea.owner, tea.store_id, fest.id)
    assert (left.opted_in, left.promotion.opted_store_ids) == (False, ())
    service.join_festival(rt, tea.owner, tea.store_id, fest.id)
    rt.clock.advance(2 * DAY)  # type: ignore[attr-defined]
    [seen] = service.store_festivals(rt, tea.owner, tea.store_id)
    assert (seen.opted_in, seen.may_opt_out) == (True, False)
    refused(rt, "festival_already_started", service.leave_festival, rt, tea.owner, tea.store_id, fest.id)
    assert audit_actions(rt, "promotion", fest.id) == ["promotion.create", "promotion.opt_in", "promotion.opt_in",
                                                       "promotion.opt_out"]


def test_a_festival_over_is_no_longer_offered(rt: Runtime, world: World) -> None:
    tea, now = world.shops["tea"], rt.clock.now()
    fest = service.create_platform_promotion(rt, world.operator, festival(ends_at=now + timedelta(hours=2)))
    rt.clock.advance(3 * HOUR)  # type: ignore[attr-defined]
    assert service.store_festivals(rt, tea.owner, tea.store_id) == []
    refused(rt, "promotion_status_conflict", service.join_festival, rt, tea.owner, tea.store_id, fest.id)
