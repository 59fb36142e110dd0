"""Notifications are derived from content: they follow a topic that moves and go when it is
hidden, so its title is never shown to people who may no longer read it."""

import pytest
from django.urls import reverse

from forums import services
from intranet.activity import selectors as activity
from intranet.activity.models import Notification
from intranet.moderation import services as moderation
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

TITLE = "Verhuizing naar Utrecht ZQXMOVE"


@pytest.fixture
def answered(django_capture_on_commit_callbacks):
    open_space = SpaceFactory(name="Facilitair")
    secret = SpaceFactory(name="Huisvesting", visibility="secret", closed_reason="x")
    moderator = UserFactory()
    for space in (open_space, secret):
        MembershipFactory(space=space, user=moderator, role="moderator")
    asker, helper = UserFactory(language="en"), UserFactory()
    for person in (asker, helper):
        MembershipFactory(space=open_space, user=person)
    topic = services.ask(author=asker, space=open_space, kind="question", title=TITLE, body="?")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(author=helper, topic=topic, body="Na de zomer.")
    assert Notification.objects.filter(recipient=asker, params__title=TITLE).exists()
    return topic, secret, moderator, asker


def _bell(client, person) -> str:
    client.force_login(person)
    return client.get(reverse("activity:notifications")).content.decode()


def test_a_topic_moved_into_a_secret_space_takes_its_notifications_along(client, answered):
    topic, secret, moderator, asker = answered
    assert "ZQXMOVE" in _bell(client, asker)
    services.move(actor=moderator, topic=topic, to_space=secret)
    assert Notification.objects.get(recipient=asker, params__title=TITLE).space == secret
    assert "ZQXMOVE" not in _bell(client, asker)
    assert activity.unread_count(user=asker) == 0


def test_a_hidden_topic_s_notifications_go_but_the_author_s_notice_stays(
    client, answered, django_capture_on_commit_callbacks
):
    topic, _secret, moderator, asker = answered
    helper_notice = Notification.objects.get(recipient=asker, params__title=TITLE)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.hide(actor=moderator, kind="forums.topic", object_id=topic.pk,
                        reason="Dubbel gesteld")  # fmt: skip
    assert not Notification.objects.filter(pk=helper_notice.pk).exists()
    notice = Notification.objects.get(recipient=asker, kind="moderation")
    assert notice.params["state"] == "hidden"
