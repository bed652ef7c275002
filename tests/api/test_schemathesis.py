"""Every API operation, fuzzed from the app's own OpenAPI document as an admin and as staff.

Valid and invalid requests alike must never get a 5xx, and every answer must match what
the OpenAPI says (status codes, content types, response bodies). The run is small by
default; set STORYBANK_FUZZ_EXAMPLES (e.g. 200) for a longer run by hand, and run with -s
to see its figures.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.responses import XLSX_TYPE
from tests.builders import make_story, make_user, token_headers

# The suite's run is small and the same every time; a longer run by hand is random.
EXAMPLES = int(os.environ.get("STORYBANK_FUZZ_EXAMPLES", "4"))
REPEATABLE = "STORYBANK_FUZZ_EXAMPLES" not in os.environ
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@dataclass
class FuzzFigures:
    """What a fuzzing run did and found (one example message per kind of failure)."""

    operations: int = 0
    requests: int = 0
    server_errors: Counter[str] = field(default_factory=Counter)
    violations: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def record(self, kind: Counter[str], key: str, message: str) -> None:
        kind[key] += 1
        self.examples.setdefault(key, message[:600])

    def summary(self) -> str:
        lines = [
            f"operations={self.operations} requests={self.requests} "
            f"server_errors={sum(self.server_errors.values())} "
            f"schema_violations={sum(self.violations.values())}"
        ]
        for key in [*self.server_errors, *self.violations]:
            lines.append(f"- {key}: {self.examples[key]}")
        return "\n".join(lines)


def _probe(case: Any, headers: dict[str, str], figures: FuzzFigures) -> None:
    """Send one generated request and note a 5xx or any answer the schema does not allow."""
    label = f"{case.method} {case.path}"
    figures.requests += 1
    try:
        response = case.call(headers=headers)
    except Exception as exc:  # the app raised instead of answering
        figures.record(figures.server_errors, f"{label} raised", repr(exc))
        return
    if response.status_code >= 500:
        sent = _sent(case)
        figures.record(figures.server_errors, f"{label} {response.status_code}", sent)
        return
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except FailureGroup as group:
        for failure in group.exceptions:
            figures.record(
                figures.violations, f"{label} {failure.title}", _described(case, failure)
            )
    except Failure as failure:
        figures.record(figures.violations, f"{label} {failure.title}", _described(case, failure))


def _described(case: Any, failure: Failure) -> str:
    return f"{failure.message} | {_sent(case)}"


def _sent(case: Any) -> str:
    return f"sent query={case.query!r} path={case.path_parameters!r} body={case.body!r}"


def fuzz_api(app: Any, headers: dict[str, str], examples: int) -> FuzzFigures:
    """Fuzz every operation of /openapi.json with valid and invalid requests."""
    figures = FuzzFigures()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    for result in schema.get_all_operations():
        operation = result.ok()
        figures.operations += 1
        for mode in MODES:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=REPEATABLE,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def probe(case: Any) -> None:
                _probe(case, headers, figures)

            try:
                probe()
            except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                continue
    return figures


def test_every_operation_documents_its_error_answers_and_file_types(client):
    spec = client.get("/openapi.json").json()
    operations = [
        (path, method, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 25
    for path, method, operation in operations:
        documented = operation["responses"]
        for status in ("400", "401", "403", "404", "409", "413", "422", "503"):
            shape = documented[status]["content"]["application/json"]["schema"]["$ref"]
            assert shape.endswith("Public"), (method, path, status)
    downloads = {
        "/api/v1/exports/stories.csv": "text/csv; charset=utf-8",
        "/api/v1/exports/stories.xlsx": XLSX_TYPE,
        "/api/v1/audit/export.csv": "text/csv",
    }
    for path, media_type in downloads.items():
        assert list(spec["paths"][path]["get"]["responses"]["200"]["content"]) == [media_type]
    assert "415" in spec["paths"]["/api/v1/imports"]["post"]["responses"]


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_no_request_gets_a_server_error_or_an_undocumented_answer(
    role, app, session, somerset, staff
):
    make_story(session, site=somerset, author=staff)
    person = make_user(session, roles=["admin"]) if role == "admin" else staff
    figures = fuzz_api(app, token_headers(session, person), EXAMPLES)
    print(f"\n[{role}] {figures.summary()}")
    assert figures.operations >= 25
    assert not figures.server_errors and not figures.violations, figures.summary()
