"""Value over time (issue 22, part 7): what Plein returned per calendar month, from hand-made
rows: each figure, the month boundaries in Amsterdam time, the window's edges, content in
private and secret spaces (and hidden, and by an integration) never counted; the page for
those who may see insights (404 for others), bad input, the CSV and its escaping, a fixed
number of queries with little and much data; and the pilot departments before and after."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from forums.models import Answer, Topic
from gamification.models import Reuse, Story
from insights import selectors, value, views
from insights.models import PhaseRecord
from intranet.governance import services as governance
from intranet.governance.models import Organisation
from intranet.signals.models import Signal
from intranet.tokens.models import ServiceAccount
from knowledge.models import Article, Suggestion
from profiles import services as profiles
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = date(2025, 3, 14)  # the window of 12 months: April 2024 up to and including March 2025
SVG_NS = "http://www.w3.org/2000/svg"


@pytest.fixture(autouse=True)
def _amsterdam(settings):
    settings.TIME_ZONE = "Europe/Amsterdam"


def at(year, month, day, hour=12, minute=0) -> datetime:
    """A moment on Amsterdam's clock."""
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def lately() -> datetime:
    """A moment ago, in this month (also in its first minutes)."""
    now = timezone.localtime()
    return max(now - timedelta(minutes=5), now.replace(day=1, hour=0, minute=0, second=0))


@pytest.fixture
def org():
    it, hr = DepartmentFactory(name="IT", slug="it"), DepartmentFactory(name="HR", slug="hr")
    people = {
        "it": [UserFactory(department=it) for _n in range(3)],
        "hr": [UserFactory(department=hr) for _n in range(3)],
    }
    spaces = {
        "open": SpaceFactory(name="Iedereen"),
        "private": SpaceFactory(name="Projectgroep", visibility="private"),
        "secret": SpaceFactory(name="Reorganisatie", visibility="secret", closed_reason="Geheim"),
    }
    for space in spaces.values():
        for person in [*people["it"], *people["hr"]]:
            MembershipFactory(space=space, user=person)
    return {"it": it, "hr": hr, "people": people, "spaces": spaces}


# --- Rows as the apps write them -----------------------------------------------------------


def reuse(org, where: str, when: datetime, kind: str = "lead") -> Reuse:
    """An IT story that HR reused."""
    story = Story.objects.create(space=org["spaces"][where], author=org["people"]["it"][0],
                                 title="Gelukt", challenge="c", approach="a", result="r",
                                 published_at=when - timedelta(days=30))  # fmt: skip
    return Reuse.objects.create(story=story, department=org["hr"], user=org["people"]["hr"][0],
                                kind=kind, created_at=when)  # fmt: skip


def signal(org, where: str, when: datetime, status: str = "adopted") -> Signal:
    """A signal raised on a post in the space, answered at `when`."""
    return Signal.objects.create(source="post", object_id=Signal.objects.count() + 1,
                                 space=org["spaces"][where], department=org["it"],
                                 title="Klanten willen iets anders", how="author",
                                 owner=org["people"]["it"][0], status=status,
                                 response="Dat gaan we doen.", responded_at=when,
                                 due_at=when + timedelta(days=5),
                                 created_at=when - timedelta(days=3))  # fmt: skip


def question(org, where: str, asked: datetime, *, by=None, kind="question", **extra) -> Topic:
    return Topic.objects.create(space=org["spaces"][where], author=by or org["people"]["it"][0],
                                kind=kind, title="Hoe vraag ik verlof aan?", language="nl",
                                created_at=asked, **extra)  # fmt: skip


def answer(topic: Topic, author, when: datetime, **extra) -> Answer:
    return Answer.objects.create(topic=topic, author=author, body="Zo.", created_at=when, **extra)


def improvement(org, where: str, when: datetime, *, status="accepted", proposer=None):
    owner = org["people"]["it"][0]
    article = Article.objects.create(space=org["spaces"][where], title="Verlof", language="nl",
                                     owner=owner, review_at=date(2030, 1, 1),
                                     created_at=when - timedelta(days=60))  # fmt: skip
    return Suggestion.objects.create(article=article, proposer=proposer or org["people"]["hr"][1],
                                     base_number=1, title="Verlof", body="Beter", status=status,
                                     decided_by=owner, decided_at=when,
                                     created_at=when - timedelta(days=1))  # fmt: skip


