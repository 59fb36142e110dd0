"""A service account acts like a colleague (its role and memberships decide what it may do), but
an integration is not a person: it is never found in the directory, search or "who knows?",
never ranked on a leaderboard, counted in a department, mentioned, emailed a digest, or made a
hub of the network. Its own page stays reachable (from what it posted) and says what it is."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from gamification import selectors as game
from gamification import services as points
from insights import services as insights
from insights.models import PersonScore
from intranet.activity.text import mentioned_users
from intranet.core.selectors import home_context
from intranet.digests import services as digests
from intranet.digests.models import DigestSend
from intranet.tokens import services
from profiles import selectors as people
from profiles import services as profiles
from tests.factories import AdminFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def sales():
    return DepartmentFactory(name="Sales", slug="sales")


@pytest.fixture
def integration(sales):
    """The HR system's account, put in Sales (as an administrator might), with a skill,
    points it shows, and a digest it would be due."""
    admin = AdminFactory(first_name="Ada", last_name="Admin")
    account = services.create_service_account(actor=admin, name="HR Koppeling")
    robot = account.user
    robot.department = sales
    robot.job_title = "Koppeling"
    robot.save(update_fields=["department", "job_title"])
    profiles.update_profile(actor=robot, person=robot, data={"skills": ["Salaris"]})
    points.set_visibility(user=robot, visible=True)
    points.award(user_id=robot.pk, rule_key="story_reused", event_key="robot-1")
    return robot


@pytest.fixture
def colleague(sales):
    person = UserFactory(department=sales, first_name="Lotte", last_name="Jansen")
    profiles.update_profile(actor=person, person=person, data={"skills": ["Salaris"]})
    points.set_visibility(user=person, visible=True)
    points.award(user_id=person.pk, rule_key="story_reused", event_key="lotte-1")
    return person


def test_the_directory_search_and_api_list_people_not_integrations(client, integration, colleague):
    reader = UserFactory()
    client.force_login(reader)
    page = client.get("/people/?q=koppeling", **EN).content.decode()
    assert "HR Koppeling" not in page
    everyone = client.get("/people/", **EN).content.decode()
    assert "Lotte Jansen" in everyone and "HR Koppeling" not in everyone
    api = client.get("/api/v1/people/?q=Koppeling", **EN).json()
    assert api["count"] == 0
    in_sales = client.get(f"/api/v1/people/?department={colleague.department_id}").json()
    assert in_sales["count"] == 1
    found = client.get("/search/?q=Koppeling", **EN).content.decode()
    assert "HR Koppeling" not in found
    # Its own page says what it is and who looks after it.
    own = client.get(f"/people/{integration.pk}/", **EN)
    assert own.status_code == 200
    assert "A service account, looked after by Ada Admin." in own.content.decode()
    assert "service account" not in client.get(f"/people/{colleague.pk}/", **EN).content.decode()


def test_who_knows_and_mentions_leave_integrations_out(integration, colleague):
    reader = UserFactory()
    with translation.override("en"):
        ranked = people.experts(viewer=reader, topic="salaris", topic_name="Salaris")
    assert [e.person for e in ranked] == [colleague]
    handle = integration.email.split("@")[0]
    assert mentioned_users(f"@{handle} kijk hier eens naar") == []
    assert mentioned_users("@" + colleague.email.split("@")[0]) == [colleague]


def test_leaderboards_and_department_sums_rank_people_only(client, integration, colleague):
    client.force_login(UserFactory())
    game_page = client.get("/recognition/?period=all", **EN).content.decode()
    assert "Lotte Jansen" in game_page and "HR Koppeling" not in game_page
    # Sales shows points only from MIN_GROUP people on; with the integration it would have
    # enough (two people, one integration): it stays left out, and with a third person it
    # shows two heads and their points only.
    assert game.MIN_GROUP == 3
    assert game.department_board(period="all") == []
    third = UserFactory(department=colleague.department)
    points.set_visibility(user=third, visible=True)
    points.award(user_id=third.pk, rule_key="story_reused", event_key="third-1")
    points.leaderboards_changed()
    assert game.department_board(period="all") == []
    fourth = UserFactory(department=colleague.department)
    points.set_visibility(user=fourth, visible=True)
    points.leaderboards_changed()
    [sales] = game.department_board(period="all")
    assert sales["people"] == 3
    assert sales["points"] == 2 * game.total_of(user_id=colleague.pk)


def test_the_home_page_counts_colleagues_not_integrations(integration, colleague):
    context = home_context(user=colleague)
    assert context["colleague_count"] == 0
    assert integration not in context["colleagues"]


def test_no_digest_is_planned_for_an_integration(integration, colleague):
    from tests.digests.test_digests import daily_now

    daily_now(integration)
    daily_now(colleague)
    digests.plan(now=timezone.now() + datetime.timedelta(days=1))
    planned = set(DigestSend.objects.values_list("user_id", flat=True))
    assert colleague.pk in planned and integration.pk not in planned


def test_the_network_is_between_people(integration, sales):
    """An HR system that posts, with colleagues from three departments reacting, would be the
    organisation's biggest broker; in insights it does not exist."""
    from tests.factories import SpaceFactory
    from tests.insights.conftest import post_by, react

    space = SpaceFactory(slug="hr-nieuws")
    others = [UserFactory(department=DepartmentFactory()) for _ in range(3)]
    post = post_by(integration, space)
    for person in others:
        react(person, post)
    snapshot = insights.take_snapshot(window=90)
    assert snapshot.ties == 0
    assert not PersonScore.objects.filter(snapshot=snapshot, user=integration).exists()
    assert PersonScore.objects.filter(snapshot=snapshot, user__in=others).count() == 3
    assert [d for d in snapshot.departments if d["id"] == sales.pk] == []  # nobody in it
