"""Informal leaders get room, with consent (issue 22, part 5).

From the person-level insights (switched on, granted), an administrator invites someone shown
there into the ambassador programme or to mentor, saying why in their own words; the person
reads the reason on their invitations page and accepts or declines. Nothing changes before
they accept, and no figure of the insights reaches them. Ambassadors get a marker on their
profile and directory card, their own space, a log of sessions given and teams helped, and
hours granted beside the hours they logged."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gamification import selectors, services
from gamification.models import (
    Ambassador,
    AmbassadorActivity,
    GameSettings,
    LeadershipInvitation,
)
from insights import services as insights
from insights.models import PersonScore, Snapshot
from intranet.activity.models import Notification
from intranet.governance.models import AuditEntry, Membership
from tests.factories import AdminFactory, DepartmentFactory, UserFactory
from tests.helpers import forget_caches

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PURPOSE = "Informele leiders ruimte geven, met hun instemming (OR-instemming 2026-04)"
REASON = "You explain our tools to new colleagues so patiently; others would learn from you."
# The leader's figures in the snapshot: none may reach an invitation page.
PAGERANK, BETWEENNESS = 0.173946, 0.052817


@pytest.fixture
def world(db):
    """Sales (7 people) with a snapshot of the 90-day network: Lotte the informal leader,
    Bram in the view too; an administrator granted the person-level views."""
    sales = DepartmentFactory(name="Sales", slug="sales")
    lotte = UserFactory(department=sales, first_name="Lotte", last_name="Leider", language="en")
    bram = UserFactory(department=sales, first_name="Bram", last_name="Brug")
    others = [UserFactory(department=sales) for _ in range(4)]
    admin = AdminFactory(department=sales, first_name="Anna", last_name="Admin")
    insights.save_settings(actor=admin, min_group=5, person_level=True, purpose=PURPOSE)
    insights.grant(actor=admin, user=admin)
    snapshot = Snapshot.objects.create(
        window_days=90, people=7, departments=[{"id": sales.pk, "name": "Sales", "members": 7}]
    )
    PersonScore.objects.create(
        snapshot=snapshot,
        user=lotte,
        department=sales,
        ties=9,
        outside_ties=4,
        pagerank=PAGERANK,
        betweenness=BETWEENNESS,
    )
    PersonScore.objects.create(
        snapshot=snapshot,
        user=bram,
        department=sales,
        ties=3,
        outside_ties=1,
        pagerank=0.09,
        betweenness=0.01,
    )
    return {
        "sales": sales,
        "lotte": lotte,
        "bram": bram,
        "others": others,
        "admin": admin,
        "snapshot": snapshot,
    }


def invite_url(person, measure="leaders", window=90) -> str:
    return f"/ambassadors/invite/{person.pk}/?measure={measure}&window={window}"


def invite(client, person, **data):
    return client.post(invite_url(person), {"kind": "ambassador", "reason": REASON, **data}, **EN)


def score_strings() -> list[str]:
    """How the leader's figures could be written on a page, in either language."""
    found = []
    for value in (PAGERANK, BETWEENNESS):
        for digits in (2, 3, 4, 5, 6):
            text = f"{value:.{digits}f}"
            found += [text, text.replace(".", ",")]
    return [*found, "PageRank", "Betweenness", "Informal leaders", "Informele leiders"]


def test_the_rows_stay_as_many_as_the_page_draws():
    from insights import views

    assert services.PEOPLE_VIEW_ROWS == views.PAGE_ROWS


