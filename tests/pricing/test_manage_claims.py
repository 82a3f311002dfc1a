"""Consumers claim store coupons and see their vouchers; operators issue red envelopes to segments through a
batched, re-runnable job; the hourly job expires held coupons past their validity."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from manage_helpers import DAY, HOUR, coupon, held_statuses, pricing_snapshot, voucher

from catalog.catalog_helpers import audit_actions
from mercato.kernel.errors import DomainError
from mercato.kernel.jobs import jobs as jobs_table
from mercato.kernel.runtime import Runtime
from mercato.pricing import _campaigns, service
from mercato.pricing.model.views import HeldStatus, Segment, SegmentKind
from support import person
from trade.trade_helpers import World, build_world, run_jobs


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def refused(rt: Runtime, code: str, call: object, *args: object) -> None:
    before = pricing_snapshot(rt)
    with pytest.raises(DomainError) as caught:
        call(*args)  # type: ignore[operator]
    assert caught.value.code == code, caught.value
    assert pricing_snapshot(rt) == before


# --- claims -------------------------------------------------------------------------------------------------------

def test_a_consumer_claims_a_store_coupon_and_sees_it_in_my_vouchers(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    promo = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon(valid_days=7))
    held = service.claim_coupon(rt, world.buyer, promo.id)
    assert (held.promotion_id, held.status, held.store_id, held.threshold, held.amount) == \
        (promo.id, HeldStatus.AVAILABLE, tea.store_id, 20000, 2000)
    assert held.valid_until == rt.clock.now() + 7 * DAY
    [mine] = service.my_vouchers(rt, world.buyer)
    assert (mine.id, mine.store_name_en) == (held.id, "Tea-Shop")
    assert service.store_promotion(rt, tea.owner, tea.store_id, promo.id).issued == 1


def test_a_second_claim_past_the_per_person_limit_is_refused(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    promo = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon(per_person=1))
    service.claim_coupon(rt, world.buyer, promo.id)
    refused(rt, "coupon_limit_reached", service.claim_coupon, rt, world.buyer, promo.id)


def test_a_coupon_past_its_total_quantity_is_sold_out(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    promo = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon(total_quantity=1))
    service.claim_coupon(rt, world.buyer, promo.id)
    other = person(rt, "second@example.com")
    refused(rt, "coupon_sold_out", service.claim_coupon, rt, other, promo.id)


def test_a_platform_issued_voucher_cannot_be_claimed(rt: Runtime, world: World) -> None:
    envelope = service.create_platform_promotion(rt, world.operator, voucher())
    refused(rt, "coupon_not_claimable", service.claim_coupon, rt, world.buyer, envelope.id)


def test_a_paused_coupon_and_an_unknown_one_cannot_be_claimed(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    promo = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon())
    service.set_store_promotion_status(rt, tea.owner, tea.store_id, promo.id, "pause")
    refused(rt, "promotion_not_issuable", service.claim_coupon, rt, world.buyer, promo.id)
    refused(rt, "promotion_not_found", service.claim_coupon, rt, world.buyer, "01NOSUCHPROMOTION000000000")


def test_my_vouchers_shows_only_my_own(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    promo = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon())
    service.claim_coupon(rt, world.buyer, promo.id)
    other = person(rt, "second@example.com")
    assert service.my_vouchers(rt, other) == []


def test_the_store_coupons_list_offers_only_running_claimable_coupons(rt: Runtime, world: World) -> None:
    tea, now = world.shops["tea"], rt.clock.now()
    running = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon())
    service.create_store_promotion(rt, tea.owner, tea.store_id, coupon(starts_at=now + DAY))
    service.create_store_promotion(rt, tea.owner, tea.store_id, coupon(claimable=False))
    assert [c.id for c in service.store_coupons(rt, tea.store_id)] == [running.id]


# --- expiry -------------------------------------------------------------------------------------------------------

def test_the_expiry_job_marks_coupons_past_their_validity_expired(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    short = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon(valid_days=1))
    long = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon(valid_days=30, name_en="Long"))
    service.claim_coupon(rt, world.buyer, short.id)
    service.claim_coupon(rt, world.buyer, long.id)
    run_jobs(rt, after=2 * DAY)
    assert held_statuses(rt, world.buyer.user_id) == ["available", "expired"]
    statuses = {h.promotion_id: h.status for h in service.my_vouchers(rt, world.buyer)}
    assert statuses == {short.id: HeldStatus.EXPIRED, long.id: HeldStatus.AVAILABLE}


def test_the_expiry_job_books_its_next_hourly_run_once(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    promo = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon(valid_days=1, per_person=3))
    for _ in range(3):
        service.claim_coupon(rt, world.buyer, promo.id)
    with rt.uow(read_only=True) as uow:
        queued = uow.conn.execute(sa.select(jobs_table.c.key).where(jobs_table.c.kind == service.EXPIRE_JOB,
                                                                    jobs_table.c.status == "queued")).scalars()
        assert list(queued) == ["pricing.expire_held:2026-11-11T11:00:00+00:00"]
    run_jobs(rt, after=HOUR)
    with rt.uow(read_only=True) as uow:
        queued = uow.conn.execute(sa.select(jobs_table.c.key).where(jobs_table.c.kind == service.EXPIRE_JOB,
                                                                    jobs_table.c.status == "queued")).scalars()
        assert list(queued) == ["pricing.expire_held:2026-11-11T12:00:00+00:00"]


def test_the_expiry_job_works_in_batches(rt: Runtime, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from mercato.pricing import _claims
    monkeypatch.setattr(_claims, "EXPIRE_BATCH", 2)
    tea = world.shops["tea"]
    promo = service.create_store_promotion(rt, tea.owner, tea.store_id, coupon(valid_days=1, per_person=5))
    for _ in range(5):
        service.claim_coupon(rt, world.buyer, promo.id)
    run_jobs(rt, after=2 * DAY)
    assert held_statuses(rt, world.buyer.user_id) == ["expired"] * 5


# --- red-envelope campaigns ---------------------------------------------------------------------------------------

def consumers(world: World) -> set[str]:
    owners = {shop.owner.user_id for shop in world.shops.values()}
    return owners | {world.buyer.user_id}


def holders(rt: Runtime, promotion_id: str) -> list[str]:
    with rt.uow(read_only=True) as uow:
        from mercato.pricing.tables import held_coupons
        query = sa.select(held_coupons.c.consumer_id).where(held_coupons.c.promotion_id == promotion_id)
        return sorted(uow.conn.execute(query).scalars())


def test_a_campaign_issues_a_voucher_to_every_consumer_once_even_when_run_again(
        rt: Runtime, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_campaigns, "CAMPAIGN_BATCH", 2)
    envelope = service.create_platform_promotion(rt, world.operator, voucher(valid_days=3))
    service.issue_campaign(rt, world.operator, envelope.id, Segment(SegmentKind.EVERYONE))
    run_jobs(rt)
    assert holders(rt, envelope.id) == sorted(consumers(world))
    service.issue_campaign(rt, world.operator, envelope.id, Segment(SegmentKind.EVERYONE))
    run_jobs(rt)
    assert holders(rt, envelope.id) == sorted(consumers(world))
    assert service.platform_promotion(rt, world.operator, envelope.id).issued == len(consumers(world))
    assert audit_actions(rt, "promotion", envelope.id) == ["promotion.campaign", "promotion.campaign",
                                                           "promotion.create"]


def test_a_campaign_stops_at_the_total_quantity(rt: Runtime, world: World,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_campaigns, "CAMPAIGN_BATCH", 2)
    envelope = service.create_platform_promotion(rt, world.operator, voucher(total_quantity=3))
    service.issue_campaign(rt, world.operator, envelope.id, Segment(SegmentKind.EVERYONE))
    run_jobs(rt)
    assert len(holders(rt, envelope.id)) == 3
    assert service.platform_promotion(rt, world.operator, envelope.id).issued == 3


def test_a_campaign_to_new_consumers_skips_older_accounts(rt: Runtime, world: World) -> None:
    rt.clock.advance(10 * DAY)  # type: ignore[attr-defined]
    newcomer = person(rt, "newcomer@example.com")
    envelope = service.create_platform_promotion(rt, world.operator, voucher(per_person=2))
    service.issue_campaign(rt, world.operator, envelope.id, Segment(SegmentKind.NEW_CONSUMERS, 7))
    run_jobs(rt)
    assert holders(rt, envelope.id) == [newcomer.user_id, newcomer.user_id]


def test_only_a_running_platform_voucher_can_be_issued(rt: Runtime, world: World) -> None:
    later = service.create_platform_promotion(rt, world.operator, voucher(starts_at=rt.clock.now() + DAY))
    refused(rt, "promotion_not_issuable", service.issue_campaign, rt, world.operator, later.id,
            Segment(SegmentKind.EVERYONE))


def test_only_operators_run_campaigns(rt: Runtime, world: World) -> None:
    envelope = service.create_platform_promotion(rt, world.operator, voucher())
    refused(rt, "access_denied", service.issue_campaign, rt, world.buyer, envelope.id,
            Segment(SegmentKind.EVERYONE))