def by_month(rows, key: str) -> dict[str, int]:
    """{"2025-01": n} for the months where the figure is not zero."""
    return {f"{r.month:%Y-%m}": r.values[key] for r in rows if r.values[key]}


# --- The roll-up -------------------------------------------------------------------------------


def test_the_window_is_whole_calendar_months_ending_with_this_one():
    assert value.month_starts(months=3, today=date(2025, 1, 31)) == [
        date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1)]  # fmt: skip
    rows = value.roll_up(months=12, today=TODAY)
    assert [f"{r.month:%Y-%m}" for r in rows][:2] == ["2024-04", "2024-05"]
    assert f"{rows[-1].month:%Y-%m}" == "2025-03" and len(rows) == 12
    assert all(v == 0 for r in rows for v in r.values.values())  # empty months are listed too


def test_stories_reused_by_kind_and_month_in_amsterdam_time(org):
    reuse(org, "open", at(2025, 1, 31, 23, 30), kind="lead")  # 22:30 UTC: January
    reuse(org, "open", at(2025, 2, 1, 0, 30), kind="customer")  # still 31 January in UTC
    reuse(org, "open", at(2025, 2, 10), kind="time_saved")
    reuse(org, "open", at(2025, 3, 1), kind="other")
    reuse(org, "open", at(2024, 3, 31, 23, 59), kind="lead")  # just before the window
    reuse(org, "open", at(2024, 4, 1, 0, 0), kind="lead")  # its first minute
    rows = value.roll_up(months=12, today=TODAY)
    assert by_month(rows, "reused") == {"2024-04": 1, "2025-01": 1, "2025-02": 2, "2025-03": 1}
    assert by_month(rows, "lead") == {"2024-04": 1, "2025-01": 1}
    assert by_month(rows, "customer") == {"2025-02": 1}
    assert by_month(rows, "time_saved") == {"2025-02": 1}
    assert by_month(rows, "other") == {"2025-03": 1}
    # Running totals of the four figures, from the window's first month on.
    assert [r.so_far["reused"] for r in rows] == [1] * 9 + [2, 4, 5]
    assert value.totals(rows)["reused"] == 5 and value.totals(rows)["lead"] == 2


def test_signals_adopted_in_the_month_of_the_answer(org):
    signal(org, "open", at(2025, 2, 28, 23, 59))
    signal(org, "open", at(2025, 3, 1, 0, 1))
    signal(org, "open", at(2025, 3, 2), status="declined")
    signal(org, "open", at(2025, 3, 3), status="experiment")
    rows = value.roll_up(months=12, today=TODAY)
    assert by_month(rows, "signals") == {"2025-02": 1, "2025-03": 1}


def test_questions_answered_across_departments_count_once_at_the_first_answer_from_elsewhere(
    org,
):
    it, hr = org["people"]["it"], org["people"]["hr"]
    asked = question(org, "open", at(2025, 1, 5))
    answer(asked, it[1], at(2025, 1, 6))  # the asker's own department: not across
    answer(asked, hr[0], at(2025, 2, 2))  # the first from elsewhere: February
    answer(asked, hr[1], at(2025, 3, 2))  # a second one does not count again
    early = question(org, "open", at(2024, 3, 1))
    answer(early, hr[0], at(2024, 3, 20))  # crossed before the window: never in it
    answer(early, hr[1], at(2024, 5, 20))
    talk = question(org, "open", at(2025, 1, 5), kind="discussion")
    answer(talk, hr[0], at(2025, 1, 6))  # a discussion is no question
    hidden = question(org, "open", at(2025, 1, 5))
    answer(hidden, hr[0], at(2025, 1, 6), hidden_at=timezone.now())  # hidden by a moderator
    answer(hidden, hr[1], at(2025, 3, 9))  # the first visible answer from elsewhere
    homeless = UserFactory(department=None)
    answer(question(org, "open", at(2025, 1, 5)), homeless, at(2025, 1, 6))  # no department
    integration = UserFactory(department=org["hr"], first_name="HR-koppeling")
    ServiceAccount.objects.create(user=integration, owner=AdminFactory())
    answer(question(org, "open", at(2025, 1, 5)), integration, at(2025, 1, 6))  # no person
    rows = value.roll_up(months=12, today=TODAY)
    assert by_month(rows, "questions") == {"2025-02": 1, "2025-03": 1}