def test_who_may_open_the_invitation_and_from_which_view(client, world):
    lotte, admin = world["lotte"], world["admin"]
    # The administrator granted the person-level views sees an Invite link on each row.
    client.force_login(admin)
    rows = client.post("/insights/people/", {"measure": "leaders", "window": "90"}).content
    assert invite_url(lotte).replace("&", "&amp;") in rows.decode()
    assert client.get(invite_url(lotte)).status_code == 200
    # The view must exist and show them: another measure where they are not, or a window
    # without a snapshot, or a made-up measure, is a page that does not exist.
    assert client.get(invite_url(lotte, measure="newcomers")).status_code == 404
    assert client.get(invite_url(lotte, window=30)).status_code == 404
    assert client.get(invite_url(lotte, measure="gossip")).status_code == 404
    assert client.get(f"/ambassadors/invite/{lotte.pk}/").status_code == 404
    assert client.get(invite_url(world["others"][0])).status_code == 404  # not in the view
    assert client.get("/ambassadors/invite/999999/?measure=leaders&window=90").status_code == 404
    # An analyst granted the views (not an administrator) sees the people, not the link.
    analyst = UserFactory(department=world["sales"], org_role="community_manager")
    insights.grant(actor=admin, user=analyst)
    client.force_login(analyst)
    rows = client.post("/insights/people/", {"measure": "leaders", "window": "90"}).content
    assert "Lotte" in rows.decode() and "/ambassadors/invite/" not in rows.decode()
    assert client.get(invite_url(lotte)).status_code == 404
    assert invite(client, lotte).status_code == 404
    # An employee: 404, and nothing was made.
    client.force_login(world["bram"])
    assert client.get(invite_url(lotte)).status_code == 404
    assert invite(client, lotte).status_code == 404
    # An administrator not granted the person-level views: 404.
    other_admin = AdminFactory()
    client.force_login(other_admin)
    assert client.get(invite_url(lotte)).status_code == 404
    assert invite(client, lotte).status_code == 404
    assert not LeadershipInvitation.objects.exists()


def test_person_level_views_off_refuse_every_invitation(client, world):
    lotte, admin = world["lotte"], world["admin"]
    insights.save_settings(actor=admin, min_group=5, person_level=False, purpose="")
    client.force_login(admin)
    assert client.get(invite_url(lotte)).status_code == 404
    assert invite(client, lotte).status_code == 404
    with pytest.raises(PermissionDenied):
        services.invite_leader(
            actor=admin,
            person=lotte,
            kind="ambassador",
            reason=REASON,
            window=90,
            measure="leaders",
        )
    assert not LeadershipInvitation.objects.exists()


def test_accepting_an_ambassador_invitation(client, world, django_capture_on_commit_callbacks):
    lotte, admin = world["lotte"], world["admin"]
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, lotte)
    assert response.status_code == 302
    invitation = LeadershipInvitation.objects.get()
    assert (invitation.person, invitation.invited_by, invitation.status) == (
        lotte,
        admin,
        "pending",
    )
    assert AuditEntry.objects.filter(action="leadership.invite", actor=admin).exists()
    # Nothing before consent: not an ambassador, no marker, no space membership.
    assert not Ambassador.objects.filter(user=lotte).exists()
    client.force_login(lotte)
    profile = client.get(f"/people/{lotte.pk}/", **EN).content.decode()
    assert ">Ambassador<" not in profile
    # She hears of it; the notification leads to her invitations page, with the reason.
    note = Notification.objects.get(recipient=lotte, kind="leadership")
    assert note.url.startswith("/invitations/")
    assert (
        "invites you to become an ambassador"
        in client.get("/notifications/", **EN).content.decode()
    )
    page = client.get(note.url, **EN)
    assert page.status_code == 200
    body = page.content.decode()
    assert "You explain our tools" in body and "Anna Admin" in body
    for leaked in score_strings():
        assert leaked not in body, leaked
    # Accepting appoints her through the ambassador service, as the administrator who asked.
    with django_capture_on_commit_callbacks(execute=True):
        answered = client.post(f"/invitations/{invitation.pk}/", {"action": "accept"}, **EN)
    assert answered.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.answered_at is not None
    ambassador = Ambassador.objects.get(user=lotte)
    assert ambassador.appointed_by == admin and ambassador.department == world["sales"]
    assert AuditEntry.objects.filter(action="ambassador.appoint", actor=admin).exists()
    assert AuditEntry.objects.filter(action="leadership.accepted", actor=lotte).exists()
    # Their own space, with her in it.
    space = selectors.ambassador_space()
    assert space is not None and space.kind == "community" and space.visibility == "private"
    assert Membership.objects.filter(space=space, user=lotte, role="member").exists()
    # The administrator hears her answer.
    assert Notification.objects.filter(recipient=admin, kind="leadership").exists()
    # Answered once: a second answer is refused, and the page still shows no figure.
    again = client.post(f"/invitations/{invitation.pk}/", {"action": "decline"}, follow=True, **EN)
    assert "already been answered" in again.content.decode()
    assert LeadershipInvitation.objects.get().status == "accepted"
    body = client.get("/invitations/", **EN).content.decode()
    for leaked in score_strings():
        assert leaked not in body, leaked


