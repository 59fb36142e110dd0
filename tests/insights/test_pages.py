"""Who may open the insight pages, the API's bad input, signal follow-up ordering, and the
pages' fixed number of queries with a small and a large organisation."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights import services
from processes import services as boards
from processes.models import ExceptionGroup
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.helpers import exception_signal
from tests.insights.conftest import post_by, react

pytestmark = pytest.mark.django_db

PAGES = ["/insights/", "/insights/adoption/", "/insights/follow-up/"]
API = ["/api/insights/network/", "/api/insights/phases/", "/api/insights/follow-up/"]


def test_leaders_and_community_managers_may_look_others_may_not(client, org):
    services.refresh()
    for person in (org["manager"], org["admin"], UserFactory(org_role="community_manager")):
        client.force_login(person)
        assert all(client.get(url).status_code == 200 for url in PAGES + API)
    for person in (org["broker"], UserFactory(org_role="guest")):
        client.force_login(person)
        assert {url: client.get(url).status_code for url in PAGES + API} == dict.fromkeys(
            PAGES + API, 404
        ), person
        assert client.get("/insights/?export=departments").status_code == 404
    client.force_login(UserFactory(is_active=False))  # a deactivated account is signed out
    assert {client.get(url).status_code for url in PAGES} == {302}
    client.logout()
    assert client.get("/insights/").status_code == 302  # to sign in
    assert client.get("/api/insights/network/").status_code in (401, 403)


def test_everyone_may_see_their_own_inclusion_page(client, org):
    client.force_login(org["broker"])
    assert client.get("/insights/me/").status_code == 200


def test_cached_page_parts_follow_new_figures_and_settings_at_once(client, org):
    services.refresh()
    client.force_login(org["manager"])
    assert "Directie" not in client.get("/insights/").content.decode()  # now cached
    assert "Directie" not in client.get("/insights/adoption/").content.decode()
    services.save_settings(actor=org["admin"], min_group=3, person_level=False, purpose="")
    assert "Directie" in client.get("/insights/").content.decode()
    assert "Directie" in client.get("/insights/adoption/").content.decode()
    # A new snapshot with a new department shows at once too.
    from tests.factories import DepartmentFactory

    newcomers = DepartmentFactory(name="Inkoop", slug="inkoop")
    people = [UserFactory(department=newcomers) for _n in range(3)]
    post = post_by(people[0], org["space"])
    react(people[1], post)
    react(people[2], post)
    assert "Inkoop" not in client.get("/insights/").content.decode()
    services.take_snapshot(window=90)
    assert "Inkoop" in client.get("/insights/").content.decode()


def test_the_api_refuses_bad_input(client, org):
    services.refresh()
    client.force_login(org["manager"])
    answer = client.get("/api/insights/network/?window=7")
    assert answer.status_code == 400 and "window" in answer.json()
    services.save_settings(actor=org["admin"], min_group=5, person_level=True,
                           purpose="Nieuwe collega's beter verwelkomen, OR akkoord")  # fmt: skip
    services.grant(actor=org["admin"], user=org["manager"])
    answer = client.post("/api/insights/people/", {"measure": "salaris"})
    assert answer.status_code == 400 and "measure" in answer.json()
    assert client.post("/api/insights/people/", {"window": "abc"}).status_code == 400
    look = client.post("/api/insights/people/", {"measure": "brokers", "window": "30"})
    assert look.status_code == 200


def test_before_the_first_snapshot_the_pages_say_so(client, org):
    client.force_login(org["manager"])
    page = client.get("/insights/")
    assert page.status_code == 200 and page.context["snapshot"]() is None
    assert client.get("/api/insights/network/").json()["departments"] == []


def test_recompute_queues_the_task_for_administrators(client, org, settings):
    from intranet.celery import app

    app.conf.task_always_eager = True
    try:
        client.force_login(org["admin"])
        assert client.post("/insights/recompute/").status_code == 302
    finally:
        app.conf.task_always_eager = False
    assert services.selectors.latest(window=90) is not None


def signal(board, owner, *, raised_days_ago, due_in_days, answered_days_ago=None, title):
    group = ExceptionGroup.objects.create(board=board, title=title)
    now = timezone.now()
    return exception_signal(
        group, owner=owner, created_at=now - timedelta(days=raised_days_ago),
        due_at=now + timedelta(days=due_in_days),
        responded_at=None if answered_days_ago is None else now - timedelta(days=answered_days_ago),
        status="new" if answered_days_ago is None else "adopted",
    )  # fmt: skip


@pytest.fixture
def signals(org):
    space = org["space"]
    lead = MembershipFactory(space=space, role="owner").user
    board = boards.create_board(actor=lead, space=space, name="Order tot levering",
                                steps=[{"name": "Offerte"}])  # fmt: skip
    owner = org["manager"]
    made = {
        "answered": signal(board, owner, raised_days_ago=30, due_in_days=-16,
                           answered_days_ago=20, title="Beantwoord"),
        "late_long": signal(board, owner, raised_days_ago=40, due_in_days=-26,
                            title="Al lang te laat"),
        "waiting": signal(board, owner, raised_days_ago=2, due_in_days=12, title="Loopt nog"),
        "late": signal(board, owner, raised_days_ago=16, due_in_days=-2, title="Net te laat"),
    }  # fmt: skip
    return board, made


def test_overdue_signals_come_first_longest_overdue_on_top(client, org, signals):
    _board, made = signals
    client.force_login(org["manager"])
    page = client.get("/insights/follow-up/")
    order = [s.pk for s in page.context["signals"]()]
    expected = ["late_long", "late", "waiting", "answered"]
    assert order == [made[key].pk for key in expected]
    assert page.context["counts"]() == {"total": 4, "overdue": 2, "pains": 0}
    api = client.get("/api/insights/follow-up/").json()
    assert [s["id"] for s in api["signals"]] == order
    assert [s["overdue"] for s in api["signals"]] == [True, True, False, False]
    (record,) = api["owners"]
    assert record["signals"] == 4 and record["answered"] == 1 and record["in_time"] == 1
    assert record["overdue"] == 2 and record["median_days"] == 10.0
    csv = client.get("/insights/follow-up/?export=signals").content.decode()
    assert csv.index("Al lang te laat") < csv.index("Net te laat") < csv.index("Loopt nog")


def test_the_page_lists_the_first_signals_and_the_csv_all_of_them(client, org, signals, settings):
    from insights import views

    board, _made = signals
    for n in range(views.PAGE_ROWS):
        signal(board, org["admin"], raised_days_ago=1, due_in_days=10 + n, title=f"Later {n}")
    client.force_login(org["manager"])
    page = client.get("/insights/follow-up/")
    assert len(page.context["signals"]()) == views.PAGE_ROWS
    assert page.context["counts"]()["total"] == views.PAGE_ROWS + 4
    assert f"{views.PAGE_ROWS + 4}" in page.content.decode()
    assert page.context["signals"]()[0].title == "Al lang te laat"  # overdue first
    csv = client.get("/insights/follow-up/?export=signals").content.decode()
    assert csv.count("\n") == views.PAGE_ROWS + 4 + 1  # every signal and the header


def test_signals_on_boards_one_may_not_see_are_left_out(client, org, signals):
    from tests.factories import SpaceFactory

    secret = SpaceFactory(visibility="private", closed_reason="x")
    lead = MembershipFactory(space=secret, role="owner").user
    board = boards.create_board(actor=lead, space=secret, name="Geheim", steps=[{"name": "A"}])
    signal(board, lead, raised_days_ago=1, due_in_days=10, title="Verborgen signaal")
    # An administrator sees every board: their page part is cached for that set of boards ...
    client.force_login(org["admin"])
    assert "Verborgen signaal" in client.get("/insights/follow-up/").content.decode()
    # ... and is never served to someone who sees fewer.
    client.force_login(org["manager"])
    page = client.get("/insights/follow-up/").content.decode()
    assert "Loopt nog" in page and "Verborgen signaal" not in page


def test_an_answered_signal_shows_at_once(client, org, signals, django_capture_on_commit_callbacks):
    _board, made = signals
    client.force_login(org["manager"])
    assert client.get("/insights/follow-up/").content.decode().count('class="is-overdue"') == 2
    with django_capture_on_commit_callbacks(execute=True):
        boards.respond(actor=org["manager"], signal_id=made["late"].pk, status="experiment",
                       response="We proberen zaterdaglevering in Q1.")  # fmt: skip
    # The page part was cached above; the answer's event makes it render again.
    assert client.get("/insights/follow-up/").content.decode().count('class="is-overdue"') == 1


def grow(org, *, departments: int, per_department: int):
    """More departments and people, each posting and reacting: a larger organisation, with a
    board at the top and a manager in each department (the leadership figures have people
    to count, where the small organisation has none)."""
    board = DepartmentFactory(name="Raad van bestuur", slug="raad-van-bestuur")
    for n in range(departments):
        dept = DepartmentFactory(name=f"Afdeling groot {n}", slug=f"groot-{n}", parent=board)
        people = [UserFactory(department=dept) for _p in range(per_department)]
        dept.manager = people[0]
        dept.save(update_fields=["manager"])
        post = post_by(people[0], org["space"])
        for person in people[1:]:
            react(person, post)
        react(org["broker"], post)
    board.manager = UserFactory(department=board)
    board.save(update_fields=["manager"])


def count_queries(client, url: str) -> int:
    # "POST <url>" is a look at named people (the page's "Show" button); "COLD <url>" renders
    # the page's cached part again (as after the nightly run or a change of settings).
    method, _space, path = url.rpartition(" ")
    send = client.post if method == "POST" else client.get
    data = {"measure": "brokers"} if method == "POST" else None
    send(path, data)  # warm: settings row, content types
    if method == "COLD":
        services.selectors.pages.bump(0)
    with CaptureQueriesContext(connection) as captured:
        assert send(path, data).status_code == 200
    return len(captured)


def test_dashboard_pages_cost_the_same_queries_small_and_large(client, org, signals):
    services.save_settings(actor=org["admin"], min_group=5, person_level=True,
                           purpose="Nieuwe collega's beter verwelkomen, OR akkoord")  # fmt: skip
    services.grant(actor=org["admin"], user=org["manager"])
    client.force_login(org["manager"])
    urls = [*PAGES, *API, "/insights/people/?measure=brokers", "POST /insights/people/",
            "/insights/me/",
            "/insights/?export=departments", "/insights/adoption/?export=csv",
            "COLD /insights/adoption/", "/insights/adoption/?export=layers"]  # fmt: skip
    services.refresh()
    small = {url: count_queries(client, url) for url in urls}
    grow(org, departments=12, per_department=6)
    board, _made = signals
    for n in range(20):
        signal(board, org["admin"], raised_days_ago=n, due_in_days=5 - n, title=f"Extra {n}")
    services.refresh()
    large = {url: count_queries(client, url) for url in urls}
    assert large == small, {url: (small[url], large[url]) for url in urls}
    assert small["/insights/"] <= 8  # sanity: pages read the snapshot, not the activity
    # Rendered afresh: phases, pilots, timeline and the layers, each read once.
    assert small["COLD /insights/adoption/"] <= 10


def test_the_api_phases_come_in_pages(client, org):
    services.refresh()
    client.force_login(org["manager"])
    answer = client.get("/api/insights/phases/").json()
    assert set(answer) == {"count", "next", "previous", "results"}
    assert answer["count"] == len(answer["results"])
    assert client.get("/api/insights/phases/?limit=0").status_code == 400
    answer = client.get("/api/insights/network/?window=abc")
    assert answer.status_code == 400 and len(answer.json()["window"]) == 1
