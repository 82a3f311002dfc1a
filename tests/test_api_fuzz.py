"""Schemathesis generates requests from the OpenAPI document for every operation: none may answer 5xx.

It runs as an operator who also owns an active store, so operator and merchant endpoints are exercised past
their access checks, on both databases.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from mercato.accounts import service as accounts
from mercato.app import create_app
from mercato.kernel.runtime import Runtime

PASSWORD = "Fuzz-2026-pass"
EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def operator_headers(rt: Runtime) -> dict[str, str]:
    accounts.create_operator(rt, "fuzz-ops@example.com", PASSWORD, "Fuzz")
    token, _ = accounts.issue_token_for_credentials(rt, "fuzz-ops@example.com", PASSWORD, "fuzz")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(rt)) as client:
        applied = client.post("/api/v1/store-applications", headers=headers, json={
            "kind": "independent", "slug": "fuzz-shop", "name_en": "Fuzz", "name_zh": "模糊", "description": "",
            "contact_phone": "13800000000", "owner_legal_name": "Li Wei", "owner_id_number": "11010519491231002X"})
        assert applied.status_code == 201, applied.text
        approved = client.post(f"/api/v1/ops/store-applications/{applied.json()['id']}/approve", headers=headers)
        assert approved.status_code == 200, approved.text
    return headers


def test_no_operation_answers_a_server_error(rt: Runtime, operator_headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(rt))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 50
    for operation in operations:
        _fuzz(operation, operator_headers)


def _fuzz(operation: schemathesis.APIOperation, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()