def test_declining_changes_nothing(client, world, django_capture_on_commit_callbacks):
    lotte, admin = world["lotte"], world["admin"]
    invitation = services.invite_leader(
        actor=admin, person=lotte, kind="ambassador", reason=REASON, window=90, measure="leaders"
    )
    client.force_login(lotte)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/invitations/{invitation.pk}/", {"action": "decline"})
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert not Ambassador.objects.exists()
    assert GameSettings.objects.filter(ambassador_space__isnull=False).count() == 0
    # Bad input: no choice made.
    client.force_login(admin)
    second = services.invite_leader(
        actor=admin, person=lotte, kind="ambassador", reason=REASON, window=90, measure="leaders"
    )
    client.force_login(lotte)
    refused = client.post(f"/invitations/{second.pk}/", {"action": "maybe"}, follow=True, **EN)
    assert "accept or decline" in refused.content.decode()
    second.refresh_from_db()
    assert second.status == "pending"


def test_someone_elses_invitation_does_not_exist(client, world):
    lotte, bram, admin = world["lotte"], world["bram"], world["admin"]
    invitation = services.invite_leader(
        actor=admin, person=lotte, kind="ambassador", reason=REASON, window=90, measure="leaders"
    )
    client.force_login(bram)
    assert client.post(f"/invitations/{invitation.pk}/", {"action": "accept"}).status_code == 404
    assert client.post("/invitations/999999/", {"action": "accept"}).status_code == 404
    assert client.post(f"/invitations/{invitation.pk}/", {}).status_code == 404  # no answer
    assert client.post(f"/invitations/{invitation.pk}/", {"action": "x"}).status_code == 404
    assert "You explain" not in client.get("/invitations/").content.decode()
    assert client.get("/ambassadors/invitations/").status_code == 404
    withdraw = f"/ambassadors/invitations/{invitation.pk}/withdraw/"
    assert client.post(withdraw).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending" and not Ambassador.objects.exists()
    with pytest.raises(PermissionDenied):
        services.answer_invitation(actor=bram, invitation_id=invitation.pk, accept=True)


def test_inviting_twice_a_service_account_a_guest_or_a_closed_account_is_refused(client, world):
    from intranet.tokens.models import ServiceAccount

    lotte, bram, admin = world["lotte"], world["bram"], world["admin"]
    client.force_login(admin)
    assert invite(client, lotte).status_code == 302
    twice = invite(client, lotte)
    assert twice.status_code == 400
    assert "already has an invitation" in twice.content.decode()
    assert LeadershipInvitation.objects.count() == 1
    # A reason that talks figures, or none at all, is refused with the form kept.
    refused = invite(client, bram, reason="Your PageRank is the highest in Sales, so join us.")
    assert refused.status_code == 400 and "never mentions scores" in refused.content.decode()
    assert "Your PageRank" in refused.content.decode()  # the typed text is kept
    assert invite(client, bram, reason="ok").status_code == 400
    assert invite(client, bram, kind="chief").status_code == 400
    assert LeadershipInvitation.objects.count() == 1
    # An integration's account, a guest, a closed account: refused with the reason.
    ServiceAccount.objects.create(user=bram, owner=admin)
    page = invite(client, bram)
    assert page.status_code == 400 and "service account" in page.content.decode()
    ServiceAccount.objects.filter(user=bram).delete()
    bram.org_role = "guest"
    bram.save(update_fields=["org_role"])
    assert "guest" in invite(client, bram).content.decode()
    bram.org_role = "employee"
    bram.is_active = False
    bram.save(update_fields=["org_role", "is_active"])
    assert "no longer has an active account" in invite(client, bram).content.decode()
    assert LeadershipInvitation.objects.count() == 1
    # Already an ambassador: nothing to invite to.
    bram.is_active = True
    bram.save(update_fields=["is_active"])
    services.appoint_ambassador(actor=admin, user=bram)
    assert "already an ambassador" in invite(client, bram).content.decode()


