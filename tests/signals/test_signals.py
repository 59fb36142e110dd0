"""Signals from the floor for any content: raised by the author, a moderator or enough support;
an owner (the manager of the department it concerns), a deadline from the policy, a public
answer every supporter is told of; seen only by those who may read the content."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from forums import services as forums
from intranet.activity import services as activity
from intranet.activity.models import Activity, Notification
from intranet.governance.models import AuditEntry
from intranet.signals import services
from intranet.signals.models import Idea, Policy, Signal, Support
from processes import services as processes
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english_and_eager(django_capture_on_commit_callbacks):
    """Messages are asserted in English; tasks queued by handlers run at once; what runs after
    commit (handlers, notifications) runs when the test says `committed()`."""
    from intranet.celery import app

    app.conf.task_always_eager = True
    try:
        with translation.override("en"):
            yield
    finally:
        app.conf.task_always_eager = False


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def org():
    """Operations (managed by Mara) has an open space; Rik and Sanne work there; Finance has
    a private space Rik is not in."""
    ops = DepartmentFactory(name="Operations", slug="operations")
    mara = UserFactory(first_name="Mara", last_name="Manager", department=ops)
    ops.manager = mara
    ops.save(update_fields=["manager"])
    space = SpaceFactory(name="Operations", slug="operations", kind="department", department=ops)
    rik = MembershipFactory(space=space, user=UserFactory(first_name="Rik", department=ops)).user
    sanne = MembershipFactory(space=space, user=UserFactory(first_name="Sanne")).user
    moderator = MembershipFactory(space=space, role="moderator").user
    finance = SpaceFactory(
        name="Salarisadministratie",
        slug="salaris",
        visibility="private",
        closed_reason="salarissen",
    )
    insider = MembershipFactory(space=finance, role="owner").user
    return {
        "ops": ops,
        "mara": mara,
        "space": space,
        "rik": rik,
        "sanne": sanne,
        "moderator": moderator,
        "finance": finance,
        "insider": insider,
    }


def notes(user, state=None):
    found = Notification.objects.filter(recipient=user, kind="follow_up")
    return [n for n in found if state is None or n.params.get("state") == state]


def test_a_complaint_in_the_feed_gets_an_owner_a_deadline_and_an_answer_everyone_hears(
    client, org, committed
):
    rik, sanne, mara = org["rik"], org["sanne"], org["mara"]
    post = activity.create_post(
        author=rik, space=org["space"], body="De scanners in magazijn B vallen elke ochtend uit."
    )
    client.force_login(rik)
    with committed():
        raised = client.post("/follow-up/raise/", {"source": "post", "object_id": post.pk}, **EN)
    signal = Signal.objects.get(source="post", object_id=post.pk)
    assert raised.status_code == 302 and raised["Location"] == f"/follow-up/{signal.pk}/"
    # The manager of the department the space belongs to owns it, with the policy's deadline.
    assert signal.owner == mara and signal.how == "author" and signal.raised_by == rik
    days = (signal.due_at - signal.created_at) / timedelta(days=1)
    assert round(days) == Policy().response_days
    assert len(notes(mara, "raised")) == 1
    assert Activity.objects.filter(verb="signal.raised", target_id=signal.pk).exists()
    # A colleague says "me too"; the page counts two supporters (the raiser is one).
    client.force_login(sanne)
    client.post(f"/follow-up/{signal.pk}/support/", {"action": "support"})
    signal.refresh_from_db()
    assert signal.support_count == 2
    # Only the owner answers; a supporter cannot.
    refused = client.post(
        f"/follow-up/{signal.pk}/", {"status": "adopted", "response": "Ik beslis"}, **EN
    )
    assert refused.status_code == 404
    client.force_login(mara)
    with committed():
        answered = client.post(
            f"/follow-up/{signal.pk}/",
            {"status": "adopted", "response": "Nieuwe scanners staan besteld, maandag geplaatst."},
            **EN,
        )
    assert answered.status_code == 302
    signal.refresh_from_db()
    assert signal.status == "adopted" and signal.responded_at is not None
    # Everyone who supports it is told ("you said, we did"), and reads the answer.
    assert len(notes(rik, "answered-adopted")) == 1 and len(notes(sanne, "answered-adopted")) == 1
    assert notes(mara, "answered-adopted") == []
    client.force_login(rik)
    page = client.get(f"/follow-up/{signal.pk}/", **EN).content.decode()
    assert "Nieuwe scanners staan besteld" in page and "Adopted" in page
    assert Activity.objects.filter(verb="signal.answered", target_id=signal.pk).exists()


def test_questions_comments_ideas_and_pain_points_are_sources_too(client, org):
    rik, moderator, sanne = org["rik"], org["moderator"], org["sanne"]
    topic = forums.ask(
        author=sanne,
        space=org["space"],
        kind="question",
        title="Waarom duurt een inkooporder drie weken?",
    )
    # Not the author, not a moderator: as if the question could not be raised.
    assert (
        client.post("/follow-up/raise/", {"source": "topic", "object_id": topic.pk}).status_code
        == 302
    )  # the login page
    client.force_login(rik)
    assert (
        client.post("/follow-up/raise/", {"source": "topic", "object_id": topic.pk}).status_code
        == 404
    )
    # A moderator may.
    moderated = services.raise_signal(actor=moderator, source="topic", object_id=topic.pk)
    assert moderated.how == "moderator" and moderated.title == topic.title
    # A comment, by its author.
    post = activity.create_post(author=sanne, space=org["space"], body="Koffieautomaat stuk")
    comment = activity.add_comment(
        author=rik, target=post, body="Al drie weken, en niemand reageert"
    )
    from_comment = services.raise_signal(actor=rik, source="comment", object_id=comment.pk)
    assert from_comment.space == org["space"] and from_comment.owner == org["mara"]
    # A comment on a question is the forum's: gone from view when the space's forum is off.
    answer_comment = activity.add_comment(author=rik, target=topic, body="Nog steeds geen antwoord")
    on_question = services.raise_signal(actor=rik, source="comment", object_id=answer_comment.pk)
    assert (on_question.module, from_comment.module, moderated.module) == ("forums", "", "forums")
    from intranet.signals import access

    space = org["space"]
    space.modules = [m for m in space.modules if m != "forums"]
    space.save(update_fields=["modules"])
    seen = set(access.signals_readable_by(UserFactory()).values_list("pk", flat=True))
    assert from_comment.pk in seen and not {on_question.pk, moderated.pk} & seen
    # Raising twice: a clear message, nothing new.
    with pytest.raises(ValidationError) as twice, translation.override("en"):
        services.raise_signal(actor=rik, source="comment", object_id=comment.pk)
    assert "already been raised" in str(twice.value)
    assert Signal.objects.filter(source="comment").count() == 2
    client.force_login(rik)
    again = client.post("/follow-up/raise/", {"source": "comment", "object_id": comment.pk}, **EN)
    assert again["Location"] == f"/follow-up/{from_comment.pk}/"  # to the signal it is already


def test_enough_support_raises_an_idea_by_itself(client, org, committed):
    Policy.objects.create(response_days=10, support_threshold=3)
    client.force_login(org["rik"])
    posted = client.post(
        "/spaces/operations/ideas/",
        {
            "kind": "suggestion",
            "title": "Vaste looproute in het magazijn",
            "body": "Scheelt *veel*",
        },
        **EN,
    )
    idea = Idea.objects.get()
    assert posted.status_code == 302 and idea.body_html == "<p>Scheelt <em>veel</em></p>\n"
    # One's own idea: no "me too".
    own = client.post(f"/ideas/{idea.pk}/support/", {"action": "support"}, **EN)
    assert own.status_code == 302 and Idea.objects.get().support_count == 0
    supporters = [org["sanne"], org["moderator"]] + [
        MembershipFactory(space=org["space"]).user for _ in range(2)
    ]
    for person in supporters[:2]:
        services.support_idea(user=person, idea_id=idea.pk)
    assert not Signal.objects.exists()
    services.support_idea(user=supporters[2], idea_id=idea.pk)  # the third: threshold reached
    signal = Signal.objects.get(source="idea", object_id=idea.pk)
    assert signal.how == "support" and signal.raised_by is None and signal.owner == org["mara"]
    assert set(Support.objects.filter(signal=signal).values_list("user_id", flat=True)) == {
        p.pk for p in supporters[:3]
    }
    # A later supporter hears the answer too.
    services.support_idea(user=supporters[3], idea_id=idea.pk)
    with committed():
        services.answer(
            actor=org["mara"],
            signal_id=signal.pk,
            status="experiment",
            response="We proberen het een maand in hal 2.",
        )
    assert all(len(notes(p, "answered-experiment")) == 1 for p in supporters)
    page = client.get("/spaces/operations/ideas/", **EN).content.decode()
    assert "Vaste looproute in het magazijn" in page and "Experiment" in page


def test_a_pain_point_becomes_a_signal_for_the_department_owning_its_step(org):
    from tests.processes.conftest import flow as make_flow

    flow = make_flow.__wrapped__()
    Policy.objects.create(response_days=14, support_threshold=2)
    finance = flow["steps"][1].department
    boss = UserFactory(department=finance)
    finance.manager = boss
    finance.save(update_fields=["manager"])
    MembershipFactory(space=flow["home"], user=boss)
    pain = processes.flag_pain(
        actor=flow["seller"],
        board=flow["board"],
        step=flow["steps"][1],
        what="Facturen blijven dagen liggen",
        frequency="weekly",
        impact="high",
    )
    others = [MembershipFactory(space=flow["sales_space"]).user for _ in range(2)]
    processes.me_too(actor=others[0], pain_point_id=pain.pk)
    assert not Signal.objects.exists()
    processes.me_too(actor=others[1], pain_point_id=pain.pk)
    signal = Signal.objects.get(source="pain", object_id=pain.pk)
    assert signal.owner == boss and signal.department == finance
    # The board is shared with Sales: its readers see the signal through the board.
    from intranet.signals import access

    assert access.signals_readable_by(others[0]).filter(pk=signal.pk).exists()
    # A guest in neither space does not.
    assert (
        not access.signals_readable_by(UserFactory(org_role="guest")).filter(pk=signal.pk).exists()
    )


def test_a_signal_from_a_private_space_is_seen_only_by_its_readers(client, org, committed):
    insider = org["insider"]
    post = activity.create_post(
        author=insider, space=org["finance"], body="Declaraties worden te laat uitbetaald"
    )
    signal = services.raise_signal(actor=insider, source="post", object_id=post.pk)
    # The space belongs to no department and the author has none: nobody owns it yet.
    assert signal.owner is None
    rik = org["rik"]
    client.force_login(rik)
    assert client.get(f"/follow-up/{signal.pk}/").status_code == 404
    assert client.post(f"/follow-up/{signal.pk}/support/", {"action": "support"}).status_code == 404
    assert "Declaraties" not in client.get("/follow-up/?tab=all", **EN).content.decode()
    assert f"/follow-up/{signal.pk}/" not in client.get("/search/?q=Declaraties").content.decode()
    assert client.get(f"/api/v1/signals/follow-up/{signal.pk}/").status_code == 404
    listed = client.get("/api/v1/signals/follow-up/?tab=all").json()
    assert all(row["id"] != signal.pk for row in listed["results"])
    # Raising content one cannot read: as if it did not exist.
    other = activity.create_post(author=insider, space=org["finance"], body="Nog iets geheims")
    assert (
        client.post("/follow-up/raise/", {"source": "post", "object_id": other.pk}).status_code
        == 404
    )
    # An owner who cannot read it is refused with a reason; nothing changes.
    admin = AdminFactory()
    with pytest.raises(ValidationError) as blind, translation.override("en"):
        services.assign(actor=admin, signal_id=signal.pk, owner_email=rik.email)
    assert "cannot read what this signal is about" in str(blind.value)
    assert Signal.objects.get(pk=signal.pk).owner is None
    with committed():
        done = services.assign(
            actor=admin,
            signal_id=signal.pk,
            owner_email=insider.email,
            due_on=timezone.localdate() + timedelta(days=3),
        )
    assert done.owner == insider and AuditEntry.objects.filter(action="signal.assigned").exists()
    assert len(notes(insider, "assigned")) == 1
    client.force_login(insider)
    assert "Declaraties" in client.get("/follow-up/?tab=mine", **EN).content.decode()
    assert f"/follow-up/{signal.pk}/" in client.get("/search/?q=Declaraties").content.decode()


def test_bad_input_says_why_and_saves_nothing(client, org):
    rik, mara = org["rik"], org["mara"]
    post = activity.create_post(author=rik, space=org["space"], body="Parkeerplaats te klein")
    signal = services.raise_signal(actor=rik, source="post", object_id=post.pk)
    client.force_login(mara)
    url = f"/follow-up/{signal.pk}/"
    for data, message in [
        ({"status": "declined", "response": " "}, "This field is required."),
        ({"status": "new", "response": "x"}, "Select a valid choice."),
        ({"status": "adopted", "response": "x" * 3001}, "at most 3000 characters"),
        ({"status": "adopted\x00", "response": "ok"}, ""),  # NUL: refused before the view
    ]:
        answered = client.post(url, data, **EN)
        assert answered.status_code == 400 and message in answered.content.decode(), data
    with pytest.raises(ValidationError) as declined:
        services.answer(actor=mara, signal_id=signal.pk, status="declined", response="")
    assert "Say why it is declined" in str(declined.value)
    assigned = client.post(f"{url}assign/", {"due_on": "2001-01-01"}, **EN)
    assert assigned.status_code == 400 and "cannot be in the past" in assigned.content.decode()
    far = (timezone.localdate() + timedelta(days=400)).isoformat()
    assert "within a year" in client.post(f"{url}assign/", {"due_on": far}, **EN).content.decode()
    unknown = client.post(f"{url}assign/", {"owner_email": "niemand@plein.example"}, **EN)
    assert "No colleague has this email address." in unknown.content.decode()
    signal.refresh_from_db()
    assert (signal.status, signal.response, signal.owner) == ("new", "", mara)
    # Raise: unknown kinds and ids are a 404, like content one may not see.
    client.force_login(rik)
    for data in (
        {"source": "nope", "object_id": post.pk},
        {"source": "post", "object_id": "x"},
        {"source": "post", "object_id": 99999999},
        {},
    ):
        assert client.post("/follow-up/raise/", data).status_code == 404, data
    assert Signal.objects.count() == 1
    # Ideas: too short a title.
    bad = client.post("/spaces/operations/ideas/", {"kind": "idea", "title": "x"}, **EN)
    assert bad.status_code == 400 and "3 to 160 characters" in bad.content.decode()
    assert not Idea.objects.exists()


def test_overdue_owners_are_reminded_once_then_weekly(org, committed):
    post = activity.create_post(author=org["rik"], space=org["space"], body="Te warm in hal 3")
    signal = services.raise_signal(actor=org["rik"], source="post", object_id=post.pk)
    later = signal.due_at + timedelta(hours=1)
    with committed():
        assert services.remind_overdue(now=later) == 1
        assert services.remind_overdue(now=later + timedelta(days=1)) == 0
        assert services.remind_overdue(now=later + timedelta(days=8)) == 1
    assert len(notes(org["mara"], "overdue")) == 1  # one unread notice, not a pile
    services.answer(actor=org["mara"], signal_id=signal.pk, status="review", response="We kijken.")
    assert services.remind_overdue(now=later + timedelta(days=30)) == 0


def test_pages_and_api_are_for_those_allowed(client, org):
    guest = UserFactory(org_role="guest")
    client.force_login(guest)
    assert client.get("/follow-up/").status_code == 404
    client.force_login(org["rik"])
    assert client.get("/follow-up/settings/").status_code == 404
    assert client.get("/follow-up/?tab=weird&state=nope").status_code == 200
    assert client.get("/follow-up/?tab=weird&state=%00").status_code == 400  # NUL: refused
    assert client.get("/spaces/salaris/ideas/").status_code == 404
    admin = AdminFactory()
    client.force_login(admin)
    bad = client.post("/follow-up/settings/", {"response_days": "0", "support_threshold": "5"})
    assert bad.status_code == 400 and not Policy.objects.exists()
    assert (
        client.post(
            "/follow-up/settings/", {"response_days": "7", "support_threshold": "5"}
        ).status_code
        == 302
    )
    assert (Policy.objects.get().response_days, Policy.objects.get().support_threshold) == (7, 5)
    # The API: raise, answer, support.
    post = activity.create_post(author=org["rik"], space=org["space"], body="Printer kapot")
    client.force_login(org["rik"])
    made = client.post(
        "/api/v1/signals/follow-up/",
        {"source": "post", "object_id": post.pk},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["owner"] == org["mara"].display_name
    signal_id = made.json()["id"]
    wrong = client.post(
        "/api/v1/signals/follow-up/",
        {"source": "post", "object_id": "x"},
        content_type="application/json",
        **EN,
    )
    assert wrong.status_code == 400 and "object_id" in wrong.json()
    refused = client.patch(
        f"/api/v1/signals/follow-up/{signal_id}/",
        {"status": "adopted", "response": "zelf"},
        content_type="application/json",
    )
    assert refused.status_code == 404
    client.force_login(org["sanne"])
    supported = client.post(
        f"/api/v1/signals/follow-up/{signal_id}/support/",
        {"support": True},
        content_type="application/json",
    )
    assert supported.status_code == 200 and supported.json()["support_count"] == 2
    client.force_login(org["mara"])
    answered = client.patch(
        f"/api/v1/signals/follow-up/{signal_id}/",
        {"status": "declined", "response": "Geen budget dit jaar."},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "declined"


def test_the_follow_up_page_costs_the_same_with_10_or_2000_signals(client, org):
    mara = org["mara"]
    client.force_login(mara)

    def make(n):
        now = timezone.now()
        posts = [
            activity.create_post(author=org["rik"], space=org["space"], body=f"Punt {i}")
            for i in range(min(n, 3))
        ]
        Signal.objects.bulk_create(
            Signal(
                source="post",
                object_id=posts[i % len(posts)].pk + 10_000_000 * (i + 1),
                space=org["space"],
                title=f"Signaal {i}",
                how="author",
                owner=mara,
                due_at=now + datetime.timedelta(days=i % 30 - 10),
            )
            for i in range(n)
        )

    def cost():
        client.get("/follow-up/?tab=mine", **EN)  # warm
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/follow-up/?tab=mine", **EN)
        assert page.status_code == 200
        return len(captured), page.content.decode()

    make(10)
    small, _page = cost()
    make(1990)
    large, page = cost()
    assert small == large, (small, large)
    assert "Page 1 of 80" in page and page.count('class="overdue"') == 25


def test_the_demo_has_signals_with_answers_and_one_overdue(client):
    from django.core.management import call_command

    call_command("seed_demo")
    by_source = {s.source: s for s in Signal.objects.all()}
    assert by_source["idea"].status == "adopted" and by_source["idea"].how == "support"
    assert by_source["post"].status == "experiment" and by_source["post"].support_count >= 3
    assert by_source["topic"].is_overdue
    assert Idea.objects.count() == 3
    mary = by_source["post"].owner
    client.force_login(mary)
    page = client.get("/follow-up/?tab=mine", **EN).content.decode()
    assert "handscanners" in page


def test_the_digest_tells_supporters_of_answers_and_nobody_else(org, committed):
    """The digest section: answered signals one raised or supports, in the window, and only
    while one may read what they are about."""
    from intranet.signals import selectors

    rik, sanne, mara = org["rik"], org["sanne"], org["mara"]
    post = activity.create_post(author=rik, space=org["space"], body="De koffieautomaat lekt.")
    signal = services.raise_signal(actor=rik, source="post", object_id=post.pk)
    services.support(user=sanne, signal_id=signal.pk)
    since = timezone.now() - timedelta(minutes=1)
    until = timezone.now() + timedelta(minutes=5)
    assert selectors.digest_section(user=rik, since=since, until=until, limit=5) == []
    with committed():
        services.answer(
            actor=mara, signal_id=signal.pk, status="adopted", response="Monteur komt dinsdag."
        )
    for reader in (rik, sanne):
        items = selectors.digest_section(user=reader, since=since, until=until, limit=5)
        assert [(i.title, i.url) for i in items] == [(signal.title, f"/follow-up/{signal.pk}/")]
        assert "Adopted" in items[0].meta
    # Not a supporter, or the answer fell before the window: not in the digest.
    outsider = MembershipFactory(space=org["space"]).user
    assert selectors.digest_section(user=outsider, since=since, until=until, limit=5) == []
    assert selectors.digest_section(user=rik, since=until, until=until + timedelta(days=7),
                                    limit=5) == []  # fmt: skip
    # The space closes to Sanne: the answer no longer reaches her digest.
    org["space"].visibility, org["space"].closed_reason = "private", "x"
    org["space"].save(update_fields=["visibility", "closed_reason"])
    from intranet.governance.models import Membership

    Membership.objects.filter(space=org["space"], user=sanne).delete()
    sanne = type(sanne).objects.get(pk=sanne.pk)  # the cached readable filter goes with it
    assert selectors.digest_section(user=sanne, since=since, until=until, limit=5) == []
