"""A notification about a module's content (a suggestion on an article, a hand-off of a card)
is shown only while that module is on in its space: found by the leak sweep
(tests/test_leak_sweep.py), where a card's title stayed in the bell, the notifications API
and the digest after its space switched process boards off."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.activity import selectors
from intranet.activity.models import Notification
from intranet.digests.registrations import unseen_notifications
from intranet.governance import services as governance
from knowledge import services as knowledge
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_suggestion_notification_goes_with_the_knowledge_base(
    client, django_capture_on_commit_callbacks
):
    space = SpaceFactory(name="Werkplaats")
    owner, colleague = UserFactory(language="en"), UserFactory()
    MembershipFactory(space=space, user=owner, role="owner")
    MembershipFactory(space=space, user=colleague)
    article = knowledge.publish(author=owner, space=space, title="Draaibank ZQXBELL", body="x")
    with django_capture_on_commit_callbacks(execute=True):
        knowledge.suggest(
            proposer=colleague,
            article=article,
            base_number=1,
            title="Draaibank ZQXBELL",
            body="y",
            note="Aanvulling",
        )
    assert Notification.objects.get(recipient=owner).kind == "suggestion"
    client.force_login(owner)
    assert "ZQXBELL" in client.get(reverse("activity:notifications")).content.decode()
    assert selectors.unread_count(user=owner) == 1

    governance.update_space(
        actor=owner,
        space=space,
        name=space.name,
        description="",
        visibility="open",
        modules=["forums", "boards", "stories"],
    )
    assert "ZQXBELL" not in client.get(reverse("activity:notifications")).content.decode()
    assert "ZQXBELL" not in client.get("/api/notifications/").content.decode()
    assert selectors.unread_count(user=owner) == 0
    now = timezone.now()
    assert (
        unseen_notifications(
            user=owner, since=now - timedelta(days=1), until=now + timedelta(minutes=1), limit=10
        )
        == []
    )
    # Switched on again, it is back: nothing was thrown away.
    governance.update_space(
        actor=owner,
        space=space,
        name=space.name,
        description="",
        visibility="open",
        modules=["forums", "knowledge", "boards", "stories"],
    )
    assert "ZQXBELL" in client.get(reverse("activity:notifications")).content.decode()


def test_notifications_without_a_module_stay_when_modules_go(client):
    """A join request, a mention: no module's, shown while the space is readable."""
    space = SpaceFactory(name="Werkplaats", visibility="private", closed_reason="x")
    owner = UserFactory()
    MembershipFactory(space=space, user=owner, role="owner")
    Notification.objects.create(
        recipient=owner,
        kind="mention",
        group_key="m1",
        url="/x/",
        space=space,
        params={"space": space.name},
    )
    governance.update_space(
        actor=owner,
        space=space,
        name=space.name,
        description="",
        visibility="private",
        closed_reason="x",
        modules=[],
    )
    assert selectors.unread_count(user=owner) == 1
