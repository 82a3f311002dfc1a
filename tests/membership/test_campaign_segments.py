"""Red-envelope campaigns to the segments membership provides through the composition root: members (a membership
in force when the batch runs) and consumers who have never paid for an order; pricing never imports membership."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from membership_helpers import capture
from membership_helpers import voucher as platform_voucher

from mercato.accounts import service as accounts
from mercato.kernel.errors import DomainError
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.membership import service as membership
from mercato.pricing import _campaigns, service
from mercato.pricing.model import Kind, Promotion, Window
from mercato.pricing.model.views import Segment, SegmentKind, check_segment
from mercato.pricing.tables import held_coupons
from pricing.manage_helpers import pricing_snapshot
from pricing.manage_helpers import voucher as draft_voucher
from pricing.pricing_helpers import add_promotion
from support import bearer, csrf_from, log_in, person
from trade import trade_helpers
from trade.trade_helpers import World, build_world, preview_and_place, run_jobs

YEAR = timedelta(days=365)


def holders(rt: Runtime, promotion_id: str) -> list[str]:
    with rt.uow(read_only=True) as uow:
        query = sa.select(held_coupons.c.consumer_id).where(held_coupons.c.promotion_id == promotion_id)
        return sorted(uow.conn.execute(query).scalars())


def every_consumer(rt: Runtime) -> list[str]:
    with rt.uow(read_only=True) as uow:
        return accounts.consumer_ids_after_in(uow, "", 10_000)


def become_member(rt: Runtime, who: Principal) -> None:
    capture(rt, str(membership.buy_membership(rt, who).payment_id))


def pay_an_order(rt: Runtime, world: World) -> None:
    trade_helpers.trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 1)
    trade_helpers.capture(rt, preview_and_place(rt, world).payment_id)


def campaign(rt: Runtime, operator: Principal, kind: SegmentKind, per_person: int = 1) -> str:
    envelope = platform_voucher(rt, per_person=per_person)
    service.issue_campaign(rt, operator, envelope, Segment(kind))
    run_jobs(rt)
    return envelope


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 2 consumers, so every campaign here walks several batches."""
    monkeypatch.setattr(_campaigns, "CAMPAIGN_BATCH", 2)


def test_a_members_campaign_reaches_exactly_the_members_and_not_an_expired_one(
        rt: Runtime, consumer: Principal, friend: Principal, operator: Principal) -> None:
    lapsed = person(rt, "lapsed@example.com")
    for n in range(3):
        person(rt, f"other{n}@example.com")
    become_member(rt, lapsed)
    rt.clock.advance(YEAR + timedelta(days=1))  # type: ignore[attr-defined]
    become_member(rt, consumer)
    become_member(rt, friend)
    envelope = campaign(rt, operator, SegmentKind.MEMBERS, per_person=2)
    assert holders(rt, envelope) == sorted([consumer.user_id] * 2 + [friend.user_id] * 2)
    assert len(every_consumer(rt)) == 6  # the lapsed member and three others were walked past


def test_running_a_members_campaign_again_issues_nothing_twice(
        rt: Runtime, consumer: Principal, friend: Principal, operator: Principal) -> None:
    become_member(rt, consumer)
    envelope = campaign(rt, operator, SegmentKind.MEMBERS)
    service.issue_campaign(rt, operator, envelope, Segment(SegmentKind.MEMBERS))
    run_jobs(rt)
    assert holders(rt, envelope) == [consumer.user_id]


def test_a_never_paid_campaign_skips_a_consumer_with_a_captured_order_payment(
        rt: Runtime, consumer: Principal) -> None:
    world = build_world(rt)
    pay_an_order(rt, world)
    become_member(rt, consumer)  # a membership is a platform sale, not an order: still never paid
    envelope = campaign(rt, world.operator, SegmentKind.NEVER_PAID)
    owners = [shop.owner.user_id for shop in world.shops.values()]
    assert holders(rt, envelope) == sorted([consumer.user_id, *owners])
    assert world.buyer.user_id in every_consumer(rt)


def test_a_never_paid_campaign_still_reaches_a_buyer_whose_order_is_unpaid(rt: Runtime) -> None:
    world = build_world(rt)
    trade_helpers.trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 1)
    preview_and_place(rt, world)
    envelope = campaign(rt, world.operator, SegmentKind.NEVER_PAID)
    assert holders(rt, envelope) == every_consumer(rt)


def test_a_provided_segment_stops_at_the_total_quantity(
        rt: Runtime, consumer: Principal, friend: Principal, operator: Principal) -> None:
    for n in range(3):
        person(rt, f"extra{n}@example.com")
    envelope = Promotion(new_id(), Kind.PLATFORM_VOUCHER, window=Window(None, rt.clock.now() + YEAR),
                         threshold=3900, amount=500)
    with rt.uow() as uow:
        add_promotion(uow.conn, envelope, owner="platform", claimable=False, total_quantity=3)
        uow.commit()
    service.issue_campaign(rt, operator, envelope.promotion_id, Segment(SegmentKind.NEVER_PAID))
    run_jobs(rt)
    assert holders(rt, envelope.promotion_id) == every_consumer(rt)[:3]


def test_an_unknown_segment_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        check_segment("vip", 0)
    assert (caught.value.code, caught.value.params) == ("segment_invalid", {"field": "segment"})


def test_a_segment_no_capability_provides_is_refused_and_nothing_changes(
        rt: Runtime, operator: Principal, monkeypatch: pytest.MonkeyPatch) -> None:
    envelope = platform_voucher(rt)
    monkeypatch.delitem(rt.segments, SegmentKind.MEMBERS.value)
    before = pricing_snapshot(rt)
    with pytest.raises(DomainError) as caught:
        service.issue_campaign(rt, operator, envelope, Segment(SegmentKind.MEMBERS))
    assert caught.value.code == "segment_invalid"
    assert pricing_snapshot(rt) == before


def test_an_operator_starts_a_members_campaign_over_the_api(client: TestClient, rt: Runtime,
                                                            consumer: Principal, operator: Principal) -> None:
    become_member(rt, consumer)
    bystander = person(rt, "bystander@example.com")
    envelope = platform_voucher(rt, per_person=1)
    started = client.post(f"/api/v1/ops/promotions/{envelope}/campaigns", headers=bearer(rt, operator),
                          json={"segment": "members"})
    assert started.status_code == 202, started.text
    run_jobs(rt)
    assert holders(rt, envelope) == [consumer.user_id]
    assert bystander.user_id in every_consumer(rt)


def test_the_operator_page_offers_the_provided_segments_and_starts_one(
        client: TestClient, rt: Runtime, consumer: Principal) -> None:
    world = build_world(rt)
    pay_an_order(rt, world)
    envelope = service.create_platform_promotion(rt, world.operator, draft_voucher(valid_days=3))
    log_in(client, rt, world.operator)
    listed = client.get("/ops/promotions").text
    assert 'value="members"' in listed and 'value="never_paid"' in listed
    sent = client.post(f"/ops/promotions/{envelope.id}/campaign", follow_redirects=False,
                       data={"csrf_token": csrf_from(listed), "segment": "never_paid", "days": ""})
    assert (sent.status_code, sent.headers["location"]) == (303, "/ops/promotions?done=campaign")
    run_jobs(rt)
    owners = [shop.owner.user_id for shop in world.shops.values()]
    assert holders(rt, envelope.id) == sorted([consumer.user_id, *owners])