def test_withdrawing(client, world, django_capture_on_commit_callbacks):
    lotte, admin = world["lotte"], world["admin"]
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_leader(
            actor=admin,
            person=lotte,
            kind="ambassador",
            reason=REASON,
            window=90,
            measure="leaders",
        )
    client.force_login(admin)
    sent = client.get("/ambassadors/invitations/", **EN)
    assert sent.status_code == 200 and "Lotte Leider" in sent.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ambassadors/invitations/{invitation.pk}/withdraw/")
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    states = Notification.objects.filter(recipient=lotte, kind="leadership")
    assert sorted(n.params["state"] for n in states) == ["invited", "withdrawn"]
    client.force_login(lotte)
    assert "withdrew an invitation" in client.get("/notifications/", **EN).content.decode()
    client.force_login(lotte)
    late = client.post(f"/invitations/{invitation.pk}/", {"action": "accept"}, follow=True, **EN)
    assert "already been answered or withdrawn" in late.content.decode()
    assert not Ambassador.objects.exists()
    with pytest.raises(ValidationError):
        services.withdraw_invitation(actor=admin, invitation_id=invitation.pk)


def test_a_mentoring_invitation_with_a_colleague(client, world, django_capture_on_commit_callbacks):
    from profiles import services as profiles
    from profiles.models import MentoringOffer, MentoringPair

    lotte, bram, admin = world["lotte"], world["bram"], world["admin"]
    newcomer = world["others"][0]
    client.force_login(admin)
    # The colleague must look for a mentor on that skill.
    data = {"kind": "mentoring", "counterpart": newcomer.email, "skill": "Excel"}
    refused = invite(client, lotte, **data)
    assert refused.status_code == 400 and "does not look for a mentor" in refused.content.decode()
    assert invite(client, lotte, kind="mentoring", counterpart=newcomer.email).status_code == 400
    assert invite(client, lotte, kind="ambassador", skill="Excel").status_code == 400
    profiles.offer_mentoring(person=newcomer, skill="Excel", role="mentee")
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(client, lotte, **data).status_code == 302
    invitation = LeadershipInvitation.objects.get()
    # Nothing before consent.
    assert not MentoringOffer.objects.filter(person=lotte).exists()
    client.force_login(lotte)
    body = client.get("/invitations/", **EN).content.decode()
    assert "invites you to mentor" in client.get("/notifications/", **EN).content.decode()
    assert newcomer.display_name in body and "Excel" in body
    for leaked in score_strings():
        assert leaked not in body, leaked
    # The colleague withdrew their wish meanwhile: refused, nothing partial.
    wish = MentoringOffer.objects.get(person=newcomer)
    wish.delete()
    late = client.post(f"/invitations/{invitation.pk}/", {"action": "accept"}, follow=True, **EN)
    assert "no longer looks for a mentor" in late.content.decode()
    assert not MentoringOffer.objects.filter(person=lotte).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    # They ask again: accepting lists her as a mentor and proposes the pair, which the
    # colleague in turn accepts or declines.
    profiles.offer_mentoring(person=newcomer, skill="Excel", role="mentee")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/invitations/{invitation.pk}/", {"action": "accept"})
    assert MentoringOffer.objects.filter(person=lotte, role="mentor", skill__slug="excel").exists()
    pair = MentoringPair.objects.get()
    assert (pair.mentor, pair.mentee, pair.status) == (lotte, newcomer, "proposed")
    assert Notification.objects.filter(recipient=newcomer, kind="mentoring").exists()
    # A mentoring invitation without a skill: she names one when she accepts.
    client.force_login(admin)
    assert invite(client, bram, kind="mentoring").status_code == 302
    second = LeadershipInvitation.objects.get(person=bram)
    client.force_login(bram)
    no_skill = client.post(f"/invitations/{second.pk}/", {"action": "accept"}, follow=True, **EN)
    assert "Name the skill" in no_skill.content.decode()
    client.post(f"/invitations/{second.pk}/", {"action": "accept", "skill": "Power BI"})
    assert MentoringOffer.objects.filter(
        person=bram, role="mentor", skill__slug="power-bi"
    ).exists()


