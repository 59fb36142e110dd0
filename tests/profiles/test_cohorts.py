"""Reverse mentoring as a programme (issue 22, part 6): cohorts organised by HR or a leader,
pairs made in bulk (all or nothing), sessions logged by the pair, an evaluation once the cohort
ends, and outcomes the organiser sees in aggregate only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intranet.activity.models import Notification
from profiles import rules, selectors, services
from profiles.models import (
    CohortEvaluation,
    Evidence,
    MentoringCohort,
    MentoringPair,
    MentoringSession,
)
from tests.factories import AdminFactory, DepartmentFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def years_ago(n: float):
    return timezone.now() - timedelta(days=round(365 * n))


class World:
    """A small organisation: the board (Bea) over IT (led by Lars) and Sales (led by Sofie);
    Sam leads nobody but has Jade reporting to him; Jade and Joris are IT's juniors; Kim is a
    plain IT colleague; Selma works in Sales; plus HR, an administrator, a guest, a
    deactivated account and a service account."""

    def __init__(self):
        self.admin = AdminFactory(first_name="Ada", last_name="Beheer")
        self.hr = UserFactory(
            first_name="Hanna", last_name="Personeel", org_role="community_manager"
        )
        self.boss = UserFactory(first_name="Bea", last_name="Baas", date_joined=years_ago(20))
        self.lead = UserFactory(first_name="Lars", last_name="Leider", date_joined=years_ago(12))
        self.sales_lead = UserFactory(first_name="Sofie", last_name="Verkoop")
        self.top = DepartmentFactory(name="Directie", slug="directie", manager=self.boss)
        self.it = DepartmentFactory(name="IT", slug="it", parent=self.top, manager=self.lead)
        self.sales = DepartmentFactory(
            name="Sales", slug="sales", parent=self.top, manager=self.sales_lead
        )
        self.sam = UserFactory(first_name="Sam", last_name="Senior", department=self.it)
        self.jade = UserFactory(
            first_name="Jade", last_name="Jong", department=self.it, date_joined=years_ago(0.2)
        )
        self.joris = UserFactory(
            first_name="Joris", last_name="Nieuw", department=self.it, date_joined=years_ago(0.5)
        )
        self.kim = UserFactory(first_name="Kim", last_name="Collega", department=self.it)
        self.selma = UserFactory(first_name="Selma", last_name="Sales", department=self.sales)
        self.guest = UserFactory(
            first_name="Gijs", last_name="Gast", org_role="guest", department=self.it
        )
        self.gone = UserFactory(
            first_name="Dirk", last_name="Weg", is_active=False, department=self.it
        )
        from intranet.tokens import services as tokens

        self.robot = tokens.create_service_account(actor=self.admin, name="HR-koppeling").user
        self.robot.department = self.it
        self.robot.save(update_fields=["department"])
        for person in (self.lead, self.sam, self.jade, self.joris, self.kim):
            person.department = self.it
            person.save(update_fields=["department"])
        self.jade.manager = self.sam
        self.jade.save(update_fields=["manager"])


@pytest.fixture
def world():
    return World()


def cohort_of(organiser, *, department=None, name="Digitaal samen", **extra):
    today = timezone.localdate()
    return services.create_cohort(
        actor=organiser,
        name=name,
        goals="Leidinggevenden leren Teams en AI van nieuwe collega's.",
        starts_on=extra.pop("starts_on", today - timedelta(days=10)),
        ends_on=extra.pop("ends_on", today + timedelta(days=80)),
        department_id=department.pk if department else None,
        **extra,
    )


def pair_up(cohort, actor, *rows):
    """rows: (senior, junior, topic)."""
    return services.add_cohort_pairs(
        actor=actor,
        cohort_id=cohort.pk,
        rows=[{"senior": s.email, "junior": j.email, "topic": t} for s, j, t in rows],
    )


def accept(pair):
    for person in (pair.mentor, pair.mentee):
        services.decide_mentoring(actor=person, pair_id=pair.pk, accept=True)
    pair.refresh_from_db()
    return pair


def page(client, who, url, **extra):
    client.force_login(who)
    return client.get(url, **EN, **extra)


# --- Who may organise ----------------------------------------------------------------------------


def test_one_function_decides_who_organises_and_for_whom(world):
    everyone = rules.organising_scope(world.admin)
    assert everyone.everyone and rules.organising_scope(world.hr).everyone
    assert rules.organising_scope(world.boss).departments == {
        world.top.pk,
        world.it.pk,
        world.sales.pk,
    }
    lead = rules.organising_scope(world.lead)
    assert lead.departments == {world.it.pk} and lead.allows(world.it.pk)
    assert not lead.allows(world.sales.pk) and not lead.allows(None)
    for nobody in (world.kim, world.guest, world.gone, world.robot):
        assert not rules.organising_scope(nobody)


def test_new_cohort_page_allowed_denied_and_bad_input(client, world):
    url = reverse("profiles:cohort_new")
    for nobody in (world.kim, world.guest, world.robot):
        assert page(client, nobody, url).status_code == 404
    assert page(client, world.admin, url).status_code == 200
    form = page(client, world.lead, url).content.decode()
    assert "IT" in form and "Sales" not in form and "The whole organisation" not in form
    today = timezone.localdate()
    good = {
        "name": "Digitaal samen",
        "goals": "Teams en AI",
        "themes": "Teams, AI",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
        "department": world.it.pk,
    }
    bad = [
        ({"department": world.sales.pk}, "Choose a department from the list."),
        (
            {"department": ""},
            "Choose your department: a leader&#x27;s cohort is for their own unit.",
        ),
        (
            {"ends_on": (today - timedelta(days=1)).isoformat()},
            "The cohort cannot end before it starts.",
        ),
        (
            {
                "starts_on": (today - timedelta(days=30)).isoformat(),
                "ends_on": (today - timedelta(days=2)).isoformat(),
            },
            "That period is already over",
        ),
        ({"name": "", "goals": ""}, "Say what the cohort is for: its goals."),
        ({"starts_on": "morgen"}, "Give the date as a date (yyyy-mm-dd)."),
        ({"themes": "x" * 61}, "A skill is at most 60 characters."),
    ]
    for change, message in bad:
        response = client.post(url, {**good, **change}, **EN)
        assert response.status_code == 400, change
        assert message in response.content.decode(), change
    assert not MentoringCohort.objects.exists()
    response = client.post(url, good, **EN)
    cohort = MentoringCohort.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "profiles:cohort_pairs", args=[cohort.pk]
    )
    assert (cohort.organiser, cohort.department, cohort.themes, cohort.status) == (
        world.lead,
        world.it,
        ["teams", "ai"],
        "running",
    )
    # HR may organise for the whole organisation.
    client.force_login(world.hr)
    assert client.post(url, {**good, "department": ""}).status_code == 302
    assert MentoringCohort.objects.filter(organiser=world.hr, department=None).exists()


def test_the_period_is_refused_when_it_ends_before_it_starts_also_in_the_database(world):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        cohort_of(world.admin, starts_on=today + timedelta(days=5), ends_on=today + timedelta(1))
    assert "ends_on" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        MentoringCohort.objects.create(
            name="x", goals="y", starts_on=today, ends_on=today - timedelta(days=1)
        )


# --- Seeing a cohort -----------------------------------------------------------------------------


def test_cohort_page_is_for_the_organiser_administrators_and_the_people_paired(client, world):
    cohort = cohort_of(world.lead, department=world.it)
    (pair,) = pair_up(cohort, world.lead, (world.sam, world.jade, "Teams"))
    url = cohort.get_absolute_url()
    for allowed in (world.lead, world.admin, world.sam, world.jade):
        assert page(client, allowed, url).status_code == 200
    for denied in (world.kim, world.hr, world.guest, world.boss, world.robot):
        assert page(client, denied, url).status_code == 404
    assert (
        page(client, world.lead, reverse("profiles:cohort", args=[cohort.pk + 99])).status_code
        == 404
    )
    # The list: one's own and those one is in.
    listing = page(client, world.sam, reverse("profiles:cohorts")).content.decode()
    assert "Digitaal samen" in listing and "New cohort" not in listing
    listing = page(client, world.kim, reverse("profiles:cohorts")).content.decode()
    assert "Digitaal samen" not in listing
    assert page(client, world.guest, reverse("profiles:cohorts")).status_code == 404
    listing = page(client, world.lead, reverse("profiles:cohorts")).content.decode()
    assert "Cohorts you organise" in listing and "New cohort" in listing
    # Declining takes one out of it.
    services.decide_mentoring(actor=world.jade, pair_id=pair.pk, accept=False)
    assert page(client, world.jade, url).status_code == 404
    # Linked from the mentoring page.
    assert (
        reverse("profiles:cohorts")
        in page(client, world.kim, reverse("profiles:mentoring")).content.decode()
    )


# --- Pairing ------------------------------------------------------------------------------------


def pairs_post(client, cohort, rows: list[tuple[str, str, str]], picks=()):
    data = {}
    for n, (senior, junior, topic) in enumerate(rows):
        data |= {f"new-{n}-senior": senior, f"new-{n}-junior": junior, f"new-{n}-topic": topic}
    for n, (senior, junior, topic) in enumerate(picks):
        data |= {
            f"pick-{n}-add": "on",
            f"pick-{n}-senior": senior,
            f"pick-{n}-junior": junior,
            f"pick-{n}-topic": topic,
        }
    return client.post(reverse("profiles:cohort_pairs", args=[cohort.pk]), data, **EN)


def test_bulk_pairing_is_all_or_nothing_and_refuses_overlaps_and_non_colleagues(
    client, world, captured_events
):
    cohort = cohort_of(world.lead, department=world.it)
    url = reverse("profiles:cohort_pairs", args=[cohort.pk])
    for denied in (world.kim, world.hr, world.jade, world.guest):
        assert page(client, denied, url).status_code == 404
        assert (
            pairs_post(client, cohort, [(world.sam.email, world.jade.email, "AI")]).status_code
            == 404
        )
    assert page(client, world.lead, url).status_code == 200
    sam, jade, joris, kim = (p.email for p in (world.sam, world.jade, world.joris, world.kim))
    refused = [
        (
            [(sam, jade, "Teams"), (sam, joris, "AI")],
            "Sam Senior is already a senior in this cohort.",
        ),
        (
            [(sam, jade, "Teams"), (kim, jade, "AI")],
            "Jade Jong is already a junior in this cohort.",
        ),
        ([(sam, jade, "Teams"), (jade, sam, "AI")], "Jade Jong and Sam Senior are already a pair"),
        ([(sam, sam, "Teams")], "Sam Senior cannot be paired with themselves."),
        ([(sam, jade, "")], "Name the topic Jade Jong teaches Sam Senior."),
        ([(sam, jade, "x" * 61)], "A topic is at most 60 characters."),
        ([(sam, "niemand@plein.example", "AI")], "Nobody here is “niemand@plein.example”."),
        (
            [(sam, world.gone.email, "AI")],
            f"“{world.gone.email}” cannot take part: the account is not active.",
        ),
        ([(sam, world.guest.email, "AI")], "Gijs Gast is a guest: cohorts are for colleagues."),
        ([(sam, world.robot.email, "AI")], "HR-koppeling is a service account, not a person."),
        ([(sam, world.selma.email, "AI")], "Selma Sales is not in this cohort&#x27;s department"),
        ([(sam, "", "AI")], "Each pair needs a senior and a junior."),
    ]
    client.force_login(world.lead)
    response = pairs_post(client, cohort, [])
    assert response.status_code == 400 and "Choose at least one pair." in response.content.decode()
    for rows, message in refused:
        # A good pair first: refused with the rest, nothing saved.
        response = pairs_post(client, cohort, [(joris, kim, "Excel"), *rows])
        assert response.status_code == 400, rows
        body = response.content.decode()
        assert message in body and "Nothing was saved" in body, (rows, message)
        assert not MentoringPair.objects.exists(), rows
        assert "Excel" in body  # what was typed stays
    # Typed pairs and a ticked suggestion (by id), in one go.
    with captured_events() as seen:
        response = pairs_post(
            client,
            cohort,
            [(sam, jade, "Teams")],
            picks=[(str(world.kim.pk), str(world.joris.pk), "AI")],
        )
    assert response.status_code == 302
    pairs = {(p.mentee, p.mentor, p.skill.name) for p in cohort.pairs.all()}
    assert pairs == {(world.sam, world.jade, "Teams"), (world.kim, world.joris, "AI")}
    assert all(p.reverse and p.status == "proposed" for p in cohort.pairs.all())
    # Both people of each pair are asked, and the events travel.
    proposed = [e for e in seen if e["type"] == "MentoringProposed"]
    assert sorted(e["recipient_id"] for e in proposed) == sorted(
        p.pk for p in (world.sam, world.jade, world.kim, world.joris)
    )
    note = Notification.objects.get(recipient=world.jade)
    assert note.params == {"skill": "Teams", "state": "proposed", "cohort": "Digitaal samen"}
    # Now the cohort holds them: the same people again are refused, whichever way round.
    for rows, message in [
        ([(sam, joris, "Excel")], "Sam Senior is already a senior in this cohort."),
        ([(jade, sam, "Excel")], "Jade Jong and Sam Senior are already a pair"),
    ]:
        response = pairs_post(client, cohort, rows)
        assert response.status_code == 400 and message in response.content.decode()
    assert cohort.pairs.count() == 2


def test_an_open_mentorship_of_the_same_two_on_the_same_topic_is_refused(client, world):
    outside = MentoringPair.objects.create(
        mentor=world.jade, mentee=world.sam, skill=services.skills_named(["Teams"])[0],
        proposed_by=world.jade,
    )  # fmt: skip
    cohort = cohort_of(world.admin)
    client.force_login(world.admin)
    response = pairs_post(client, cohort, [(world.sam.email, world.jade.email, "teams")])
    assert response.status_code == 400
    assert "Jade Jong and Sam Senior already have an open mentorship on teams." in (
        response.content.decode()
    )
    assert list(MentoringPair.objects.all()) == [outside]


def test_an_ended_cohort_takes_no_pairs(client, world):
    cohort = cohort_of(world.admin)
    services.end_cohort(actor=world.admin, cohort_id=cohort.pk)
    client.force_login(world.admin)
    response = pairs_post(client, cohort, [(world.sam.email, world.jade.email, "AI")])
    assert response.status_code == 400 and "it takes no new pairs" in response.content.decode()


# --- Suggestions --------------------------------------------------------------------------------


def evidence(person, **topics):
    for topic, count in topics.items():
        Evidence.objects.create(person=person, topic=topic, source="skill", count=count)


def test_suggestions_pair_leaders_with_juniors_who_know_what_they_lack(world):
    """The hand-made case (see selectors.suggest_cohort_pairs):

    seniors in order: Bea (heads the top), Lars (heads IT, below it), Sofie (heads Sales,
    below it, joined later than Lars), Sam (has a report, heads nothing).
    juniors, newest first: Jade (0.2 y), Joris (0.5 y), Kim and Selma (a year, by id).

    Bea knows strategy and excel: Jade (ai 3 + excel 1, excel not counted: 3) beats Joris
    (teams 2 + strategy 5, strategy not counted: 2). Lars knows teams: Joris (strategy 5)
    beats Kim (ai 1). Sofie knows nothing: Kim (ai 1) over Selma (nothing). Sam: only Selma
    is left, who knows nothing to teach: no suggestion."""
    evidence(world.boss, strategie=4, excel=2)
    evidence(world.lead, teams=1)
    evidence(world.jade, ai=3, excel=1)
    evidence(world.joris, teams=2, strategie=5)
    evidence(world.kim, ai=1)
    # Never suggested, however much they know: a guest, a deactivated account, a service
    # account.
    for nobody in (world.guest, world.gone, world.robot):
        evidence(nobody, ai=50, teams=50)
    cohort = cohort_of(world.admin)
    found = selectors.suggest_cohort_pairs(viewer=world.admin, cohort=cohort)
    assert [(s.senior, s.junior, s.topic, s.score) for s in found] == [
        (world.boss, world.jade, "ai", 3),
        (world.lead, world.joris, "strategie", 5),
        (world.sales_lead, world.kim, "ai", 1),
    ]
    # Deterministic.
    again = selectors.suggest_cohort_pairs(viewer=world.admin, cohort=cohort)
    assert [(s.senior.pk, s.junior.pk, s.topic) for s in again] == [
        (s.senior.pk, s.junior.pk, s.topic) for s in found
    ]
    # With themes, only they count: Bea takes Jade (ai 3), Lars takes Kim (ai 1); nobody
    # left who teaches AI for Sofie or Sam.
    themed = cohort_of(world.admin, name="AI", themes=["AI"])
    found = selectors.suggest_cohort_pairs(viewer=world.admin, cohort=themed)
    assert [(s.senior, s.junior, s.topic) for s in found] == [
        (world.boss, world.jade, "ai"),
        (world.lead, world.kim, "ai"),
    ]
    # A leader's cohort: only their unit (Lars leads IT: Sam is IT's senior, he knows nothing,
    # and Jade teaches him the most); people already in the cohort are not suggested again.
    it = cohort_of(world.lead, department=world.it, name="IT")
    found = selectors.suggest_cohort_pairs(viewer=world.lead, cohort=it)
    assert [(s.senior, s.junior, s.topic) for s in found] == [
        (world.lead, world.joris, "strategie"),
        (world.sam, world.jade, "ai"),
    ]
    pair_up(it, world.lead, (world.sam, world.jade, "AI"))
    found = selectors.suggest_cohort_pairs(viewer=world.lead, cohort=it)
    assert [(s.senior, s.junior) for s in found] == [(world.lead, world.joris)]


def test_suggestions_use_only_evidence_the_organiser_may_read(world):
    """Evidence from a secret space is no reason the organiser may see."""
    secret = SpaceFactory(name="Geheim", visibility="secret")
    Evidence.objects.create(person=world.joris, topic="ai", source="answers", space=secret, count=9)
    evidence(world.jade, excel=1)
    cohort = cohort_of(world.hr, department=world.it)
    found = selectors.suggest_cohort_pairs(viewer=world.hr, cohort=cohort)
    assert [(s.junior, s.topic) for s in found] == [(world.jade, "excel")]


def test_the_pairing_page_offers_the_suggestions_to_tick(client, world):
    evidence(world.jade, ai=3)
    cohort = cohort_of(world.lead, department=world.it)
    body = page(client, world.lead, reverse("profiles:cohort_pairs", args=[cohort.pk]))
    body = body.content.decode()
    assert 'name="pick-0-add"' in body and f'name="pick-0-junior" value="{world.jade.pk}"' in body
    assert 'name="new-0-senior"' in body


# --- Accepting ----------------------------------------------------------------------------------


def test_both_people_accept_a_cohort_pair_before_it_starts(client, world):
    cohort = cohort_of(world.admin)
    (pair,) = pair_up(cohort, world.admin, (world.sam, world.jade, "Teams"))
    client.force_login(world.sam)
    body = client.get(reverse("profiles:mentoring"), **EN).content.decode()
    assert "You are asked to learn about Teams from Jade Jong" in body
    client.post(reverse("profiles:mentoring"), {"action": "accept", "pair": pair.pk})
    pair.refresh_from_db()
    assert (pair.status, pair.mentee_accepted, pair.mentor_accepted) == ("proposed", True, False)
    body = client.get(reverse("profiles:mentoring"), **EN).content.decode()
    assert "Waiting for an answer on Teams" in body
    response = client.post(reverse("profiles:mentoring"), {"action": "accept", "pair": pair.pk})
    assert response.status_code == 400  # said yes already
    client.force_login(world.jade)
    client.post(reverse("profiles:mentoring"), {"action": "accept", "pair": pair.pk})
    pair.refresh_from_db()
    assert pair.status == "active" and pair.decided_at is not None
    # The organiser is not part of the pair: nothing to answer.
    client.force_login(world.admin)
    response = client.post(reverse("profiles:mentoring"), {"action": "decline", "pair": pair.pk})
    assert response.status_code == 404


# --- Sessions -----------------------------------------------------------------------------------


def session_post(client, cohort, pair, **data):
    values = {"pair": pair.pk, "held_on": timezone.localdate().isoformat(), "notes": "Teams"}
    return client.post(
        reverse("profiles:cohort_session", args=[cohort.pk]), {**values, **data}, **EN
    )


def test_only_the_two_people_of_a_pair_log_its_sessions(client, world):
    cohort = cohort_of(world.lead, department=world.it)
    ours, theirs = pair_up(
        cohort, world.lead, (world.sam, world.jade, "Teams"), (world.kim, world.joris, "AI")
    )
    # Not yet accepted: refused.
    client.force_login(world.jade)
    response = session_post(client, cohort, ours)
    assert response.status_code == 404  # not a participant yet (no accepted pair)
    accept(ours)
    accept(theirs)
    for person in (world.sam, world.jade):
        client.force_login(person)
        assert (
            session_post(client, cohort, ours, notes=f"Sessie van {person.first_name}").status_code
            == 302
        )
    assert MentoringSession.objects.filter(pair=ours).count() == 2
    # Someone of another pair, the organiser, a colleague: the pair does not exist for them.
    for outsider in (world.joris, world.lead, world.kim, world.admin):
        client.force_login(outsider)
        assert session_post(client, cohort, ours).status_code == 404
    assert MentoringSession.objects.filter(pair=ours).count() == 2
    # Bad input: kept, refused, nothing saved.
    client.force_login(world.jade)
    today = timezone.localdate()
    for data, message in [
        ({"held_on": (today + timedelta(days=1)).isoformat()}, "Log a session once it has"),
        ({"held_on": (today - timedelta(days=60)).isoformat()}, "The cohort started on"),
        ({"held_on": ""}, "Give the day of the session."),
        ({"held_on": "gisteren"}, "Give the date as a date (yyyy-mm-dd)."),
        ({"notes": "  "}, "Write a few words on what you did or learned."),
        ({"notes": "x" * 2001}, "At most 2000 characters."),
    ]:
        response = session_post(client, cohort, ours, **data)
        assert response.status_code == 400 and message in response.content.decode(), data
    assert MentoringSession.objects.filter(pair=ours).count() == 2
    # The planned cohort that reached its first day runs.
    services.end_cohort(actor=world.lead, cohort_id=cohort.pk)
    response = session_post(client, cohort, ours)
    assert response.status_code == 400 and "This cohort has ended" in response.content.decode()


# --- Ending and evaluating ----------------------------------------------------------------------


def evaluate(client, cohort, **data):
    values = {"rating": "4", "what_learned": "Veel", "would_recommend": "on"}
    return client.post(
        reverse("profiles:cohort_evaluation", args=[cohort.pk]), {**values, **data}, **EN
    )


def test_the_evaluation_opens_when_the_organiser_ends_the_cohort_and_is_given_once(
    client, world, captured_events
):
    cohort = cohort_of(world.lead, department=world.it)
    ours, _waiting = pair_up(
        cohort, world.lead, (world.sam, world.jade, "Teams"), (world.kim, world.joris, "AI")
    )
    accept(ours)
    url = reverse("profiles:cohort_evaluation", args=[cohort.pk])
    client.force_login(world.jade)
    assert "opens when the organiser ends" in client.get(url, **EN).content.decode()
    response = evaluate(client, cohort)
    assert (
        response.status_code == 400 and "opens when the organiser ends" in response.content.decode()
    )
    # Only the organiser (or an administrator) ends it.
    end = reverse("profiles:cohort_end", args=[cohort.pk])
    for denied in (world.jade, world.kim, world.hr):
        client.force_login(denied)
        assert client.post(end).status_code == 404
    client.force_login(world.lead)
    with captured_events() as seen:
        assert client.post(end).status_code == 302
    cohort.refresh_from_db()
    assert cohort.status == "ended" and cohort.ended_at is not None
    assert {p.status for p in cohort.pairs.all()} == {"ended"}
    (ended,) = [e for e in seen if e["type"] == "CohortEnded"]
    assert sorted(ended["participant_ids"]) == sorted([world.sam.pk, world.jade.pk])
    assert (
        Notification.objects.get(recipient=world.jade, group_key__startswith="cohort:").url == url
    )
    assert not Notification.objects.filter(recipient=world.kim, group_key__startswith="cohort:")
    client.post(end, **EN)  # twice: refused with a message, nothing changes
    # The waiting pair never started: they may not evaluate; outsiders neither.
    for denied in (world.kim, world.joris, world.lead, world.selma):
        client.force_login(denied)
        assert client.get(url).status_code == 404
        assert evaluate(client, cohort).status_code == 404
    client.force_login(world.jade)
    for data, message in [
        ({"rating": "7"}, "Give a rating from 1 to 5."),
        ({"rating": ""}, "Give a rating from 1 to 5."),
        ({"what_learned": ""}, "Write what you learned"),
    ]:
        response = evaluate(client, cohort, **data)
        assert response.status_code == 400 and message in response.content.decode()
    assert not CohortEvaluation.objects.exists()
    assert evaluate(client, cohort).status_code == 302
    response = evaluate(client, cohort, rating="1")
    assert response.status_code == 400
    assert "You evaluated this cohort already" in response.content.decode()
    assert [e.rating for e in CohortEvaluation.objects.all()] == [4]
    # After the evaluation window it is closed.
    MentoringCohort.objects.filter(pk=cohort.pk).update(
        ended_at=timezone.now() - timedelta(days=31)
    )
    client.force_login(world.sam)
    response = evaluate(client, cohort)
    assert response.status_code == 400 and "The evaluation closed on" in response.content.decode()


def test_the_organiser_sees_outcomes_in_aggregate_and_never_a_pairs_notes(client, world):
    cohort = cohort_of(world.admin, name="Uitkomsten")
    people = [world.sam, world.jade, world.kim, world.joris, world.lead, world.selma]
    pairs = pair_up(
        cohort,
        world.admin,
        (world.sam, world.jade, "Teams"),
        (world.kim, world.joris, "AI"),
        (world.lead, world.selma, "Excel"),
    )
    for pair in pairs[:2]:
        accept(pair)
    services.log_session(
        actor=world.jade, cohort_id=cohort.pk, pair_id=pairs[0].pk,
        held_on=timezone.localdate(), notes="GEHEIM-notitie van Jade",
    )  # fmt: skip
    services.log_session(
        actor=world.sam, cohort_id=cohort.pk, pair_id=pairs[0].pk,
        held_on=timezone.localdate(), notes="Tweede sessie",
    )  # fmt: skip
    services.end_cohort(actor=world.admin, cohort_id=cohort.pk)
    url = cohort.get_absolute_url()
    answers = [
        (world.sam, 5, True, True, "Ik leerde Teams"),
        (world.jade, 4, True, False, "NIET-GEDEELD leerpunt"),
    ]
    for person, rating, recommend, share, text in answers:
        services.submit_evaluation(
            actor=person, cohort_id=cohort.pk, rating=rating, what_learned=text,
            would_recommend=recommend, share_learning=share,
        )  # fmt: skip
    # Two evaluations: too few to show ratings; a shared learning shows, without a name.
    body = page(client, world.admin, url).content.decode()
    assert "Ik leerde Teams" in body and "NIET-GEDEELD" not in body and "GEHEIM" not in body
    assert "Ratings are shown from 3 evaluations on" in body and "out of 5" not in body
    for person, rating, recommend in ((world.kim, 3, False), (world.joris, 4, True)):
        services.submit_evaluation(
            actor=person, cohort_id=cohort.pk, rating=rating, what_learned="Iets",
            would_recommend=recommend,
        )  # fmt: skip
    outcomes = selectors.cohort_page(user=world.admin, access=_access(world.admin, cohort))[
        "outcomes"
    ]
    assert {k: outcomes[k] for k in ("pairs", "accepted", "sessions", "pairs_met")} == {
        "pairs": 3,
        "accepted": 2,
        "sessions": 2,
        "pairs_met": 1,
    }
    assert (outcomes["evaluations"], outcomes["average_rating"], outcomes["recommend_percent"]) == (
        4,
        4.0,
        75,
    )
    assert outcomes["learnings"] == ["Ik leerde Teams"]
    body = page(client, world.admin, url).content.decode()
    assert "4.0 out of 5" in body and "75%" in body
    assert "NIET-GEDEELD" not in body and "GEHEIM" not in body and "Tweede sessie" not in body
    # A participant sees their own pair's sessions, nobody's outcomes.
    body = page(client, world.sam, url).content.decode()
    assert "GEHEIM-notitie van Jade" in body and "Tweede sessie" in body
    assert "Outcomes" not in body and "Ik leerde Teams" not in body
    body = page(client, world.kim, url).content.decode()
    assert "GEHEIM" not in body and "Tweede sessie" not in body
    assert len(people) == 6


def _access(user, cohort):
    from profiles import access

    return access.access_cohort(user, cohort.pk)


# --- Cost ---------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["organiser", "participant"])
def test_the_cohort_page_costs_the_same_with_2_and_20_pairs(client, who):
    admin = AdminFactory()
    counts = []
    for size in (2, 20):
        cohort = cohort_of(admin, name=f"Groot {size}")
        people = [UserFactory() for _ in range(2 * size)]
        pairs = pair_up(
            cohort, admin, *[(people[n], people[n + size], f"Onderwerp {n}") for n in range(size)]
        )
        for pair in pairs:
            accept(pair)
            services.log_session(
                actor=pair.mentor, cohort_id=cohort.pk, pair_id=pair.pk,
                held_on=timezone.localdate(), notes="Samen gekeken",
            )  # fmt: skip
        services.end_cohort(actor=admin, cohort_id=cohort.pk)
        for pair in pairs[:4]:
            services.submit_evaluation(
                actor=pair.mentor, cohort_id=cohort.pk, rating=4, what_learned="Veel",
                share_learning=True,
            )  # fmt: skip
        client.force_login(admin if who == "organiser" else pairs[0].mentee)
        url = cohort.get_absolute_url()
        client.get(url)  # the session and the language settle
        counts.append(_queries(client, url))
    assert counts[0] == counts[1], (
        f"The cohort page costs {counts[0]} queries with 2 pairs and {counts[1]} with 20: "
        "it must not grow with the pairs. Explain the change if you raise it."
    )


def test_the_pairing_page_costs_the_same_with_few_and_many_candidates(client):
    admin = AdminFactory()
    counts = []
    for size in (2, 20):
        department = DepartmentFactory(manager=UserFactory())
        for n in range(size):
            evidence(UserFactory(department=department), **{f"onderwerp-{n}": 2})
        cohort = cohort_of(admin, department=department, name=f"Kandidaten {size}")
        client.force_login(admin)
        url = reverse("profiles:cohort_pairs", args=[cohort.pk])
        client.get(url)
        counts.append(_queries(client, url))
    assert counts[0] == counts[1]


# --- Demo ---------------------------------------------------------------------------------------


def test_the_demo_has_a_running_reverse_mentoring_cohort():
    from django.core.management import call_command

    call_command("seed_demo")
    cohort = MentoringCohort.objects.get(name="Digitaal leiderschap 2026")
    assert cohort.organiser.email == "annelies.vries@plein.example"
    assert cohort.phase() == "running"
    assert [p.status for p in cohort.pairs.all()] == ["active"] * 3
    assert MentoringSession.objects.filter(pair__cohort=cohort).count() == 3
