"""The demo's promotions: every row is a valid promotion for the engine, the festival has about half the stores
opted in, and every demo consumer holds the red envelope and the new-customer voucher."""

from __future__ import annotations

from collections import Counter

import pytest

from mercato.demo.generate import Marketplace, generate
from mercato.pricing.model import Kind, validate_promotion
from mercato.pricing.rows import promotion_of

SEED = 20261126


@pytest.fixture(scope="module")
def market() -> Marketplace:
    return generate(SEED, "small")


def test_every_demo_promotion_passes_the_engines_validation(market: Marketplace) -> None:
    opted: dict[str, list[str]] = {}
    for row in market.table("promotion_stores"):
        opted.setdefault(row["promotion_id"], []).append(row["store_id"])
    kinds = Counter()
    for row in market.table("promotions"):
        validate_promotion(promotion_of(row, opted.get(row["id"], ())))
        kinds[row["kind"]] += 1
    assert kinds == {Kind.STORE_REDUCTION.value: 6, Kind.STORE_COUPON.value: 6, Kind.ITEM_DISCOUNT.value: 3,
                     Kind.CROSS_STORE_REDUCTION.value: 1, Kind.MEMBER_PRICE.value: 1,
                     Kind.PLATFORM_VOUCHER.value: 2}


def test_about_half_the_stores_take_part_in_the_festival(market: Marketplace) -> None:
    active = [s for s in market.table("stores") if s["status"] == "active"]
    assert len(market.table("promotion_stores")) == (len(active) + 1) // 2


def test_every_demo_consumer_holds_both_platform_vouchers(market: Marketplace) -> None:
    consumers = {u["id"] for u in market.table("users") if u["email"].startswith("consumer")}
    per_consumer = Counter(row["consumer_id"] for row in market.table("held_coupons"))
    assert set(per_consumer) == consumers and set(per_consumer.values()) == {2}
    issued = {row["id"]: row["issued"] for row in market.table("promotions") if row["kind"] == "platform_voucher"}
    assert set(issued.values()) == {len(consumers)}


def test_the_promotions_are_the_same_for_the_same_seed(market: Marketplace) -> None:
    again = generate(SEED, "small")
    for name in ("promotions", "promotion_stores", "held_coupons"):
        assert again.table(name) == market.table(name)


def test_the_voucher_expiry_job_is_queued_to_start_its_hourly_runs(market: Marketplace) -> None:
    [job] = market.table("jobs")
    assert (job["kind"], job["status"], job["run_at"]) == ("pricing.expire_held", "queued", market.as_of)