def test_the_ambassadors_space_is_made_once(world):
    admin = world["admin"]
    first = services.ensure_ambassador_space(actor=admin)
    assert services.ensure_ambassador_space(actor=admin) == first
    services.appoint_ambassador(actor=admin, user=world["lotte"])
    services.appoint_ambassador(actor=admin, user=world["bram"])
    assert selectors.ambassador_space() == first
    assert set(Membership.objects.filter(space=first).values_list("user", flat=True)) == {
        admin.pk,
        world["lotte"].pk,
        world["bram"].pk,
    }
    # Deleted: made again on the next appointment, at a free address.
    first.delete()
    forget_caches()
    again = services.ensure_ambassador_space(actor=admin)
    assert again.pk != first.pk and again.slug == "ambassadors"
    with pytest.raises(PermissionDenied):
        services.ensure_ambassador_space(actor=world["others"][0])


@pytest.mark.parametrize("count", [2, 20])
def test_the_ambassador_marker_costs_no_query_per_person(client, world, count, query_budget):
    admin = world["admin"]
    people = [UserFactory(department=world["sales"], last_name=f"Amb{n:02d}") for n in range(count)]
    for person in people:
        services.appoint_ambassador(actor=admin, user=person)
    client.force_login(world["bram"])
    forget_caches()
    # The directory: every ambassador's card carries the marker; the same queries for 2 or 20.
    with query_budget(16):
        page = client.get("/people/?q=Amb", **EN).content.decode()
    assert page.count(">Ambassador</span>") == count
    # The person page: the marker beside the name, in the person's own query.
    forget_caches()
    client.get(f"/people/{people[0].pk}/", **EN)
    with query_budget(40) as queries:
        profile = client.get(f"/people/{people[0].pk}/", **EN).content.decode()
    assert ">Ambassador</a>" in profile
    assert not any(
        '"gamification_ambassador"."user_id" = ' in q["sql"] and "LIMIT 21" in q["sql"]
        for q in queries.captured_queries
    )
    plain = client.get(f"/people/{world['bram'].pk}/", **EN).content.decode()
    assert ">Ambassador</a>" not in plain


