from __future__ import annotations

import json
import re
import socket
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from tests.helpers import forget_caches


@pytest.fixture(autouse=True)
def _clean_redis():
    """Rate-limit counters and cached sessions live in Redis: start every test without them.
    Only our own prefix is removed, never the whole Redis database."""
    # Only our own prefix ("plein:1:..."), so a run with prefix "plein" leaves a parallel
    # run's "plein-ci-123:..." keys alone; the policies kept in process memory go too.
    forget_caches()
    yield


@pytest.fixture(autouse=True)
def _rate_limits_for_fast_writers(settings):
    """Tests write in milliseconds what people write in an afternoon. Every write and API call
    still goes through the rate limiter, with the production budgets' shape at 100 times their
    size; tests of the limits themselves (tests/core/test_ratelimit.py) set their own."""
    settings.PLEIN_RATE_LIMITS = {
        budget: {
            tier: ";".join(
                f"{int(amount) * 100}/{period}"
                for amount, period in (window.split("/", 1) for window in rate.split(";"))
            )
            for tier, rate in tiers.items()
        }
        for budget, tiers in django_settings.PLEIN_RATE_LIMITS.items()
    }


@contextmanager
def record_events(*, include=lambda name: name != "NotificationsChanged"):
    """Collect the events delivered while the block runs, each round-tripped through JSON
    (an event that cannot travel fails here, where it is made)."""
    from intranet import events

    seen: list[dict] = []

    def handler(event):
        if include(type(event).__name__):
            seen.append(json.loads(events.to_json(event)))

    events.subscribe(None, handler)
    try:
        yield seen
    finally:
        events.unsubscribe(None, handler)


@pytest.fixture
def captured_events(django_capture_on_commit_callbacks):
    """Run an action, commit it, and get its events:

    with captured_events() as seen:
        services.create_space(...)
    assert seen[0]["type"] == "SpaceCreated"
    """

    @contextmanager
    def capture():
        with record_events() as seen, django_capture_on_commit_callbacks(execute=True):
            yield seen

    return capture


@pytest.fixture
def user(db):
    return UserFactory(first_name="Ilse", last_name="Jansen")


@pytest.fixture
def admin_user(db):
    return UserFactory(first_name="Beheer", last_name="Der", is_staff=True,
                       org_role="administrator")  # fmt: skip


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@dataclass
class Mailbox:
    messages: list = field(default_factory=list)
    refuse: set = field(default_factory=set)  # addresses the server answers "550 no such user"

    def wait_for(self, count: int = 1, timeout: float = 5.0):
        """SMTP delivery is a real network hop: wait until `count` messages arrived."""
        import time

        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"expected {count} email(s), got {len(self.messages)}"
        return self.messages

    def links(self, index: int = -1) -> list[str]:
        message = self.messages[index]
        body = message.get_body(preferencelist=("plain",)).get_content()
        return re.findall(r"https?://\S+", body)


class _Handler:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.mailbox.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.mailbox.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on loopback; Django sends to it with its SMTP backend."""
    box = Mailbox()
    with socket.socket() as probe:  # a free port: aiosmtpd cannot report the one it got
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(_Handler(box), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    yield box
    controller.stop()


class QueryBudget(CaptureQueriesContext):
    """Fails with the queries listed, so the author sees what grew."""

    def __init__(self, connection, *, maximum: int):
        super().__init__(connection)
        self.maximum = maximum

    def __exit__(self, *exc):
        super().__exit__(*exc)
        if exc[0] is None and len(self) > self.maximum:
            listing = "\n".join(q["sql"][:200] for q in self.captured_queries)
            raise AssertionError(
                f"{len(self)} queries, budget {self.maximum}. If the new query is needed, "
                f"raise the budget and say why in the commit.\n{listing}"
            )


@pytest.fixture
def query_budget():
    from django.db import connection

    def make(maximum: int):
        return QueryBudget(connection, maximum=maximum)

    return make
