"""Review abuse over HTTP: the merchant's flagged reviews and reports, the operator's queue, folds and sanctions,
through the API (problem codes) and the pages (CSRF forms)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from mercato.kernel.runtime import Runtime
from mercato.reviews import abuse_service as abuse
from reviews.test_abuse_service import add_review, gang_attack, state
from support import bearer, csrf_from, log_in, person
from trade.trade_helpers import World


def scored(rt: Runtime, world: World) -> dict[str, object]:
    attack = gang_attack(rt, world)
    with rt.uow() as uow:
        abuse.score_reviewers_in(uow, rt.clock.now())
        uow.commit()
    return attack


def test_a_merchant_lists_flagged_reviews_and_reports_one_once_over_the_api(client: TestClient, rt: Runtime,
                                                                           world: World) -> None:
    attack = scored(rt, world)
    tea = world.shops["tea"]
    auth = bearer(rt, tea.owner)
    listed = client.get(f"/api/v1/merchant/stores/{tea.store_id}/reviews/flagged", headers=auth)
    assert listed.status_code == 200
    body = listed.json()
    assert sorted(r["review_id"] for r in body) == sorted(attack["negative"][0::4])  # type: ignore[index]
    assert body[0]["flagged"] is True and "coordinated_group" in body[0]["reason_codes"]
    review_id = body[0]["review_id"]
    url = f"/api/v1/merchant/stores/{tea.store_id}/reviews/{review_id}/report"
    made = client.post(url, json={"reason": "extortion", "note": "wants money"}, headers=auth)
    assert made.status_code == 201 and made.json()["reason"] == "extortion"
    before = state(rt)
    again = client.post(url, json={"reason": "abusive"}, headers=auth)
    assert (again.status_code, again.json()["code"]) == (409, "review_already_reported")
    bad = client.post(url, json={"reason": "spite"}, headers=auth)
    assert bad.status_code == 422
    farm = world.shops["farm"]
    stranger = client.post(f"/api/v1/merchant/stores/{farm.store_id}/reviews/{review_id}/report",
                           json={"reason": "abusive"}, headers=bearer(rt, farm.owner))
    assert stranger.status_code == 404
    assert state(rt) == before


def test_an_operator_folds_unfolds_sanctions_and_lifts_over_the_api(client: TestClient, rt: Runtime,
                                                                   world: World) -> None:
    attack = scored(rt, world)
    ops = bearer(rt, world.operator)
    queue = client.get("/api/v1/ops/reviews/abuse", headers=ops).json()
    assert len(queue) == 24 and all(item["risk"]["flagged"] for item in queue)
    review_id, consumer_id = queue[0]["review"]["review_id"], queue[0]["consumer_id"]
    assert client.post(f"/api/v1/ops/reviews/{review_id}/fold", headers=ops).json() == {
        "review_id": review_id, "folded": True}
    twice = client.post(f"/api/v1/ops/reviews/{review_id}/fold", headers=ops)
    assert (twice.status_code, twice.json()["code"]) == (409, "review_fold_unchanged")
    assert client.post(f"/api/v1/ops/reviews/{review_id}/unfold", headers=ops).status_code == 200
    until = (rt.clock.now().replace(microsecond=0)).isoformat().replace("+00:00", "Z")
    past = client.post(f"/api/v1/ops/reviewers/{consumer_id}/sanction", json={"until": until, "reason": "x"},
                       headers=ops)
    assert (past.status_code, past.json()["code"]) == (400, "reviewer_sanction_invalid")
    barred = client.post(f"/api/v1/ops/reviewers/{consumer_id}/sanction",
                         json={"until": "2026-12-31T00:00:00Z", "reason": "one-star ring"}, headers=ops)
    assert barred.status_code == 201 and barred.json()["ends_at"] == "2026-12-31T00:00:00Z"
    lifted = client.post(f"/api/v1/ops/reviewers/{consumer_id}/lift", headers=ops)
    assert lifted.status_code == 200 and lifted.json()["lifted_at"] is not None
    none = client.post(f"/api/v1/ops/reviewers/{consumer_id}/lift", headers=ops)
    assert (none.status_code, none.json()["code"]) == (409, "reviewer_not_sanctioned")
    history = client.get(f"/api/v1/ops/reviewers/{consumer_id}/sanctions", headers=ops).json()
    assert [s["reason"] for s in history] == ["one-star ring"]
    assert consumer_id in [m.user_id for m in attack["gang"]]  # type: ignore[attr-defined]
    shopper = bearer(rt, world.buyer)
    assert client.get("/api/v1/ops/reviews/abuse", headers=shopper).status_code == 403
    assert client.post(f"/api/v1/ops/reviews/{review_id}/fold", headers=shopper).status_code == 403
    assert client.post("/api/v1/ops/reviews/abuse/score", headers=ops).status_code == 202


def test_the_merchant_page_reports_a_flagged_review_with_a_csrf_form(client: TestClient, rt: Runtime,
                                                                    world: World) -> None:
    scored(rt, world)
    tea = world.shops["tea"]
    log_in(client, rt, tea.owner)
    page = client.get("/merchant/reviews/flagged")
    assert page.status_code == 200 and page.text.count('data-testid="flagged-review"') == 6
    assert "Acts with other reviewers at the same stores" in page.text
    review_id = page.text.split('data-review-id="')[1].split('"')[0]
    refused = client.post(f"/merchant/reviews/flagged/{review_id}/report",
                          data={"store_id": tea.store_id, "reason": "abusive"}, follow_redirects=False)
    assert refused.status_code == 403
    posted = client.post(f"/merchant/reviews/flagged/{review_id}/report", data={
        "csrf_token": csrf_from(page.text), "store_id": tea.store_id, "reason": "extortion", "note": "asked 200"},
        follow_redirects=False)
    assert posted.status_code == 303
    after = client.get(posted.headers["location"])
    assert "the platform will look at this review" in after.text and "asked 200" in after.text
    assert after.text.count('data-testid="report-form"') == 5


def test_the_operator_page_folds_and_sanctions_and_refusals_show_why(client: TestClient, rt: Runtime,
                                                                    world: World) -> None:
    someone = person(rt, "critic@example.com")
    review_id = add_review(rt, someone.user_id, world.shops["tea"].store_id, 1, rt.clock.now(), "Pay me")
    abuse.report_review(rt, world.shops["tea"].owner, world.shops["tea"].store_id, review_id, "extortion")
    log_in(client, rt, world.operator)
    page = client.get("/ops/reviews/abuse")
    assert page.status_code == 200 and "Pay me" in page.text and 'data-testid="abuse-fold"' in page.text
    token = csrf_from(page.text)
    folded = client.post(f"/ops/reviews/abuse/{review_id}/fold", data={"csrf_token": token}, follow_redirects=False)
    assert folded.status_code == 303
    assert 'data-testid="abuse-unfold"' in client.get("/ops/reviews/abuse").text
    bad = client.post(f"/ops/reviews/abuse/reviewers/{someone.user_id}/sanction",
                      data={"csrf_token": token, "days": "0", "reason": "extortion"})
    assert bad.status_code == 400 and "five years" in bad.text
    done = client.post(f"/ops/reviews/abuse/reviewers/{someone.user_id}/sanction",
                       data={"csrf_token": token, "days": "30", "reason": "extortion"}, follow_redirects=False)
    assert done.status_code == 303
    shown = client.get("/ops/reviews/abuse?done=sanctioned").text
    assert 'data-testid="abuse-barred"' in shown and "The reviewer is barred from reviewing" in shown
    log_in(client, rt, world.buyer)
    assert client.get("/ops/reviews/abuse").status_code == 403


def test_the_merchant_page_also_offers_the_last_30_days_bad_reviews_for_a_report(client: TestClient, rt: Runtime,
                                                                              world: World) -> None:
    tea, farm = world.shops["tea"], world.shops["farm"]
    critic = person(rt, "critic@example.com")
    now = rt.clock.now()
    recent = add_review(rt, critic.user_id, tea.store_id, 2, now - timedelta(days=3), "Meh, refund")
    add_review(rt, critic.user_id, tea.store_id, 1, now - timedelta(days=31), "Old grudge")
    add_review(rt, critic.user_id, tea.store_id, 5, now, "Lovely")
    add_review(rt, critic.user_id, farm.store_id, 1, now, "Other shop")
    log_in(client, rt, tea.owner)
    page = client.get("/merchant/reviews/flagged").text
    section = page.split('data-testid="recent-bad-reviews"')[1]
    assert f'data-review-id="{recent}"' in section and "Meh, refund" in section
    assert "Old grudge" not in page and "Lovely" not in page and "Other shop" not in page
    assert 'data-testid="no-flagged"' in page
    posted = client.post(f"/merchant/reviews/flagged/{recent}/report", data={
        "csrf_token": csrf_from(page), "store_id": tea.store_id, "reason": "irrelevant"}, follow_redirects=False)
    assert posted.status_code == 303
    after = client.get("/merchant/reviews/flagged").text
    assert after.count(f'data-review-id="{recent}"') == 1 and 'data-testid="no-recent-bad"' in after
