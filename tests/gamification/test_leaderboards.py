"""Leaderboards: organisation, department and space; week, month and all time; teams by points
per head. Privacy: opt-in by default, one's own choice, the organisation's switches; someone who
opts out is in no leaderboard, no API answer, no badge list and no department sum. Pages read
maintained tallies, so their queries do not grow with the ledger (checked at 100,000 rows)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from gamification import selectors, services
from gamification.models import Badge, BadgeAward, LedgerEntry, PointRule, PointTally
from intranet.governance.models import AuditEntry
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def team():
    """Sales: a manager and four colleagues, all showing their points, each with points in an
    open space with stories; a quiet Finance pair."""
    sales = DepartmentFactory(name="Sales", slug="sales")
    finance = DepartmentFactory(name="Finance", slug="finance")
    space = SpaceFactory(name="Verkoop", slug="verkoop")
    manager = UserFactory(department=sales, first_name="Steve", last_name="Bakker")
    sales.manager = manager
    sales.save(update_fields=["manager"])
    people = [manager] + [
        UserFactory(department=sales, first_name=name, last_name="Sales")
        for name in ("Lotte", "Daan", "Sanne", "Bram")
    ]
    quiet = [UserFactory(department=finance, first_name=n, last_name="Fin") for n in "AB"]
    PointRule.objects.filter(key="story_reused").update(points=5, daily_cap=None)
    services.forget_settings(everywhere=True)
    for points, person in zip([40, 30, 20, 10, 5], people, strict=True):
        services.set_visibility(user=person, visible=True)
        for n in range(points // 5):
            services.award(
                user_id=person.pk,
                rule_key="story_reused",
                event_key=f"reuse:{person.pk}-{n}",
                space_id=space.pk,
            )
    return {"sales": sales, "finance": finance, "space": space, "people": people, "quiet": quiet}


def names(response) -> str:
    """The page's main part: the user menu, which names the viewer, is left out."""
    page = response.content.decode()
    return page[page.index("<main") :] if "<main" in page else page


def test_leaderboards_by_scope_and_period_and_the_department_board(client, team):
    steve, bram = team["people"][0], team["people"][4]
    client.force_login(bram)
    page = names(client.get("/recognition/?period=week", **EN))
    assert page.index("Steve Bakker") < page.index("Lotte Sales") < page.index("Bram Sales")
    dept = names(client.get(f"/recognition/?department={team['sales'].pk}&period=all", **EN))
    assert "Lotte Sales" in dept and "A Fin" not in dept
    space = names(client.get("/recognition/?space=verkoop&period=month", **EN))
    assert "Daan Sales" in space
    # Last week's points are not this week's: move one person's tallies back a week.
    last_week = services.period_starts()["week"] - datetime.timedelta(days=7)
    PointTally.objects.filter(user=steve, period="week").update(start=last_week)
    services.leaderboards_changed()  # boards are cached a minute; the ORM went around that
    assert "Steve Bakker" not in names(client.get("/recognition/?period=week", **EN))
    assert "Steve Bakker" in names(client.get("/recognition/?period=all", **EN))
    # Departments: Sales has five people showing points; Finance has none and is left out.
    rows = selectors.department_board(period="all")
    assert [(r["name"], r["points"], r["per_head"]) for r in rows] == [("Sales", 105, 21.0)]
    api = client.get("/api/leaderboards/departments/?period=all", **EN).json()
    assert api == [
        {"department": team["sales"].pk, "name": "Sales", "people": 5, "points": 105,
         "per_head": 21.0}
    ]  # fmt: skip
    assert client.get("/api/leaderboards/people/?period=year").status_code == 400
    assert client.get("/api/leaderboards/people/?department=x").status_code == 400
    assert client.get("/api/leaderboards/people/?space=nope").status_code == 404


def test_opting_out_removes_a_person_from_every_leaderboard_and_answer(client, team):
    steve, lotte, daan = team["people"][:3]
    badge = Badge.objects.get(name="Storyteller")
    BadgeAward.objects.create(user=lotte, badge=badge, tier=1)
    client.force_login(lotte)
    client.post("/recognition/me/privacy/", {"visible": "0"})
    assert not selectors.chooses_visible(lotte)
    client.force_login(daan)
    urls = [
        "/recognition/?period=all",
        "/recognition/?period=week",
        f"/recognition/?department={team['sales'].pk}",
        "/recognition/?space=verkoop",
        f"/recognition/badges/{badge.pk}/",
    ]
    for url in urls:
        page = names(client.get(url, **EN))
        assert "Lotte Sales" not in page, url
    for url in [
        "/api/leaderboards/people/?period=all",
        f"/api/leaderboards/people/?department={team['sales'].pk}",
        "/api/leaderboards/people/?space=verkoop",
    ]:
        people = [row["person"]["id"] for row in client.get(url).json()]
        assert lotte.pk not in people and daan.pk in people, url
    # Not in the department's sum either: 105 - 30 over four people; with only four left
    # showing... still at least MIN_GROUP (3), so Sales stays.
    rows = selectors.department_board(period="all")
    assert [(r["points"], r["people"]) for r in rows] == [(75, 4)]
    # Her profile shows no points to anyone else, her manager included; she still sees hers.
    for viewer in (daan, steve):
        client.force_login(viewer)
        assert "Level" not in names(client.get(f"/people/{lotte.pk}/", **EN))
    client.force_login(lotte)
    assert "Level 2: Participant" in names(client.get(f"/people/{lotte.pk}/", **EN))
    assert client.get("/api/me/points/").json()["total"] == 30
    # Her own leaderboard page tells her she is not on it.
    assert "You do not appear on leaderboards" in names(client.get("/recognition/", **EN))