def test_the_directory_counts_are_the_same_for_2_and_20(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = world["admin"]
    counts = []
    for total in (2, 20):
        for n in range(total - Ambassador.objects.count()):
            services.appoint_ambassador(
                actor=admin, user=UserFactory(department=world["sales"], last_name=f"Amb{n}x")
            )
        client.force_login(world["bram"])
        forget_caches()
        client.get("/people/?q=Amb")  # warms what every page warms (sessions, settings)
        forget_caches()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/people/?q=Amb").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_log_and_the_hours(client, world, query_budget):
    lotte, bram, admin = world["lotte"], world["bram"], world["admin"]
    services.appoint_ambassador(actor=admin, user=lotte)
    today = timezone.localdate()
    # Not an ambassador: no log.
    client.force_login(bram)
    assert client.get("/ambassadors/log/").status_code == 404
    assert client.post("/ambassadors/log/", {"kind": "session"}).status_code == 404
    assert client.get("/ambassadors/hours/").status_code == 404
    # The ambassador logs a session and a team helped.
    client.force_login(lotte)
    assert client.get("/ambassadors/log/").status_code == 200
    logged = client.post(
        "/ambassadors/log/",
        {"kind": "session", "date": today.isoformat(), "hours": "1.5", "note": "Intro Plein"},
    )
    assert logged.status_code == 302
    it = DepartmentFactory(name="IT", slug="it")
    client.post(
        "/ambassadors/log/",
        {"kind": "team_helped", "date": today.isoformat(), "hours": "2", "department": it.pk},
    )
    # Bad input: the page again with the reason, nothing saved.
    for bad in (
        {"kind": "team_helped", "date": today.isoformat(), "hours": "1"},  # which team?
        {"kind": "session", "date": today.isoformat(), "hours": "0"},
        {"kind": "session", "date": today.isoformat(), "hours": "25"},
        {"kind": "session", "date": today.isoformat(), "hours": "NaN"},
        {"kind": "session", "date": (today + datetime.timedelta(days=3)).isoformat(), "hours": "1"},
        {"kind": "party", "date": today.isoformat(), "hours": "1"},
        {"kind": "session", "date": "gisteren", "hours": "1"},
    ):
        assert client.post("/ambassadors/log/", bad, **EN).status_code == 400, bad
    assert AmbassadorActivity.objects.count() == 2
    mine = client.get("/ambassadors/log/", **EN)
    assert mine.context["month_hours"] == Decimal("3.5")
    assert mine.context["sessions"] == 1 and mine.context["teams"] == 1
    # Administrators grant hours; community managers see the totals but do not set them.
    client.force_login(admin)
    client.post("/ambassadors/hours/", {"user": lotte.pk, "hours": "8"})
    assert Ambassador.objects.get(user=lotte).hours_granted == 8
    assert AuditEntry.objects.filter(action="ambassador.hours", actor=admin).exists()
    refused = client.post("/ambassadors/hours/", {"user": lotte.pk, "hours": "900"}, follow=True)
    assert refused.status_code == 200 and Ambassador.objects.get(user=lotte).hours_granted == 8
    client.post("/ambassadors/hours/", {"user": bram.pk, "hours": "4"})  # not an ambassador
    assert not Ambassador.objects.filter(user=bram).exists()
    assert client.post("/ambassadors/hours/", {"user": "x", "hours": "y"}).status_code == 302
    manager = UserFactory(org_role="community_manager")
    client.force_login(manager)
    with query_budget(15):
        totals = client.get("/ambassadors/hours/", **EN)
    (row,) = totals.context["rows"]
    assert (row["sessions"], row["teams"], row["month_hours"], row["granted"]) == (
        1,
        1,
        Decimal("3.5"),
        8,
    )
    assert "Lotte Leider" in totals.content.decode()
    assert client.post("/ambassadors/hours/", {"user": lotte.pk, "hours": "1"}).status_code == 404
    assert Ambassador.objects.get(user=lotte).hours_granted == 8


def test_the_hours_page_costs_the_same_for_more_ambassadors(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = world["admin"]
    client.force_login(admin)
    counts = []
    for total in (2, 12):
        while Ambassador.objects.count() < total:
            person = UserFactory(department=world["sales"])
            services.appoint_ambassador(actor=admin, user=person)
            services.log_ambassador_activity(
                actor=person, kind="session", date=timezone.localdate(), hours=Decimal("1")
            )
        client.get("/ambassadors/hours/")  # warms what every page warms (session, settings)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/ambassadors/hours/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_events_travel(world, captured_events):
    lotte, admin = world["lotte"], world["admin"]
    with captured_events() as seen:
        invitation = services.invite_leader(
            actor=admin, person=lotte, kind="ambassador", reason=REASON, window=90,
            measure="leaders",
        )  # fmt: skip
    assert [e["type"] for e in seen if e["type"].startswith("Leadership")] == ["LeadershipInvited"]
    assert seen[0]["person_id"] == lotte.pk and "reason" not in seen[0]
    with captured_events() as seen:
        services.answer_invitation(actor=lotte, invitation_id=invitation.pk, accept=False)
    (answered,) = [e for e in seen if e["type"] == "LeadershipAnswered"]
    assert answered["status"] == "declined" and answered["inviter_id"] == admin.pk


def test_the_demo_has_an_invited_ambassador_who_has_not_answered(client):
    from django.core.management import call_command

    from gamification.models import Ambassador, LeadershipInvitation

    call_command("seed_demo")
    invitation = LeadershipInvitation.objects.get(kind="ambassador")
    assert invitation.status == "pending" and invitation.invited_by.email == "beheer@plein.example"
    assert not Ambassador.objects.filter(user=invitation.person).exists()  # nothing before yes
    client.force_login(invitation.person)
    page = client.get("/invitations/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "declaraties" in page
