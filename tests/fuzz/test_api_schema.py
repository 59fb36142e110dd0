"""The API fuzzed from its own OpenAPI schema (issue 20, part 8).

The schema drf-spectacular serves at /api/schema/ is loaded into schemathesis, and every
operation in it is run as three people of the seeded organisation (tests/sweep_seed.py): an
employee (member and co-owner of spaces), a guest (member of one open space) and an
administrator (with two-step verification set up, as administrators must). Cases are both
valid and invalid for the schema; path parameters are mostly the real ids of the open space's
objects (the services are reached), some of a closed space's (404) and some random.

Requests go through Django's whole handler (middleware, CSRF, DRF) as a server runs it, signed
in with a session cookie and a valid CSRF token, rate limits off. Every response must not be a
5xx and must match the schema: a documented status code, the documented content type, and a
body that fits the documented shape. Problems are collected (not raised at the first) and
listed at the end, each with a case that reproduces it.

Bounded for `make test` (a few cases per operation, derandomized); run longer with
PLEIN_FUZZ_EXAMPLES and PLEIN_FUZZ_SEED (tests/fuzz/conftest.py, README "Fuzzing"). Run with
-s for the counts.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.conftest import (
    budget,
    csrf_pair,
    hypothesis_run,
    rolled_back,
    session_cookies,
)

pytestmark = pytest.mark.django_db

EXAMPLES = budget(6)  # per operation and person; ~65 operations x 3 people
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ("employee", "guest", "administrator")


@dataclass
class Tally:
    operations: int = 0
    cases: int = 0
    statuses: dict = field(default_factory=dict)  # status code -> count
    problems: dict = field(default_factory=dict)  # (operation, what) -> first example

    def record(self, operation: str, what: str, example: str) -> None:
        self.problems.setdefault((operation, what), example)


def person(world, role: str):
    return {
        "employee": world.people["employee"],
        "guest": world.people["guest"],
        "administrator": world.admin,
    }[role]


def path_values(world, who) -> tuple[dict, dict]:
    """(the open space's objects, a closed space's objects) by the schema's parameter names."""
    from intranet.activity.models import Notification

    def of(bundle) -> dict:
        ids = bundle.ids
        values = {name: ids[name] for name in ids if name.endswith("_id")}
        values["slug"] = ids["slug"]
        values["user_id"] = world.insider.pk
        return values

    opened, closed = of(world.open_bundle), of(world.bundles["secret"])
    own = Notification.objects.filter(recipient=who).order_by("-pk").first()
    opened["notification_id"] = own.pk if own else 0
    return opened, closed


def strategy_for(operation, *, opened: dict, closed: dict):
    """Valid and invalid cases; path parameters from the open space (twice as likely), from
    a closed space, or generated."""
    names = {p.name for p in operation.path_parameters}
    branches = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        branches.append(operation.as_strategy(generation_mode=mode))
        if names and names <= set(opened):
            fixed = {name: opened[name] for name in names}
            branches += [operation.as_strategy(generation_mode=mode, path_parameters=fixed)] * 2
        if names and names <= set(closed):
            fixed = {name: closed[name] for name in names}
            branches.append(operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    return st.one_of(branches)


def case_runner(label: str, *, app, headers: dict, cookies: dict, tally: Tally, server_errors):
    """Send one case through the app (its writes rolled back) and check the response."""

    def run_case(case):
        tally.cases += 1
        server_errors.clear()
        with rolled_back():
            response = case.call(app=app, headers=headers, cookies=cookies)
        code = response.status_code
        tally.statuses[code] = tally.statuses.get(code, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as failure:  # one or more checks failed
            failures = getattr(failure, "exceptions", [failure])
            what = f"{code}: " + " | ".join(str(getattr(f, "title", f)) for f in failures)
            detail = str(failure)[:3000]
            if server_errors:
                detail += "\n" + server_errors[-1][-3000:]
            tally.record(label, what, detail)

    return run_case


@pytest.fixture(scope="module")
def api_schema(fuzz_world):
    """The schema as the API serves it to a signed-in person (it is not public)."""
    client = Client()
    client.force_login(fuzz_world.people["employee"])
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_as(role, fuzz_world, api_schema, unlimited, server_errors):
    schema = schemathesis.openapi.from_dict(api_schema)
    app = WSGIHandler()
    who = person(fuzz_world, role)
    opened, closed = path_values(fuzz_world, who)
    secret, token = csrf_pair()
    cookies = {**session_cookies(who), django_settings.CSRF_COOKIE_NAME: secret}
    headers = {"X-CSRFToken": token}
    tally = Tally()
    began = time.monotonic()

    for result in schema.get_all_operations():
        operation = result.ok()
        tally.operations += 1
        run_case = case_runner(
            operation.label, app=app, headers=headers, cookies=cookies, tally=tally,
            server_errors=server_errors,
        )  # fmt: skip
        strategy = strategy_for(operation, opened=opened, closed=closed)
        hypothesis_run(given(case=strategy)(run_case), examples=EXAMPLES)()

    seconds = time.monotonic() - began
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(tally.statuses.items()))
    print(
        f"\n[api fuzz] {role}: {tally.operations} operations, {tally.cases} cases in "
        f"{seconds:.1f}s ({statuses}); {len(tally.problems)} problems"
    )
    listing = "\n\n".join(
        f"[{role}] {operation} -> {what}\n{example}"
        for (operation, what), example in sorted(tally.problems.items())
    )
    assert not tally.problems, listing
