"""Questions to the leadership are tracked (issue 22): the rail's way to the open Q&A, whether
and how fast the leadership answered each question, the overdue ones in the leaders' follow-up
and the record in insights; only what the reader may read, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums import cache as forum_cache
from forums import selectors, services
from forums.models import Answer, Topic
from intranet.governance import services as governance
from intranet.governance.models import Space
from tests.factories import AdminFactory, MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
OPEN_QA = "/spaces/directie/forum/?show=leadership"
RAIL_LINK = f'href="{OPEN_QA}"'


@pytest.fixture
def board():
    """The leadership: the space of the department at the top, with an owner and a moderator
    (who answer for it) and a plain member (who does not)."""
    directie = governance.save_department(actor=None, name="Directie", parent=None)
    governance.save_department(actor=None, name="Sales", parent=directie)
    space = Space.objects.get(department=directie)
    return {
        "space": space,
        "director": MembershipFactory(space=space, role="owner").user,
        "moderator": MembershipFactory(space=space, role="moderator").user,
        "member": MembershipFactory(space=space, role="member").user,
    }


def asked(space, title, *, days_ago, author=None, answered_after=None, by=None):
    """A question put to the leadership `days_ago` days ago, answered by `by` after
    `answered_after` days (dates set afterwards, as if it happened then)."""
    topic = services.ask(
        author=author or UserFactory(), space=space, kind="question", title=title,
        language="nl", ask_leadership=True,
    )  # fmt: skip
    asked_at = timezone.now() - timedelta(days=days_ago)
    Topic.objects.filter(pk=topic.pk).update(created_at=asked_at)
    if by is not None:
        reply = services.answer(author=by, topic=topic, body="Dit is ons antwoord.")
        Answer.objects.filter(pk=reply.pk).update(created_at=asked_at + answered_after)
    forum_cache.topics_changed(space_id=space.pk)  # the dates changed behind the services
    return topic


def row_of(page: str, title: str) -> str:
    """The list row (or panel row) that shows `title`."""
    rows = [row for row in page.split("<li") if title in row]
    assert len(rows) == 1, (title, len(rows))
    return rows[0]


# --- The rail -----------------------------------------------------------------------------------


def test_the_rail_leads_colleagues_to_the_open_qa(client, board):
    client.force_login(UserFactory())
    page = client.get("/", **EN).content.decode()
    assert RAIL_LINK in page and "Ask the leadership" in page
    assert client.get(OPEN_QA).status_code == 200
    # Guests may not ask the leadership: no entry for them.
    client.force_login(UserFactory(org_role="guest"))
    page = client.get("/", **EN).content.decode()
    assert RAIL_LINK not in page and "Ask the leadership" not in page


def test_no_rail_entry_for_who_may_not_read_the_leadership_space(client, board):
    Space.objects.filter(pk=board["space"].pk).update(visibility="private", closed_reason="x")
    client.force_login(UserFactory())
    assert RAIL_LINK not in client.get("/", **EN).content.decode()
    client.force_login(board["member"])  # a member of the private space reads it
    assert RAIL_LINK in client.get("/", **EN).content.decode()


def test_no_rail_entry_without_a_leadership_space(client):
    SpaceFactory(name="Team Noord")
    client.force_login(UserFactory())
    page = client.get("/", **EN).content.decode()
    assert "Ask the leadership" not in page and "show=leadership" not in page
    assert selectors.leadership_address() is None


def test_the_rail_entry_costs_one_query_once(client, board, monkeypatch):
    """The rail is drawn on every page: whether to show the entry is read once (one query),
    then kept; the next page (another view, so the rail fragment is drawn again) asks the
    database nothing for it."""
    looked_up = []
    original = selectors._first_leadership_space

    def spy(**kwargs):
        looked_up.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(selectors, "_first_leadership_space", spy)
    client.force_login(UserFactory())

    def ours(captured):
        return [q for q in captured.captured_queries if "leadership_rail_readable" in q["sql"]]

    with CaptureQueriesContext(connection) as first:
        assert RAIL_LINK in client.get("/", **EN).content.decode()
    with CaptureQueriesContext(connection) as second:
        assert RAIL_LINK in client.get(reverse("forums:unanswered"), **EN).content.decode()
    assert len(ours(first)) == 1, "the rail's leadership entry should cost one query at most"
    assert ours(second) == []
    assert len(looked_up) == 1  # the address too came from that one query


# --- Whether and how fast the leadership answered -----------------------------------------------


def test_answered_in_waiting_and_overdue_on_known_dates(client, board):
    space, director, member = board["space"], board["director"], board["member"]
    day = timedelta(days=1)
    topics = {
        "fast": asked(space, "Vraag snel", days_ago=10, answered_after=3 * day + timedelta(hours=2),
                      by=director),
        "late": asked(space, "Vraag laat", days_ago=30, answered_after=20 * day,
                      by=board["moderator"]),
        "waiting": asked(space, "Vraag wacht", days_ago=5),
        "overdue": asked(space, "Vraag verlopen", days_ago=20),
        # A colleague's answer is not the leadership's: still waiting, and overdue.
        "colleague": asked(space, "Vraag collega", days_ago=16, answered_after=day, by=member),
        "today": asked(space, "Vraag vandaag", days_ago=0),
    }  # fmt: skip
    expected = {
        "fast": (["answered in 3 days"], ["overdue", "after the deadline"]),
        "late": (["answered in 20 days", "after the deadline"], ["overdue"]),
        "waiting": (["waiting 5 days"], ["overdue"]),
        "overdue": (["waiting 20 days", "overdue"], ["answered"]),
        "colleague": (["waiting 16 days", "overdue"], ["answered in"]),
        "today": (["waiting less than a day"], ["overdue"]),
    }
    client.force_login(UserFactory())
    listing = client.get(OPEN_QA, **EN).content.decode()
    everything = client.get(reverse("forums:space", args=[space.slug]), **EN).content.decode()
    for key, topic in topics.items():
        shown, absent = expected[key]
        page = client.get(topic.get_absolute_url(), **EN).content.decode()
        meta = page.split('id="topic"', 1)[1].split("</p>", 1)[0]
        for where, text in (("topic", meta), ("open Q&A", row_of(listing, topic.title)),
                            ("forum", row_of(everything, topic.title))):  # fmt: skip
            for wanted in shown:
                assert wanted in text, (key, where, wanted)
            for unwanted in absent:
                assert unwanted not in text, (key, where, unwanted)
    # Other topics show nothing of it.
    plain = services.ask(author=member, space=space, kind="question", title="Gewone vraag",
                         language="nl")  # fmt: skip
    page = client.get(plain.get_absolute_url(), **EN).content.decode()
    assert "waiting" not in page and "answered in" not in page


def test_the_deadline_is_the_signal_policy(client, board):
    from intranet.signals.models import Policy

    topic = asked(board["space"], "Vraag na een week", days_ago=8)
    client.force_login(UserFactory())
    assert "overdue" not in client.get(topic.get_absolute_url(), **EN).content.decode()
    Policy.objects.create(response_days=7)
    assert "overdue" in client.get(topic.get_absolute_url(), **EN).content.decode()
    assert [t.pk for t in selectors.overdue_leadership_questions(user=board["member"])] == [
        topic.pk
    ]


# --- Only what the reader may read --------------------------------------------------------------


def test_only_questions_the_reader_may_read_are_listed_and_counted(board):
    team = SpaceFactory(name="Team Noord", visibility="private", closed_reason="x")
    insider = MembershipFactory(space=team).user
    outsider = UserFactory()
    public = asked(board["space"], "Open vraag", days_ago=20)
    closed = asked(team, "Vraag uit het team", days_ago=25, author=insider)
    hidden = asked(board["space"], "Verborgen vraag", days_ago=30)
    Topic.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())

    def overdue(user):
        return [t.pk for t in selectors.overdue_leadership_questions(user=user)]

    assert overdue(outsider) == [public.pk]
    assert overdue(insider) == [closed.pk, public.pk]  # the longest waiting first
    assert selectors.leadership_record(user=outsider)["asked"] == 1
    assert selectors.leadership_record(user=outsider)["overdue"] == 1
    assert selectors.leadership_record(user=insider)["asked"] == 2


# --- The leaders' follow-up ---------------------------------------------------------------------


def test_the_follow_up_panel_is_for_those_who_answer_for_the_leadership(client, board):
    overdue = asked(board["space"], "Wanneer komt het nieuwe beleid?", days_ago=21)
    asked(board["space"], "Nog op tijd", days_ago=2)
    heading = "Questions to the leadership waiting for an answer"
    for leader in (board["moderator"], board["director"], AdminFactory()):
        client.force_login(leader)
        page = client.get("/follow-up/", **EN).content.decode()
        assert heading in page, leader
        assert overdue.get_absolute_url() in page and "Nog op tijd" not in page
        assert "waiting 21 days" in row_of(page, overdue.title)
    for other in (board["member"], UserFactory()):
        client.force_login(other)
        page = client.get("/follow-up/", **EN).content.decode()
        assert heading not in page and overdue.title not in page


def test_the_follow_up_panel_lists_twenty_and_says_how_many(client, board):
    for n in range(25):
        asked(board["space"], f"Open vraag {n:02d}", days_ago=40 - n)
    client.force_login(board["moderator"])
    page = client.get("/follow-up/", **EN).content.decode()
    assert page.count("Open vraag") == 20
    assert "Open vraag 00" in page and "Open vraag 24" not in page  # the longest waiting
    assert "The 20 longest waiting of 25." in page


def test_no_panel_when_nothing_is_overdue(client, board):
    asked(board["space"], "Nog op tijd", days_ago=2)
    client.force_login(board["director"])
    page = client.get("/follow-up/", **EN).content.decode()
    assert "Questions to the leadership waiting for an answer" not in page


# --- The record in insights ---------------------------------------------------------------------


def test_the_insights_record_on_known_answers(client, board):
    space, director = board["space"], board["director"]
    day = timedelta(days=1)
    asked(space, "Twee dagen", days_ago=40, answered_after=2 * day, by=director)
    asked(space, "Zes dagen", days_ago=30, answered_after=6 * day, by=director)
    asked(space, "Twintig dagen", days_ago=60, answered_after=20 * day, by=director)
    asked(space, "Nog aan het wachten", days_ago=3)
    asked(space, "Te laat", days_ago=30)
    asked(space, "Lang geleden", days_ago=120)  # before the 90 days; overdue all the same
    asked(space, "Collega antwoordde", days_ago=10, answered_after=day, by=board["member"])
    secret = SpaceFactory(name="Fusie", visibility="secret", closed_reason="x")
    asked(secret, "Geheim", days_ago=30, author=MembershipFactory(space=secret).user)
    admin = AdminFactory()
    record = selectors.leadership_record(user=board["member"])
    assert record == {
        "days": 90, "deadline_days": 14, "asked": 6, "answered": 3, "in_time": 2,
        "median_days": 6.0, "overdue": 2,
    }  # fmt: skip
    # The administrator also reads the secret space (one more asked, one more overdue).
    assert selectors.leadership_record(user=admin)["asked"] == 7
    assert selectors.leadership_record(user=admin)["overdue"] == 3
    client.force_login(admin)
    page = client.get("/insights/follow-up/", **EN).content.decode()
    section = page.split('id="leadership-record-heading"', 1)[1]
    cells = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert cells == "<tr><td>7</td><td>3</td><td>2</td><td>6.0</td><td>3</td></tr>"
    assert "3 questions to the leadership are past their deadline without an answer." in section


def test_no_insights_record_without_a_leadership_space(client):
    client.force_login(AdminFactory())
    page = client.get("/insights/follow-up/", **EN).content.decode()
    assert "leadership-record-heading" not in page


# --- Fixed queries ------------------------------------------------------------------------------


def count_queries(client, url: str, *, before=None) -> int:
    client.get(url)  # warm: the policy, content types, the rail
    if before:
        before()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_leadership_lists_cost_the_same_with_2_and_30_questions(client, board):
    space, director = board["space"], board["director"]
    urls = [OPEN_QA, reverse("forums:space", args=[space.slug]), "/follow-up/",
            "/insights/follow-up/"]  # fmt: skip
    # The forum's own list is cached: measure drawing it.
    redraw = {urls[1]: lambda: forum_cache.topics_changed(space_id=space.pk)}

    def make(first, last):
        for n in range(first, last):
            answered = {"answered_after": timedelta(days=n % 5), "by": director} if n % 2 else {}
            # Unanswered ones are overdue: the follow-up panel lists them in both cases.
            asked(space, f"Vraag {n}", days_ago=n + 15, **answered)

    # An administrator: a leader (the follow-up panel) who may also open insights.
    client.force_login(AdminFactory())
    make(0, 2)
    small = {url: count_queries(client, url, before=redraw.get(url)) for url in urls}
    make(2, 30)
    large = {url: count_queries(client, url, before=redraw.get(url)) for url in urls}
    assert small == large, "a leadership list's queries should not grow with its questions"
    page = client.get(OPEN_QA, **EN).content.decode()
    assert page.count("Vraag ") >= 30 and "waiting 43 days" in page
