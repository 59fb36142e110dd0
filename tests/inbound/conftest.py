"""Shared pieces for replies by email: settings, a forum question with an answer notification
mailed to the asker over the loopback SMTP server, and replies built from received mail."""

from __future__ import annotations

import pytest

from forums import services as forums
from tests.factories import MembershipFactory, SpaceFactory, UserFactory
from tests.inbound.mail import DOMAIN, SECRET


@pytest.fixture
def inbound(settings):
    settings.PLEIN_INBOUND_EMAIL_DOMAIN = DOMAIN
    settings.PLEIN_INBOUND_EMAIL_SECRET = SECRET
    return settings


@pytest.fixture
def eager():
    """Notification emails are Celery tasks queued on commit: run them in the test."""
    from intranet.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def answered(db, inbound, mailbox, eager, django_capture_on_commit_callbacks):
    """A question in an open space; an expert answers; the asker gets the email."""
    space = SpaceFactory(name="Financiën", slug="financien")
    asker = MembershipFactory(space=space, user=UserFactory(language="en")).user
    expert = MembershipFactory(space=space, user=UserFactory(language="nl")).user
    topic = forums.ask(
        author=asker, space=space, kind="question", title="Hoe boek ik btw op export?"
    )
    with django_capture_on_commit_callbacks(execute=True):
        forums.answer(author=expert, topic=topic, body="Tarief 0%, met bewijs van uitvoer.")
    received = mailbox.wait_for(1)[-1]
    return {"space": space, "asker": asker, "expert": expert, "topic": topic, "mail": received}
