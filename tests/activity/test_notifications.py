"""Notifications: who hears what, grouped, by the channel they chose, and nobody else's."""

import re

import pytest
from django.urls import reverse

from intranet.activity import services
from intranet.activity.models import Notification, NotificationPreference
from intranet.governance import services as governance
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def space_with(db):
    space = SpaceFactory(name="Inkoop")
    author = UserFactory(first_name="Anna", language="en")
    MembershipFactory(space=space, user=author)
    return space, author


def member(space, **kwargs):
    person = UserFactory(**kwargs)
    MembershipFactory(space=space, user=person)
    return person


def test_ten_likes_on_one_post_are_one_notification(space_with, django_capture_on_commit_callbacks):
    space, author = space_with
    post = services.create_post(author=author, space=space, body="Nieuwe werkwijze")
    fans = [member(space, first_name=f"Fan{i}") for i in range(10)]
    with django_capture_on_commit_callbacks(execute=True):
        for fan in fans:
            services.react(user=fan, target=post, kind="like")
    notification = Notification.objects.get(recipient=author)
    assert notification.kind == "reaction" and notification.actor_count == 10
    assert notification.actor == fans[-1]


def test_after_reading_a_new_reaction_starts_a_new_notification(
    space_with, django_capture_on_commit_callbacks
):
    space, author = space_with
    post = services.create_post(author=author, space=space, body="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.react(user=member(space), target=post, kind="like")
    services.mark_read(user=author)
    with django_capture_on_commit_callbacks(execute=True):
        services.react(user=member(space), target=post, kind="celebrate")
    assert Notification.objects.filter(recipient=author).count() == 2
    assert Notification.objects.filter(recipient=author, read_at__isnull=True).count() == 1


def test_mentions_reach_only_people_who_may_read_the_space(
    mailbox, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from intranet.celery import app

    app.conf.task_always_eager = True
    private = SpaceFactory(visibility="private", closed_reason="x")
    author = UserFactory()
    MembershipFactory(space=private, user=author)
    insider = UserFactory(email="lisa.koster@plein.example", language="en")
    MembershipFactory(space=private, user=insider)
    outsider = UserFactory(email="tim.wijnands@plein.example")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post = services.create_post(
                author=author,
                space=private,
                body="@lisa.koster en @tim.wijnands, kijken jullie mee?",
            )
    finally:
        app.conf.task_always_eager = False
    assert 'class="mention"' in post.body_html
    assert Notification.objects.filter(recipient=insider, kind="mention").exists()
    assert not Notification.objects.filter(recipient=outsider).exists()
    # Mentions go by email at once by default: a real message on the SMTP server.
    message = mailbox.wait_for(1)[0]
    assert message["To"] == insider.email
    assert "mentioned you in" in message["Subject"]
    assert Notification.objects.get(recipient=insider).emailed_at is not None


def test_preferences_switch_a_kind_off(space_with, client, django_capture_on_commit_callbacks):
    space, author = space_with
    client.force_login(author)
    response = client.post(
        reverse("activity:preferences"),
        {
            "mention": "email",
            "reply": "site",
            "answer": "email",
            "accepted": "site",
            "join_request": "email",
            "invitation": "email",
            "reaction": "off",
            "badge": "site",
            "endorsement": "site",
            "mentoring": "email",
            "answer_request": "email",
            "followed": "digest",
            "moderation": "email",
            "report": "site",
            "suggestion": "email",
            "suggestion_decided": "site",
            "review": "email",
            "handoff": "site",
            "signal": "email",
            "story": "site",
            "follow_up": "email",
            "leadership": "email",
        },
    )
    assert response.status_code == 302
    post = services.create_post(author=author, space=space, body="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.react(user=member(space), target=post, kind="like")
        services.add_comment(author=member(space), target=post, body="Goed plan")
    kinds = list(Notification.objects.filter(recipient=author).values_list("kind", flat=True))
    assert kinds == ["reply"]
    bad = client.post(reverse("activity:preferences"), {"mention": "pigeon"})
    assert bad.status_code == 400
    assert NotificationPreference.objects.get(user=author, kind="mention").channel == "email"


def test_join_requests_notify_the_spaces_managers(django_capture_on_commit_callbacks):
    space = SpaceFactory(visibility="private", closed_reason="x", name="Project X")
    owner = UserFactory()
    MembershipFactory(space=space, user=owner, role="owner")
    with django_capture_on_commit_callbacks(execute=True):
        governance.request_membership(user=UserFactory(), space=space)
        governance.request_membership(user=UserFactory(), space=space)
    notification = Notification.objects.get(recipient=owner)
    assert (notification.kind, notification.actor_count) == ("join_request", 2)


def test_notifications_page_marks_one_or_all_read_and_never_someone_elses(
    client, space_with, django_capture_on_commit_callbacks
):
    space, author = space_with
    post = services.create_post(author=author, space=space, body="x")
    other = services.create_post(author=author, space=space, body="y")
    with django_capture_on_commit_callbacks(execute=True):
        services.react(user=member(space, first_name="Kees"), target=post, kind="like")
        services.react(user=member(space), target=other, kind="like")
    client.force_login(author)
    page = client.get(reverse("activity:notifications")).content.decode()
    assert re.search(r"Kees [^<]*reacted to your post", page)
    assert 'id="notification-count"' in page and ">2<" in page
    first = Notification.objects.filter(recipient=author).first()
    client.post(reverse("activity:notifications"), {"notification": first.pk})
    assert Notification.objects.filter(recipient=author, read_at__isnull=True).count() == 1
    stranger = UserFactory()
    client.force_login(stranger)
    other_id = Notification.objects.filter(recipient=author, read_at__isnull=True).get().pk
    assert (
        client.post(reverse("activity:notifications"), {"notification": other_id}).status_code
        == 404
    )
    assert client.post(f"/api/notifications/{other_id}/read/").status_code == 404
    assert Notification.objects.filter(recipient=author, read_at__isnull=True).count() == 1
    client.force_login(author)
    client.post(reverse("activity:notifications"), {"notification": "all"})
    assert not Notification.objects.filter(recipient=author, read_at__isnull=True).exists()


def test_notification_and_preferences_api(client, space_with, django_capture_on_commit_callbacks):
    space, author = space_with
    post = services.create_post(author=author, space=space, body="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.react(user=member(space), target=post, kind="like")
    client.force_login(author)
    items = client.get("/api/notifications/").json()["results"]
    assert items[0]["kind"] == "reaction" and items[0]["read"] is False
    assert client.post("/api/notifications/read-all/").status_code == 204
    assert client.get("/api/notifications/").json()["results"][0]["read"] is True
    prefs = client.get("/api/notifications/preferences/").json()
    assert prefs["reaction"] == "site" and prefs["mention"] == "email"
    response = client.put(
        "/api/notifications/preferences/", {"reaction": "digest"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["reaction"] == "digest"
    bad = client.put(
        "/api/notifications/preferences/", {"reaction": "smoke"}, content_type="application/json"
    )
    assert bad.status_code == 400
    feed = client.get("/api/feed/").json()
    assert feed["results"][0]["verb"] == "post.created"
    assert client.get("/api/feed/", {"feed": "space:abc"}).status_code == 400
    assert client.get("/api/feed/", {"before": "x"}).status_code == 400
    client.logout()
    assert client.get("/api/notifications/").status_code == 401  # signed out


def test_a_notification_from_a_space_one_left_is_no_longer_shown_counted_or_digested(
    client, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from intranet.digests.registrations import unseen_notifications

    secret = SpaceFactory(name="Overname", visibility="secret")
    owner = UserFactory()
    MembershipFactory(space=secret, user=owner, role="owner")
    author = UserFactory(language="en")
    MembershipFactory(space=secret, user=author)
    post = services.create_post(author=author, space=secret, body="Bod op Jansen BV ZQXNOTE")
    with django_capture_on_commit_callbacks(execute=True):
        services.react(user=owner, target=post, kind="like")
    assert Notification.objects.get(recipient=author).space == secret
    client.force_login(author)
    link = reverse("activity:post", args=[post.pk])
    assert link in client.get(reverse("activity:notifications")).content.decode()

    governance.remove_member(actor=owner, space=secret, user=author)
    page = client.get(reverse("activity:notifications")).content.decode()
    assert link not in page
    from intranet.activity import selectors

    assert selectors.unread_count(user=author) == 0
    now = timezone.now()
    items = unseen_notifications(
        user=author, since=now - timedelta(days=1), until=now + timedelta(minutes=1), limit=10
    )
    assert items == []
    # Nor does a later one about it reach the bell.
    with django_capture_on_commit_callbacks(execute=True):
        services.react(user=owner, target=post, kind="celebrate")
    assert selectors.unread_count(user=author) == 0
    assert link not in client.get(reverse("activity:notifications")).content.decode()


def test_notifications_from_before_they_remembered_their_space_get_it(db):
    """Rows made before activity 0009 had no space: the apps' data migrations give them the
    space of what they link to (and drop those about something that is gone)."""
    from django.apps import apps as global_apps

    from intranet.activity.origins import backfill_notification_spaces

    secret = SpaceFactory(name="Overname", visibility="secret", closed_reason="x")
    author = UserFactory()
    MembershipFactory(space=secret, user=author)
    post = services.create_post(author=author, space=secret, body="Bod ZQXOLD")
    reader = UserFactory()
    old = Notification.objects.create(
        recipient=reader, kind="reaction", group_key="old", url=f"/posts/{post.pk}/"
    )
    gone = Notification.objects.create(
        recipient=reader, kind="reaction", group_key="gone", url="/posts/999999/"
    )
    changed = backfill_notification_spaces(
        global_apps, url_regex=r"^/posts/(\d+)/", model="activity.Post", space_path="space_id"
    )
    assert changed == 1
    old.refresh_from_db()
    assert old.space == secret
    assert not Notification.objects.filter(pk=gone.pk).exists()
    assert not Notification.objects.readable_by(reader).filter(pk=old.pk).exists()
