"""The OpenAPI document is the contract: schemathesis generates requests for every operation
from it and checks that none ends in a server error and every answer matches the schema
(status code documented, content type and body as declared)."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_openapi_contract(srv: Any) -> None:
    """Every operation, a dozen generated requests each (the pytest plugin's fixture loader
    does not run on this pytest, so the operations are driven here)."""
    from hypothesis import given

    api = schemathesis.openapi.from_asgi("/openapi.json", srv.app)
    headers = srv.h("admin")
    failures: list[str] = []
    ran = 0
    for found in api.get_all_operations():
        operation = found.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS, timeout=120)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
        ran += 1
    assert ran >= 25
    assert not failures, "\n\n".join(failures)


def test_spec_is_valid_openapi(srv: Any) -> None:
    spec = srv.client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert len(spec["paths"]) >= 20
