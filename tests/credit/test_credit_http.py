"""The consumer's credit over HTTP and as a page: `GET /api/v1/me/credit` and `/account/credit` show the score, the
tier, the factors and the quick-refund terms, or say the rating is not computed yet; anonymous callers are refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

from mercato.credit import service as credit
from mercato.credit.model import CreditFacts, score
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from support import bearer, log_in, person

STEADY = CreditFacts(account_age_days=400, completed_orders_12m=12, spend_12m=240_000, largest_order_12m=40_000,
                     orders_paid=12)


def rate(rt: Runtime, consumer: Principal, facts: CreditFacts) -> None:
    with rt.uow() as uow:
        credit.store_score_in(uow, consumer.user_id, score(facts), rt.clock.now(), facts)
        uow.commit()


def test_a_rated_consumer_reads_the_score_the_factors_and_the_quick_refund_terms(client: TestClient,
                                                                                  rt: Runtime) -> None:
    consumer = person(rt, "steady@example.com")
    rate(rt, consumer, STEADY)
    body = client.get("/api/v1/me/credit", headers=bearer(rt, consumer)).json()
    assert body == {
        "score": 673, "tier": "good", "computed_at": "2026-11-11T10:00:00Z",
        "factors": [
            {"name": "completed_orders", "points": 72, "key": "credit.factor.completed_orders"},
            {"name": "account_age", "points": 41, "key": "credit.factor.account_age"},
            {"name": "paying_on_time", "points": 38, "key": "credit.factor.paying_on_time"},
            {"name": "spend", "points": 22, "key": "credit.factor.spend"}],
        "quick_refund": {"tier": "good", "per_order_max": 50_000, "outstanding_max": 100_000},
        "advice": ["credit.advice.shop", "credit.advice.review"]}


def test_a_consumer_not_rated_yet_reads_nulls_and_the_advice(client: TestClient, rt: Runtime) -> None:
    consumer = person(rt, "new@example.com")
    body = client.get("/api/v1/me/credit", headers=bearer(rt, consumer)).json()
    assert body == {"score": None, "tier": None, "computed_at": None, "factors": [], "quick_refund": None,
                    "advice": ["credit.advice.shop", "credit.advice.pay_on_time", "credit.advice.review"]}


def test_anonymous_callers_are_refused(client: TestClient) -> None:
    response = client.get("/api/v1/me/credit")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    page = client.get("/account/credit", follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/login?next=/account/credit")


def test_the_my_credit_page_explains_the_score_in_plain_words(client: TestClient, rt: Runtime) -> None:
    consumer = person(rt, "steady@example.com")
    rate(rt, consumer, CreditFacts(**{**STEADY.as_dict(), "returns_never_shipped": 1}))
    log_in(client, rt, consumer)
    page = client.get("/account/credit")
    assert page.status_code == 200
    assert 'data-score="523" data-tier="fair"' in page.text
    assert 'data-per-order="0"' in page.text and "Quick refunds start at the Good tier" in page.text
    assert '<tr data-factor="returns_never_shipped"><td>Returns you never shipped back</td><td>-150</td></tr>' \
        in page.text
    assert "Ship returns back promptly, with a tracking number." in page.text
    assert 'href="/account/credit"' in page.text and 'data-testid="nav-credit"' in page.text


def test_a_great_consumer_sees_the_quick_refund_caps(client: TestClient, rt: Runtime) -> None:
    consumer = person(rt, "loyal@example.com")
    rate(rt, consumer, CreditFacts(account_age_days=900, completed_orders_12m=30, spend_12m=900_000,
                                   largest_order_12m=60_000, orders_paid=30, helpful_reviews=6))
    log_in(client, rt, consumer)
    page = client.get("/account/credit")
    assert 'data-score="748" data-tier="great"' in page.text
    assert 'data-per-order="150000"' in page.text and "¥1,500.00 per order" in page.text
    assert '<tr data-factor="completed_orders"><td>Orders you completed in the past 12 months</td><td>+95</td></tr>' \
        in page.text


def test_a_consumer_not_rated_yet_sees_why(client: TestClient, rt: Runtime) -> None:
    consumer = person(rt, "new@example.com")
    log_in(client, rt, consumer)
    page = client.get("/account/credit")
    assert "Your credit rating has not been computed yet" in page.text
    assert 'data-testid="credit-factors"' not in page.text