def test_articles_improved_are_accepted_suggestions_of_someone_else(org):
    improvement(org, "open", at(2025, 1, 10))
    improvement(org, "open", at(2025, 1, 11), status="declined")
    improvement(org, "open", at(2025, 1, 12), status="open")
    improvement(org, "open", at(2025, 1, 13), proposer=org["people"]["it"][0])  # the owner
    improvement(org, "open", at(2025, 3, 31, 23, 59))
    rows = value.roll_up(months=12, today=TODAY)
    assert by_month(rows, "articles") == {"2025-01": 1, "2025-03": 1}


@pytest.mark.parametrize("where", ["private", "secret"])
def test_nothing_in_a_private_or_secret_space_counts(org, where):
    it, hr = org["people"]["it"], org["people"]["hr"]
    reuse(org, where, at(2025, 2, 1))
    signal(org, where, at(2025, 2, 1))
    answer(question(org, where, at(2025, 1, 1)), hr[0], at(2025, 2, 1))
    improvement(org, where, at(2025, 2, 1))
    assert value.totals(value.roll_up(months=12, today=TODAY)) == dict.fromkeys(value.KEYS, 0)
    # The same in the open counts, every figure once.
    reuse(org, "open", at(2025, 2, 1))
    signal(org, "open", at(2025, 2, 1))
    answer(question(org, "open", at(2025, 1, 1), by=it[1]), hr[0], at(2025, 2, 1))
    improvement(org, "open", at(2025, 2, 1))
    totals = value.totals(value.roll_up(months=12, today=TODAY))
    assert {k: totals[k] for k in value.MAIN} == dict.fromkeys(value.MAIN, 1)


def test_hidden_stories_and_articles_and_a_switched_off_module_do_not_count(org):
    story_reuse = reuse(org, "open", at(2025, 2, 1))
    Story.objects.filter(pk=story_reuse.story_id).update(hidden_at=timezone.now())
    suggestion = improvement(org, "open", at(2025, 2, 1))
    Article.objects.filter(pk=suggestion.article_id).update(hidden_at=timezone.now())
    quiet = SpaceFactory(name="Zonder verhalen", modules=["forums"])
    org["spaces"]["quiet"] = quiet
    reuse(org, "quiet", at(2025, 2, 1))
    assert value.totals(value.roll_up(months=12, today=TODAY)) == dict.fromkeys(value.KEYS, 0)


def _lots(org, n: int) -> None:
    hr = org["people"]["hr"]
    for index in range(n):
        when = at(2025, 1 + index % 3, 1 + index % 27)
        reuse(org, "open", when, kind=("lead", "customer", "time_saved", "other")[index % 4])
        signal(org, "open", when)
        answer(question(org, "open", when - timedelta(days=1)), hr[index % 3], when)
        improvement(org, "open", when)


def test_the_roll_up_takes_five_queries_with_little_or_much_data(org):
    value.roll_up(months=24, today=TODAY)  # the organisation's space policies, read once
    counts = []
    for n in (1, 30):
        _lots(org, n)
        with CaptureQueriesContext(connection) as queries:
            rows = value.roll_up(months=24, today=TODAY)
        counts.append(len(queries))
    assert counts == [5, 5]  # the open spaces, and one grouped query per figure
    assert value.totals(rows)["reused"] == 31 and value.totals(rows)["questions"] == 31


# --- The page --------------------------------------------------------------------------------


def leaders(org):
    manager = UserFactory(department=org["it"], first_name="Mary")
    admin = AdminFactory()
    profiles.set_manager(actor=admin, person=org["people"]["it"][1], manager=manager)
    return [manager, admin, UserFactory(org_role="community_manager")]


EXPORTS = ["", "?export=csv", "?export=svg", "?export=svg_total", "?months=6"]


