"""Shared set-up of the two fuzzers (tests/fuzz/test_api_schema.py, tests/fuzz/test_forms.py).

Both are bounded and deterministic by default: a few examples per operation or form, drawn
with `derandomize=True` (the same cases on every run and in CI). A developer runs them longer
and with fresh randomness through the environment (README, "Fuzzing"):

    PLEIN_FUZZ_EXAMPLES=200 PLEIN_FUZZ_SEED=$RANDOM pytest tests/fuzz -s

The seeded organisation (tests/sweep_seed.py: spaces of every visibility holding content of
every kind) is made once per module inside a transaction that is rolled back at the end, and
every fuzzed request runs in a savepoint of its own that is rolled back too: what one case
deletes or changes never starves the cases after it.
"""

from __future__ import annotations

import os
import traceback
from contextlib import contextmanager

import pytest
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import TestCase
from django.test.utils import override_settings


def budget(default: int) -> int:
    """Examples per operation or form: `default` unless PLEIN_FUZZ_EXAMPLES says otherwise."""
    raw = os.environ.get("PLEIN_FUZZ_EXAMPLES", "").strip()
    return int(raw) if raw else default


def fuzz_seed() -> int | None:
    """PLEIN_FUZZ_SEED: a seed for a fresh random run; unset, runs are derandomized."""
    raw = os.environ.get("PLEIN_FUZZ_SEED", "").strip()
    return int(raw) if raw else None


def hypothesis_run(function, *, examples: int):
    """`function` (already decorated with @given) with the suite's bounded settings: no example
    database (nothing written to the work tree), no deadline (the first request of a view is
    slower), every health check off (generation is slowed by the database, on purpose), no
    shrinking (a failure is recorded with the case that found it, not raised)."""
    from hypothesis import HealthCheck, Phase, seed, settings

    chosen = fuzz_seed()
    configured = settings(
        max_examples=examples,
        derandomize=chosen is None,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
        print_blob=False,
    )(function)
    return seed(chosen)(configured) if chosen is not None else configured


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """The sweep's seeded organisation, made once for the module and rolled back after it.
    The apps' event handlers run as after a commit (feeds, notifications, points)."""
    from tests.sweep_seed import seed

    with django_db_blocker.unblock(), override_settings(PLEIN_RATE_LIMITS={}), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            world = seed()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def unlimited(settings):
    """Rate limits off (writes and API throttling alike): the fuzzer must reach the services,
    not the limiter (tests/core/test_ratelimit.py tests the limiter)."""
    settings.PLEIN_RATE_LIMITS = {}


@pytest.fixture
def server_errors():
    """Django's request handler as a server runs it, in this thread and on this test's
    database connection: the connection is not closed after each request (as Django's test
    client does), and the traceback of every unhandled exception is kept for the report."""
    seen: list[str] = []

    def keep(sender, request=None, **kwargs):
        seen.append(traceback.format_exc())

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(keep)
    try:
        yield seen
    finally:
        got_request_exception.disconnect(keep)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@contextmanager
def rolled_back():
    """One case: whatever it writes is undone, also when the view broke the transaction."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def session_cookies(user) -> dict[str, str]:
    """The cookies of a signed-in browser: a session for `user` and a CSRF cookie."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def csrf_pair() -> tuple[str, str]:
    """(cookie value, header value): a valid CSRF secret and a masked token of it, as a page
    hands them to its scripts."""
    from django.http import HttpRequest
    from django.middleware.csrf import get_token

    request = HttpRequest()
    token = get_token(request)
    return request.META["CSRF_COOKIE"], token
