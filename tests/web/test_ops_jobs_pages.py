"""The operator's job queue: pages and API show counts and lists, a dead job is retried (audited), others refused."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from mercato.audit.service import entries_for_target_in
from mercato.kernel.clock import FixedClock
from mercato.kernel.jobs import enqueue, jobs, run_due
from mercato.kernel.runtime import Runtime
from support import bearer, csrf_from, log_in, person


def _broken(_rt: Runtime, _payload: Mapping[str, Any]) -> None:
    raise RuntimeError("gateway down")


def _job(rt: Runtime, kind: str, *, max_attempts: int = 8, run_in: timedelta = timedelta(0)) -> str:
    with rt.uow() as uow:
        enqueue(uow, kind, {"kind": kind}, now=rt.clock.now(), run_at=rt.clock.now() + run_in,
                max_attempts=max_attempts)
        job_id = uow.conn.execute(sa.select(jobs.c.id).order_by(jobs.c.created_at.desc(), jobs.c.id.desc())
                                  .limit(1)).scalar_one()
        uow.commit()
    return str(job_id)


def _dead(rt: Runtime, kind: str = "payments.deliver_callback") -> str:
    job_id = _job(rt, kind, max_attempts=1)
    assert run_due(rt, {kind: _broken}, "w1") == 1
    return job_id


def _row(rt: Runtime, job_id: str) -> Any:
    with rt.uow(read_only=True) as uow:
        return uow.conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).one()


def _audit(rt: Runtime, job_id: str) -> list[Any]:
    with rt.uow(read_only=True) as uow:
        return entries_for_target_in(uow, "job", job_id)


def _queue(rt: Runtime, clock: FixedClock) -> dict[str, str]:
    """One job of each status: two kinds."""
    done = _job(rt, "trade.auto_confirm")
    assert run_due(rt, {"trade.auto_confirm": lambda _rt, _p: None}, "w1") == 1
    dead = _dead(rt)
    queued = _job(rt, "trade.close_payment", run_in=timedelta(minutes=15))
    running = _job(rt, "trade.auto_confirm")
    with rt.uow() as uow:
        from mercato.kernel.jobs import claim

        assert [j.id for j in claim(uow, "busy-worker", clock.now())] == [running]
        uow.commit()
    return {"done": done, "dead": dead, "queued": queued, "running": running}


def _operator_client(client: TestClient, rt: Runtime) -> None:
    log_in(client, rt, person(rt, "ops@example.com", operator=True))


def test_the_operator_sees_counts_by_kind_and_the_running_dead_and_queued_jobs(
        client: TestClient, rt: Runtime, clock: FixedClock) -> None:
    ids = _queue(rt, clock)
    _operator_client(client, rt)
    page = client.get("/ops/jobs")
    assert page.status_code == 200
    html = page.text
    counts = dict(re.findall(r'data-kind="([a-z_.]+)">\s*<td><code>[^<]+</code></td>\s*((?:<td[^>]*>\d+</td>)+)',
                             html))
    assert {kind: re.findall(r">(\d+)<", cells) for kind, cells in counts.items()} == {
        "payments.deliver_callback": ["0", "0", "1", "0"],
        "trade.auto_confirm": ["0", "1", "0", "1"],
        "trade.close_payment": ["1", "0", "0", "0"],
    }
    listed = re.findall(r'data-testid="job-row" data-job-id="(\w+)" data-status="(\w+)"', html)
    assert listed == [(ids["running"], "running"), (ids["dead"], "dead"), (ids["queued"], "queued")]
    assert "RuntimeError: gateway down" in html
    assert "busy-worker" in html
    assert html.count('data-testid="job-retry"') == 1
    assert 'hx-get="/ops/jobs/panel"' in html and 'hx-trigger="every 5s"' in html


def test_one_status_is_listed_on_its_own_and_paged(client: TestClient, rt: Runtime, clock: FixedClock) -> None:
    ids = _queue(rt, clock)
    _operator_client(client, rt)
    html = client.get("/ops/jobs?status=done").text
    assert re.findall(r'data-job-id="(\w+)" data-status="(\w+)"', html) == [(ids["done"], "done")]
    assert 'hx-get="/ops/jobs/panel?status=done"' in html


def test_the_panel_alone_is_what_htmx_swaps_in(client: TestClient, rt: Runtime, clock: FixedClock) -> None:
    _queue(rt, clock)
    _operator_client(client, rt)
    panel = client.get("/ops/jobs/panel?status=dead")
    assert panel.status_code == 200
    assert "<html" not in panel.text and 'id="jobs-panel"' in panel.text
    assert len(re.findall(r'data-testid="job-row"', panel.text)) == 1


def test_an_unknown_status_in_the_address_shows_the_overview_with_the_reason(
        client: TestClient, rt: Runtime, clock: FixedClock) -> None:
    _queue(rt, clock)
    _operator_client(client, rt)
    page = client.get("/ops/jobs?status=lost")
    assert page.status_code == 400
    assert "A job status is one of queued, running, done or dead" in page.text
    assert len(re.findall(r'data-testid="job-row"', page.text)) == 3


def test_retrying_a_dead_job_queues_it_now_with_fresh_attempts_and_audits_it(
        client: TestClient, rt: Runtime, clock: FixedClock) -> None:
    dead = _dead(rt)
    operator = person(rt, "ops@example.com", operator=True)
    log_in(client, rt, operator)
    clock.advance(timedelta(hours=2))
    csrf = csrf_from(client.get("/ops/jobs?status=dead").text)
    answer = client.post(f"/ops/jobs/{dead}/retry", data={"csrf_token": csrf, "back": "dead"},
                         follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/ops/jobs?status=dead&done=retried")
    row = _row(rt, dead)
    assert (row.status, row.attempts, row.run_at, row.finished_at, row.last_error) == (
        "queued", 0, clock.now(), None, "RuntimeError: gateway down")
    [entry] = _audit(rt, dead)
    assert (entry.action, entry.actor_id, entry.at, dict(entry.detail)) == (
        "job.retry", operator.user_id, clock.now(),
        {"kind": "payments.deliver_callback", "attempts": 1, "last_error": "RuntimeError: gateway down"})
    assert "The job is queued again" in client.get(answer.headers["location"]).text
    assert run_due(rt, {"payments.deliver_callback": lambda _rt, _p: None}, "w1") == 1
    assert _row(rt, dead).status == "done"


def test_a_job_that_is_not_dead_cannot_be_retried(client: TestClient, rt: Runtime, clock: FixedClock) -> None:
    ids = _queue(rt, clock)
    _operator_client(client, rt)
    csrf = csrf_from(client.get("/ops/jobs").text)
    before = _row(rt, ids["queued"])
    answer = client.post(f"/ops/jobs/{ids['queued']}/retry", data={"csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 409
    assert "Only a dead job can be retried" in answer.text
    assert _row(rt, ids["queued"]) == before
    assert _audit(rt, ids["queued"]) == []


def test_a_retry_without_the_form_token_is_refused(client: TestClient, rt: Runtime) -> None:
    dead = _dead(rt)
    _operator_client(client, rt)
    before = _row(rt, dead)
    answer = client.post(f"/ops/jobs/{dead}/retry", data={"csrf_token": "forged"}, follow_redirects=False)
    assert answer.status_code == 403
    assert _row(rt, dead) == before
    assert _audit(rt, dead) == []


def test_people_who_are_not_operators_cannot_see_or_retry_jobs(client: TestClient, rt: Runtime) -> None:
    dead = _dead(rt)
    anonymous = client.get("/ops/jobs", follow_redirects=False)
    assert (anonymous.status_code, anonymous.headers["location"]) == (303, "/login?next=/ops/jobs")
    log_in(client, rt, person(rt, "shopper@example.com"))
    assert client.get("/ops/jobs").status_code == 403
    assert client.get("/ops/jobs/panel").status_code == 403
    csrf = csrf_from(client.get("/").text)
    before = _row(rt, dead)
    assert client.post(f"/ops/jobs/{dead}/retry", data={"csrf_token": csrf}).status_code == 403
    assert _row(rt, dead) == before


def test_the_api_lists_jobs_by_status_with_counts(client: TestClient, rt: Runtime, clock: FixedClock) -> None:
    ids = _queue(rt, clock)
    headers = bearer(rt, person(rt, "ops@example.com", operator=True))
    body = client.get("/api/v1/ops/jobs?status=dead", headers=headers).json()
    assert body["counts"] == {
        "totals": {"queued": 1, "running": 1, "done": 1, "dead": 1},
        "kinds": [
            {"kind": "payments.deliver_callback", "by_status": {"queued": 0, "running": 0, "done": 0, "dead": 1}},
            {"kind": "trade.auto_confirm", "by_status": {"queued": 0, "running": 1, "done": 1, "dead": 0}},
            {"kind": "trade.close_payment", "by_status": {"queued": 1, "running": 0, "done": 0, "dead": 0}},
        ],
    }
    [job] = body["items"]
    assert {k: job[k] for k in ("id", "kind", "status", "attempts", "max_attempts", "last_error", "payload")} == {
        "id": ids["dead"], "kind": "payments.deliver_callback", "status": "dead", "attempts": 1,
        "max_attempts": 1, "last_error": "RuntimeError: gateway down",
        "payload": {"kind": "payments.deliver_callback"}}
    assert body["next_cursor"] is None
    every = client.get("/api/v1/ops/jobs", headers=headers).json()
    assert len(every["items"]) == 4


def test_the_api_pages_through_dead_jobs_newest_first(client: TestClient, rt: Runtime, clock: FixedClock) -> None:
    made = []
    for _ in range(3):
        made.append(_dead(rt))
        clock.advance(timedelta(minutes=1))
    headers = bearer(rt, person(rt, "ops@example.com", operator=True))
    first = client.get("/api/v1/ops/jobs?status=dead&limit=2", headers=headers).json()
    second = client.get(f"/api/v1/ops/jobs?status=dead&limit=2&cursor={first['next_cursor']}",
                        headers=headers).json()
    assert [j["id"] for j in first["items"] + second["items"]] == made[::-1]
    assert second["next_cursor"] is None


def test_the_api_retries_a_dead_job_once(client: TestClient, rt: Runtime, clock: FixedClock) -> None:
    dead = _dead(rt)
    headers = bearer(rt, person(rt, "ops@example.com", operator=True))
    answer = client.post(f"/api/v1/ops/jobs/{dead}/retry", headers=headers)
    assert answer.status_code == 200
    assert {k: answer.json()[k] for k in ("id", "status", "attempts")} == {"id": dead, "status": "queued",
                                                                            "attempts": 0}
    again = client.post(f"/api/v1/ops/jobs/{dead}/retry", headers=headers)
    assert (again.status_code, again.json()["code"]) == (409, "job_not_dead")
    unknown = client.post("/api/v1/ops/jobs/01JUNKNOWN0000000000000000/retry", headers=headers)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "job_not_found")
    assert len(_audit(rt, dead)) == 1


def test_the_api_refuses_bad_statuses_and_non_operators(client: TestClient, rt: Runtime) -> None:
    dead = _dead(rt)
    headers = bearer(rt, person(rt, "ops@example.com", operator=True))
    bad = client.get("/api/v1/ops/jobs?status=lost", headers=headers)
    assert (bad.status_code, bad.json()["code"]) == (400, "job_status_invalid")
    assert client.get("/api/v1/ops/jobs").status_code == 401
    shopper = bearer(rt, person(rt, "shopper@example.com"))
    assert client.get("/api/v1/ops/jobs", headers=shopper).status_code == 403
    before = _row(rt, dead)
    assert client.post(f"/api/v1/ops/jobs/{dead}/retry", headers=shopper).status_code == 403
    assert _row(rt, dead) == before


def test_the_header_shows_each_role_its_shortcuts(client: TestClient, rt: Runtime) -> None:
    assert 'data-testid="role-nav"' not in client.get("/").text
    log_in(client, rt, person(rt, "shopper@example.com"))
    shopper = client.get("/").text
    for href in ("/cart", "/orders", "/account/addresses", "/merchant/orders", "/merchant/shipping",
                 "/merchant/balance"):
        assert f'href="{href}"' in shopper
    assert 'href="/ops/jobs"' not in shopper
    log_in(client, rt, person(rt, "ops@example.com", operator=True))
    operator = client.get("/").text
    for href in ("/ops/orders", "/ops/payments", "/ops/ledger", "/ops/jobs"):
        assert operator.count(f'href="{href}"') == 1
