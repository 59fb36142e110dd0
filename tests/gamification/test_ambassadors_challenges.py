"""Ambassadors (appointed by administrators or community managers, with a badge, a directory
and a view of colleagues who have not taken part yet: names for administrators, counts for
ambassadors) and challenges (time-boxed steps, progress shown to whoever joined)."""

import datetime

import pytest
from django.utils import timezone

from gamification.models import Ambassador, BadgeAward, Challenge, ChallengeEntry
from intranet.activity.models import Notification
from intranet.governance.models import AuditEntry
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def quiet_part(client) -> str:
    """The 'not taken part yet' section (the appoint form lists everyone, on purpose)."""
    page = client.get("/ambassadors/", **EN).content.decode()
    return page[page.index('id="quiet-heading"') :] if 'id="quiet-heading"' in page else ""


def test_appointing_an_ambassador_and_who_sees_which_colleagues_are_quiet(
    client, django_capture_on_commit_callbacks
):
    service = DepartmentFactory(name="Klantenservice", slug="klantenservice")
    sandy = UserFactory(department=service, first_name="Sandy", language="en")
    quiet = UserFactory(department=service, first_name="Stille", last_name="Collega")
    employee = UserFactory(department=service)
    # Not for everyone: an employee cannot appoint, and sees no quiet colleagues.
    client.force_login(employee)
    assert client.post("/ambassadors/appoint/", {"user": sandy.pk}).status_code == 404
    assert "not taken part yet" not in client.get("/ambassadors/", **EN).content.decode()
    # A community manager appoints (as administrators can).
    manager = UserFactory(org_role="community_manager")
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ambassadors/appoint/", {"user": sandy.pk, "action": "appoint"})
    assert Ambassador.objects.get(user=sandy).department == service
    assert BadgeAward.objects.filter(user=sandy, badge__name="Ambassador").exists()
    assert Notification.objects.filter(recipient=sandy, kind="badge").exists()
    assert AuditEntry.objects.filter(action="ambassador.appoint", actor=manager).exists()
    # Guests and people without a department are refused with a reason.
    guest = UserFactory(org_role="guest")
    refused = client.post(
        "/ambassadors/appoint/", {"user": guest.pk, "action": "appoint"}, follow=True, **EN
    )
    assert "not guests" in refused.content.decode()
    nowhere = UserFactory(department=None)
    refused = client.post(
        "/ambassadors/appoint/", {"user": nowhere.pk, "action": "appoint"}, follow=True, **EN
    )
    assert "Choose the department" in refused.content.decode()
    assert Ambassador.objects.count() == 1
    # The directory lists her; as an ambassador she sees counts by department, no names.
    client.force_login(sandy)
    page = client.get("/ambassadors/", **EN).content.decode()
    assert "Sandy" in page and "Klantenservice" in page and "not taken part yet" in page
    assert "Stille Collega" not in page
    # Administrators see the names, to invite them personally.
    client.force_login(AdminFactory())
    assert "Stille Collega" in quiet_part(client)
    # Someone who posts is no longer quiet.
    from intranet.activity import services as activity

    space = SpaceFactory()
    MembershipFactory(space=space, user=quiet)
    activity.create_post(author=quiet, space=space, body="Hallo allemaal")
    assert "Stille Collega" not in quiet_part(client)
    # Ending the appointment.
    client.post("/ambassadors/appoint/", {"user": sandy.pk, "action": "end"})
    assert not Ambassador.objects.exists()


def test_a_challenge_shows_progress_and_completes(client, django_capture_on_commit_callbacks):
    from forums import services as forums

    admin = AdminFactory()
    today = timezone.localdate()
    client.force_login(admin)
    bad = client.post(
        "/recognition/challenges/",
        {"title": "Welkom", "starts_on": today.isoformat(),
         "ends_on": (today - datetime.timedelta(days=1)).isoformat(),
         "step_deed": ["answer_posted"], "step_count": ["1"]},
        **EN,
    )  # fmt: skip
    assert bad.status_code == 400 and "end date on or after" in bad.content.decode()
    unknown = client.post(
        "/recognition/challenges/",
        {"title": "Welkom", "starts_on": today.isoformat(), "ends_on": today.isoformat(),
         "step_deed": ["teleport"], "step_count": ["1"]},
        **EN,
    )  # fmt: skip
    assert unknown.status_code == 400 and "from the list" in unknown.content.decode()
    assert not Challenge.objects.exists()
    client.post(
        "/recognition/challenges/",
        {"title": "Welkom op Plein", "starts_on": today.isoformat(),
         "ends_on": (today + datetime.timedelta(days=14)).isoformat(),
         "step_deed": ["question_asked", "answer_posted", ""], "step_count": ["1", "2", "1"]},
    )  # fmt: skip
    challenge = Challenge.objects.get()
    assert [(s.deed, s.count) for s in challenge.steps.all()] == [
        ("question_asked", 1),
        ("answer_posted", 2),
    ]
    # Only administrators and community managers create challenges.
    space = SpaceFactory()
    person = MembershipFactory(space=space, user=UserFactory(language="en")).user
    other = MembershipFactory(space=space).user
    client.force_login(person)
    assert client.post("/recognition/challenges/", {"title": "x"}).status_code == 404
    client.post(f"/recognition/challenges/{challenge.pk}/join/")
    entry = ChallengeEntry.objects.get(user=person)
    with django_capture_on_commit_callbacks(execute=True):
        forums.ask(author=person, space=space, kind="question", title="Hoe werkt dit?")
    topic = forums.ask(author=other, space=space, kind="question", title="Wie weet dit?")
    with django_capture_on_commit_callbacks(execute=True):
        forums.answer(author=person, topic=topic, body="Zo werkt het")
    page = client.get("/recognition/challenges/", **EN).content.decode()
    assert "(1/2)" in page and "67%" in page
    entry.refresh_from_db()
    assert entry.completed_at is None
    topic2 = forums.ask(author=other, space=space, kind="question", title="En dit?")
    with django_capture_on_commit_callbacks(execute=True):
        forums.answer(author=person, topic=topic2, body="Ook zo")
    entry.refresh_from_db()
    assert entry.completed_at is not None
    assert "Completed. Well done!" in client.get("/recognition/challenges/", **EN).content.decode()
    # An ended challenge cannot be joined.
    Challenge.objects.filter(pk=challenge.pk).update(
        starts_on=today - datetime.timedelta(days=20), ends_on=today - datetime.timedelta(days=5)
    )
    client.force_login(other)
    refused = client.post(f"/recognition/challenges/{challenge.pk}/join/", follow=True, **EN)
    assert "This challenge has ended." in refused.content.decode()
    assert not ChallengeEntry.objects.filter(user=other).exists()
    assert client.post("/recognition/challenges/999999/join/").status_code == 404