def test_leaders_may_look_others_get_404(client, org):
    for person in leaders(org):
        client.force_login(person)
        for query in EXPORTS:
            assert client.get(f"/insights/value/{query}").status_code == 200, (person, query)
    for person in (org["people"]["hr"][0], UserFactory(org_role="guest")):
        client.force_login(person)
        for query in EXPORTS:
            assert client.get(f"/insights/value/{query}").status_code == 404, (person, query)
        assert client.post("/insights/value/").status_code == 405
    client.logout()
    assert client.get("/insights/value/").status_code == 302  # to sign in


def test_the_page_shows_the_months_the_totals_and_the_charts(client, org):
    reuse(org, "open", lately(), kind="customer")
    reuse(org, "secret", lately(), kind="lead")
    client.force_login(AdminFactory())
    with translation.override("en"):
        page = client.get("/insights/value/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Value over time" in text and 'href="/insights/value/"' in text  # in the tabs
    charts = [
        part.split("</svg>")[0] for part in text.split(f'<svg xmlns="{SVG_NS}" class="chart"')[1:]
    ]
    assert len(charts) == 2  # per month, and so far: drawn here, nothing loaded from elsewhere
    assert all("<script" not in c and "http" not in c.replace(SVG_NS, "") for c in charts)
    assert "stories reused 1 (leads 0, customers 1, time saved 0); signals adopted 0" in text
    assert text.count("<tbody><tr>") == 2  # the months, and the running totals
    assert "Total, 12 months" in text and 'aria-current="page">Last 12 months' in text


@pytest.mark.parametrize("months", ["abc", "999", "-1", "12.5", ""])
def test_months_not_offered_show_twelve_and_say_so(client, org, months):
    client.force_login(AdminFactory())
    with translation.override("en"):
        page = client.get(f"/insights/value/?months={months}", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'aria-current="page">Last 12 months' in text
    assert ("Choose 6, 12 or 24 months. Shown: the last 12 months." in text) == (months != "")
    rows = list(csv.reader(io.StringIO(client.get(f"/insights/value/?months={months}&export=csv")
                                       .content.decode())))  # fmt: skip
    assert len(rows) == 1 + 12


def test_six_and_twenty_four_months(client, org):
    client.force_login(AdminFactory())
    for months in (6, 24):
        answer_ = client.get(f"/insights/value/?months={months}&export=csv")
        assert len(answer_.content.decode().strip().splitlines()) == 1 + months


def test_the_csv(client, org):
    now = timezone.localtime()
    reuse(org, "open", lately(), kind="time_saved")
    signal(org, "open", lately())
    client.force_login(AdminFactory())
    with translation.override("en"):
        answer_ = client.get("/insights/value/?months=6&export=csv", HTTP_ACCEPT_LANGUAGE="en")
    assert answer_.status_code == 200
    assert answer_["Content-Type"] == "text/csv; charset=utf-8"
    assert answer_["Content-Disposition"] == 'attachment; filename="value-6-months.csv"'
    rows = list(csv.reader(io.StringIO(answer_.content.decode())))
    assert rows[0] == [
        "Month", "Stories reused", "Leads", "Customers", "Time saved", "Something else",
        "Signals adopted", "Questions answered across departments", "Articles improved",
        "Stories reused so far", "Signals adopted so far",
        "Questions answered across departments so far", "Articles improved so far",
    ]  # fmt: skip
    assert [r[0] for r in rows[1:]] == [f"{m:%Y-%m}" for m in value.month_starts(
        months=6, today=now.date())]  # fmt: skip
    assert rows[-1][1:] == ["1", "0", "0", "1", "0", "1", "0", "0", "1", "1", "0", "0"]
    assert all(not cell.startswith(views.FORMULA) for row in rows for cell in row)
    svg = client.get("/insights/value/?export=svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg["Content-Disposition"] == 'attachment; filename="value-12-months.svg"'


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted_as_text():
    answer_ = views._csv(
        "x.csv", ["a"], [['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "", 3, "ok"]]
    )
    rows = list(csv.reader(io.StringIO(answer_.content.decode())))
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "", "3",
                       "ok"]  # fmt: skip


def test_a_department_name_in_an_export_cannot_run_as_a_formula(client, org):
    """Over HTTP, in the adoption export: department names are written by administrators."""
    sneaky = DepartmentFactory(name="=cmd|'/c calc'!A1", slug="sneaky")
    PhaseRecord.objects.create(department=sneaky, day=timezone.localdate(), phase=1,
                               figures={"members": 10})  # fmt: skip
    client.force_login(AdminFactory())
    rows = list(csv.reader(io.StringIO(
        client.get("/insights/adoption/?export=csv").content.decode())))  # fmt: skip
    assert rows[1][0] == "'=cmd|'/c calc'!A1"


def test_the_page_costs_the_same_queries_with_little_or_much_data(client, org, query_budget):
    client.force_login(AdminFactory())
    client.get("/insights/value/?months=24")  # the session and the policies, read once
    counts = []
    for n in (1, 30):
        _lots(org, n)
        selectors.value.bump(0)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/insights/value/?months=24").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with query_budget(counts[0] - 5):  # kept: the figures are read once per change
        assert client.get("/insights/value/?months=24").status_code == 200


def test_figures_follow_a_reuse_at_once(client, org, django_capture_on_commit_callbacks):
    from gamification import services as stories

    story = Story.objects.create(
        space=org["spaces"]["open"], author=org["people"]["it"][0], title="Gelukt",
        challenge="c", approach="a", result="r",
    )  # fmt: skip
    client.force_login(AdminFactory())
    assert (
        client.get("/insights/value/?export=csv")
        .content.decode()
        .splitlines()[-1]
        .startswith(f"{timezone.localdate():%Y-%m},0,")
    )
    with django_capture_on_commit_callbacks(execute=True):
        stories.record_reuse(user=org["people"]["hr"][0], story=story, kind="lead")
    last = client.get("/insights/value/?export=csv").content.decode().splitlines()[-1]
    assert last.startswith(f"{timezone.localdate():%Y-%m},1,1,")


# --- Pilot departments before and after --------------------------------------------------------


def figures_for(phase: int) -> dict:
    """Figures of ten people that meet the rules of `phase` and those before, not the next."""
    found = {"members": 10, "signed_in": 0.0, "profiled": 0.0, "posting": 0.0, "replied": None,
             "cross_answered": 0, "acted": None, "boards": 0, "signals_in_time": None,
             "reused": 0}  # fmt: skip
    if phase >= 1:
        found.update(signed_in=0.9, profiled=0.9)
    if phase >= 2:
        found.update(posting=0.5, replied=0.9)
    if phase >= 3:
        found.update(cross_answered=5, acted=0.9)
    if phase >= 4:
        found.update(boards=2, reused=3)
    return found


def record(department, days_ago: int, phase: int, *, stored: int | None = None) -> None:
    """A phase record; `stored` is what the nightly task wrote then (thresholds change)."""
    PhaseRecord.objects.create(department=department,
                               day=timezone.localdate() - timedelta(days=days_ago),
                               phase=phase if stored is None else stored,
                               figures=figures_for(phase))  # fmt: skip


@pytest.fixture
def pilot():
    """Sales joined the pilot 60 days ago (by the administrator, so in the audit log),
    Marketing was put in the pilot without a trace in the log; HR and IT are not in it."""
    admin = AdminFactory()
    names = ["Sales", "Marketing", "HR", "IT", "Directie"]
    d = {name: DepartmentFactory(name=name, slug=name.lower()) for name in names}
    started = timezone.now() - timedelta(days=60)
    with mock.patch("django.utils.timezone.now", return_value=started):
        governance.set_pilot(actor=admin, enabled=True, departments=[d["Sales"]])
    Organisation.objects.get(pk=1).pilot_departments.add(d["Marketing"])
    record(d["Sales"], 90, 1, stored=3)  # before the pilot; stored under other thresholds
    record(d["Sales"], 61, 1)
    record(d["Sales"], 30, 3)
    record(d["Sales"], 0, 4)
    record(d["Marketing"], 150, 2)  # nothing before the timeline's start: the first after
    record(d["Marketing"], 0, 3)
    record(d["HR"], 100, 1)
    record(d["HR"], 10, 2)
    record(d["IT"], 70, 2)
    record(d["IT"], 5, 2)
    PhaseRecord.objects.create(
        department=d["Directie"],
        day=timezone.localdate(),
        phase=0,
        figures={**figures_for(4), "members": 3},
    )  # too small to show
    return {"admin": admin, "departments": d, "started": timezone.localdate(started)}


def test_pilot_starts_come_from_the_audit_log(pilot):
    d = pilot["departments"]
    assert selectors.pilot_starts() == {d["Sales"].pk: pilot["started"]}
    # Switched off and on again, and HR added: Sales keeps its first start, HR gets today.
    governance.set_pilot(actor=pilot["admin"], enabled=False, departments=[d["Sales"]])
    governance.set_pilot(actor=pilot["admin"], enabled=True, departments=[d["Sales"], d["HR"]])
    assert selectors.pilot_starts() == {
        d["Sales"].pk: pilot["started"], d["HR"].pk: timezone.localdate()}  # fmt: skip


def test_pilot_departments_before_and_after_next_to_the_others(pilot):
    Organisation.objects.filter(pk=1).update(pilot_enabled=True)
    rows = selectors.phase_table(min_group=5)
    assert [r.department.name for r in rows] == ["HR", "IT", "Marketing", "Sales"]
    changes = {c.department.name: c for c in selectors.pilot_before_after(rows)}
    assert set(changes) == {"Sales", "Marketing"}
    sales = changes["Sales"]
    today = timezone.localdate()
    assert sales.started == pilot["started"]
    # The last record before the start (61 days ago), by today's thresholds: presence.
    assert (sales.then_day, sales.then, sales.now, sales.change) == (
        today - timedelta(days=61), 1, 4, 3)  # fmt: skip
    # The others on that day: HR in presence (100 days ago), IT in dialogue (70): 1.5; now 2.
    assert (sales.rest_then, sales.rest_now, sales.rest_change) == (1.5, 2.0, 0.5)
    assert not sales.first_record
    marketing = changes["Marketing"]
    assert marketing.started is None and marketing.first_record
    assert (marketing.then_day, marketing.then, marketing.now) == (
        today - timedelta(days=150), 2, 3)  # fmt: skip
    assert marketing.rest_then is None  # nobody else had a record that early
    assert selectors.pilot_comparison(rows) == {
        "pilot": 3.5, "rest": 2.0, "pilot_count": 2, "rest_count": 2}  # fmt: skip


def test_no_pilot_no_comparison(pilot):
    Organisation.objects.get(pk=1).pilot_departments.clear()
    assert selectors.pilot_before_after(selectors.phase_table(min_group=5)) == []


def test_the_comparison_takes_the_same_queries_with_more_departments(pilot):
    rows = selectors.phase_table(min_group=5)
    with CaptureQueriesContext(connection) as few:
        selectors.pilot_before_after(rows)
    for n in range(8):
        extra = DepartmentFactory(name=f"Team {n}", slug=f"team-{n}")
        for days in (200, 120, 40, 0):
            record(extra, days, n % 5)
        if n % 2:
            Organisation.objects.get(pk=1).pilot_departments.add(extra)
    rows = selectors.phase_table(min_group=5)
    with CaptureQueriesContext(connection) as many:
        changes = selectors.pilot_before_after(rows)
    assert len(changes) == 2 + 4
    assert len(few) == len(many) <= 5


def test_the_adoption_page_shows_before_and_after(client, pilot):
    client.force_login(pilot["admin"])
    with translation.override("en"):
        text = client.get("/insights/adoption/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pilot departments before and after" in text
    assert "not in the audit log: compared with the start of the timeline" in text  # Marketing
    assert "first recorded" in text and "(+3)" in text
    table = text.split("Pilot departments before and after")[1].split("</table>")[0]
    assert "Sales" in table and "Marketing" in table and "HR" not in table
    assert "Directie" not in text


# --- The demo --------------------------------------------------------------------------------


def test_the_demo_has_months_of_value(client):
    from django.core.management import call_command

    call_command("seed_demo")
    rows = value.roll_up(months=12)
    reused = [r for r in rows if r.values["reused"]]
    assert len(reused) >= 3 and sum(r.values["reused"] for r in rows) >= 8
    assert sum(r.values["articles"] for r in rows) >= 1
    assert sum(r.values["questions"] for r in rows) >= 5
    assert rows[-1].so_far["reused"] == sum(r.values["reused"] for r in rows)