def test_opt_in_is_the_default_and_the_organisation_switches(client, team):
    newcomer = UserFactory(department=team["sales"], first_name="Nieuw", last_name="Collega")
    services.award(user_id=newcomer.pk, rule_key="answer_accepted", event_key="answer:1")
    client.force_login(team["people"][1])
    assert "Nieuw Collega" not in names(client.get("/recognition/?period=all", **EN))
    assert "Level" not in names(client.get(f"/people/{newcomer.pk}/", **EN))
    admin = AdminFactory()
    client.force_login(admin)
    settings_url = "/points/settings/"
    client.post(settings_url, {"points_on": "1", "leaderboards_on": "1", "visible_by_default": "1"})
    client.force_login(team["people"][1])
    assert "Nieuw Collega" in names(client.get("/recognition/?period=all", **EN))
    # Leaderboards off: pages and API are gone, points still on profiles.
    client.force_login(admin)
    client.post(settings_url, {"points_on": "1", "visible_by_default": "1"})
    client.force_login(team["people"][1])
    assert client.get("/recognition/").status_code == 404
    assert client.get("/api/leaderboards/people/").status_code == 404
    assert client.get("/api/leaderboards/departments/").status_code == 404
    assert "Level" in names(client.get(f"/people/{newcomer.pk}/", **EN))
    # Individual points off: nothing is awarded and nothing shown, not even one's own.
    client.force_login(admin)
    client.post(settings_url, {"leaderboards_on": "1"})
    assert services.award(user_id=newcomer.pk, rule_key="answer_accepted", event_key="a:2") is None
    client.force_login(newcomer)
    assert "Level" not in names(client.get(f"/people/{newcomer.pk}/", **EN))
    assert client.get("/api/me/points/").status_code == 404
    assert client.get("/recognition/").status_code == 404
    # Only administrators switch; each change is audited.
    client.post(settings_url, {"points_on": "1", "leaderboards_on": "1"})
    assert client.get("/recognition/").status_code == 404
    assert AuditEntry.objects.filter(action="points.settings").count() == 3


def _fill_ledger(rows: int, users: list[int], space_id: int) -> None:
    """`rows` ledger entries spread over the users and the past year, in one statement, then
    the tallies rebuilt from them as a repair would."""
    rule_id = PointRule.objects.get(key="question_asked").pk
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO gamification_ledgerentry (user_id, rule_id, event_key, points, space_id,
                                                 created_at)
            SELECT (%s::bigint[])[1 + n %% cardinality(%s::bigint[])], %s, %s || n,
                   1 + n %% 7, CASE WHEN n %% 3 = 0 THEN %s END,
                   now() - (n %% 365) * interval '1 day'
            FROM generate_series(1, %s) AS n
            """,
            [users, users, rule_id, f"bulk{rows}:", space_id, rows],
        )
    services.rebuild_tallies()


def _counts(client, urls) -> list[int]:
    from django.test.utils import CaptureQueriesContext

    counts = []
    for url in urls:
        client.get(url, **EN)  # warm the caches a first request fills
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **EN)
        assert response.status_code == 200, url
        counts.append(len(queries))
    return counts


def test_leaderboard_pages_cost_the_same_whatever_the_ledger_holds(client, team):
    people = team["people"] + [UserFactory(department=team["sales"]) for _ in range(40)]
    for person in people[5:]:
        services.set_visibility(user=person, visible=True)
    # A viewer without points is on no top list, whatever the data: the same queries.
    viewer = UserFactory(department=team["sales"])
    services.set_visibility(user=viewer, visible=True)
    client.force_login(viewer)
    urls = [
        "/recognition/?period=all",
        "/recognition/?period=week",
        f"/recognition/?department={team['sales'].pk}&period=month",
        "/recognition/?space=verkoop",
        "/api/leaderboards/people/?period=all",
        "/api/leaderboards/departments/?period=all",
    ]
    user_ids = [p.pk for p in people]
    _fill_ledger(100, user_ids, team["space"].pk)
    small = _counts(client, urls)
    _fill_ledger(100_000, user_ids, team["space"].pk)
    assert LedgerEntry.objects.count() > 100_000
    large = _counts(client, urls)
    assert small == large
    assert all(n <= most for n, most in zip(large, [17, 17, 18, 19, 9, 8], strict=True)), large
    # The all-time board adds up to what the ledger says.
    top = client.get("/api/leaderboards/people/?period=all").json()[0]
    ledger_total = sum(
        LedgerEntry.objects.filter(user_id=top["person"]["id"]).values_list("points", flat=True)
    )
    assert top["points"] == ledger_total


def test_a_reversal_lowers_the_period_it_was_earned_in(team):
    person = team["people"][4]
    entry = services.award(user_id=person.pk, rule_key="answer_accepted", event_key="answer:77")
    earlier = timezone.now() - datetime.timedelta(days=40)
    LedgerEntry.objects.filter(pk=entry.pk).update(created_at=earlier)
    services.rebuild_tallies()
    month = services.period_starts()["month"]
    before = selectors.total_of(user_id=person.pk)
    services.reverse(rule_key="answer_accepted", event_key="answer:77")
    assert selectors.total_of(user_id=person.pk) == before - 15
    this_month = PointTally.objects.get(user=person, period="month", start=month, space=None)
    assert this_month.total == 5  # this month's story points, untouched by the reversal
