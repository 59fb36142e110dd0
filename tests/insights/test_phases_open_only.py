"""Adoption figures count only what happens in the open (issue 19), like the network: the same
activity in a secret space, in an open space whose View was narrowed away from readers, in a
space with the content's module switched off or hidden by a moderator leaves every figure as
it was, while in an open space it moves the figure. Otherwise a department's phase would tell
what its people do behind closed doors. Whether people signed in and filled in their profile
is not content and counts for everyone."""

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from forums.models import Answer, Topic
from gamification.models import Reuse, Story
from insights import phases, services
from intranet.activity.models import Comment
from intranet.governance.constants import Module
from knowledge.models import Article, Suggestion
from processes.models import Board, Card, ExceptionGroup, Move, PainPoint, Step
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    SpaceFactory,
    UserFactory,
)
from tests.helpers import exception_signal
from tests.insights.conftest import post_by

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def teams():
    """IT and HR, five people each (the minimum group), nothing written yet."""
    it, hr = DepartmentFactory(name="IT", slug="it"), DepartmentFactory(name="HR", slug="hr")
    return {
        "it": it,
        "hr": hr,
        "it_people": [UserFactory(department=it) for _n in range(5)],
        "hr_people": [UserFactory(department=hr) for _n in range(5)],
    }


def space_of(where: str, teams, *, modules=None):
    """IT's department space (pain points and boards count for the space's department), open,
    secret or open with View narrowed; everyone of IT and HR is a member."""
    extra = {"modules": modules} if modules is not None else {}
    if where == "secret":
        extra.update(visibility="secret", closed_reason="Vertrouwelijk")
    elif where == "narrowed":
        extra["matrix"] = {"view": ["owner", "moderator", "member"]}
    space = SpaceFactory(kind="department", department=teams["it"], name=f"IT {where}", **extra)
    for person in [*teams["it_people"], *teams["hr_people"]]:
        MembershipFactory(space=space, user=person)
    return space


def figures() -> dict:
    now = timezone.now()
    return phases.figures(since=now - 90 * DAY, until=now)


def _topic(space, author, **extra) -> Topic:
    return Topic.objects.create(space=space, author=author, kind="question", title="Hoe?",
                                language="nl", created_at=timezone.now() - 3 * DAY,
                                **extra)  # fmt: skip


def _answer(topic, author, **extra) -> Answer:
    return Answer.objects.create(topic=topic, author=author, body="Zo.",
                                 created_at=timezone.now() - 2 * DAY, **extra)  # fmt: skip


def _comment(target, author, **extra) -> Comment:
    found = Comment.objects.create(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk,
        author=author, body="Goed", body_html="<p>Goed</p>", **extra,
    )  # fmt: skip
    Comment.objects.filter(pk=found.pk).update(created_at=timezone.now() - DAY)
    return found


def _article(space, owner, **extra) -> Article:
    return Article.objects.create(space=space, title="Werkwijze", language="nl", owner=owner,
                                  review_at=date.today() + 100 * DAY,
                                  created_at=timezone.now() - 3 * DAY, **extra)  # fmt: skip


def _story(space, author, **extra) -> Story:
    return Story.objects.create(space=space, author=author, title="Gelukt", challenge="c",
                                approach="a", result="r",
                                published_at=timezone.now() - 3 * DAY, **extra)  # fmt: skip


def _board(space, teams):
    board = Board.objects.create(space=space, name="Proces")
    first = Step.objects.create(board=board, name="Eerst", position=1, department=teams["it"])
    then = Step.objects.create(board=board, name="Dan", position=2, department=teams["hr"])
    return board, first, then


# --- What people of IT and HR do in the space, and what it moves in the open -----------------
# Each returns {(department, figure): value in the open}; elsewhere the figure stays as it was.


def posting(space, teams):
    """Four of IT's five post, ask, answer and comment (on an article: through its space)."""
    it, hr = teams["it_people"], teams["hr_people"]
    post_by(it[0], space)
    _topic(space, it[1])
    _answer(_topic(space, hr[0]), it[2])
    _comment(_article(space, hr[1]), it[3])
    return {("it", "posting"): 0.8}


def answered(space, teams):
    """An IT question answered by HR: a reply, and a cross-department answer."""
    _answer(_topic(space, teams["it_people"][0]), teams["hr_people"][0])
    return {("it", "replied"): 1.0, ("it", "cross_answered"): 1}


def commented(space, teams):
    """An IT post with a comment from HR: a reply."""
    _comment(post_by(teams["it_people"][0], space), teams["hr_people"][0])
    return {("it", "replied"): 1.0}


def acted(space, teams):
    """A pain point on IT's board acknowledged and a suggestion on an IT article accepted."""
    board, first, _then = _board(space, teams)
    PainPoint.objects.create(board=board, step=first, author=teams["hr_people"][0], what="Traag",
                             frequency="daily", impact="high", status="acknowledged",
                             created_at=timezone.now() - 2 * DAY)  # fmt: skip
    Suggestion.objects.create(article=_article(space, teams["it_people"][0]),
                              proposer=teams["hr_people"][1], base_number=1, title="t", body="b",
                              status="accepted", decided_by=teams["it_people"][0],
                              decided_at=timezone.now() - DAY,
                              created_at=timezone.now() - 2 * DAY)  # fmt: skip
    return {("it", "acted"): 1.0}


def moved(space, teams):
    """A card moved on IT's board: a board in use."""
    board, first, then = _board(space, teams)
    card = Card.objects.create(board=board, step=first, title="Zaak",
                               owner=teams["it_people"][0])  # fmt: skip
    Move.objects.create(card=card, from_step=first, to_step=then, by=teams["it_people"][0],
                        at=timezone.now() - DAY, from_department=teams["it"],
                        to_department=teams["hr"])  # fmt: skip
    return {("it", "boards"): 1}


def signalled(space, teams):
    """A signal on a board in the space, owned by an IT person, answered in time."""
    board, _first, _then = _board(space, teams)
    group = ExceptionGroup.objects.create(board=board, title="Klant wil iets anders")
    exception_signal(group, owner=teams["it_people"][0],
                          due_at=timezone.now() - DAY, responded_at=timezone.now() - 2 * DAY,
                          response="Gedaan", status="adopted")  # fmt: skip
    return {("it", "signals_in_time"): 1.0}


def reused(space, teams):
    """An IT story that HR reused."""
    Reuse.objects.create(story=_story(space, teams["it_people"][0]), department=teams["hr"],
                         user=teams["hr_people"][0], kind="lead",
                         created_at=timezone.now() - DAY)  # fmt: skip
    return {("it", "reused"): 1}


SCENARIOS = {
    "posting": (posting, None),
    "answered question": (answered, Module.FORUMS),
    "commented post": (commented, None),
    "acted on": (acted, None),
    "card moved": (moved, Module.BOARDS),
    "signal answered": (signalled, Module.BOARDS),
    "story reused": (reused, Module.STORIES),
}


@pytest.mark.parametrize("where", ["open", "secret", "narrowed"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_each_figure_counts_only_what_happens_in_the_open(teams, scenario, where):
    before = figures()
    moves = SCENARIOS[scenario][0](space_of(where, teams), teams)
    after = figures()
    if where == "open":
        for (team, key), value in moves.items():
            assert before[teams[team].pk][key] != value
            assert after[teams[team].pk][key] == value, key
    else:  # not one figure of any department moved
        assert after == before


@pytest.mark.parametrize("scenario", [name for name, (_act, module) in SCENARIOS.items() if module])
def test_a_switched_off_module_does_not_count(teams, scenario):
    act, module = SCENARIOS[scenario]
    before = figures()
    act(space_of("open", teams, modules=[m for m in Module.values if m != module]), teams)
    assert figures() == before


def test_hidden_content_does_not_count(teams):
    it, hr = teams["it_people"], teams["hr_people"]
    space = space_of("open", teams)
    before = figures()
    hidden = {"hidden_at": timezone.now()}
    _answer(_topic(space, it[0], **hidden), hr[0])  # a hidden question and its answer
    _answer(_topic(space, hr[1]), it[1], **hidden)  # a hidden answer to an open question
    _comment(post_by(hr[2], space), it[2], **hidden)  # a hidden comment
    Reuse.objects.create(story=_story(space, it[3], **hidden), department=teams["hr"],
                         user=hr[3], kind="lead")  # fmt: skip
    Suggestion.objects.create(article=_article(space, it[4], **hidden), proposer=hr[4],
                              base_number=1, title="t", body="b", status="accepted")  # fmt: skip
    after = figures()
    mine, theirs = after[teams["it"].pk], after[teams["hr"].pk]
    assert mine == before[teams["it"].pk]  # no posting, reply, reuse or suggestion acted on
    assert mine["posting"] == 0 and mine["reused"] == 0 and mine["acted"] is None
    # HR's open question and post count, but the hidden answer and comment are no reply.
    assert theirs["posting"] == 0.4 and theirs["replied"] == 0.0
    assert theirs["cross_answered"] == 0


def test_profile_figures_count_for_everyone(teams):
    """Signing in is not content: it counts whatever spaces people work in."""
    for person in teams["it_people"][:3]:
        person.last_login = timezone.now()
        person.save(update_fields=["last_login"])
    space_of("secret", teams)
    assert figures()[teams["it"].pk]["signed_in"] == 0.6


@pytest.mark.parametrize("where", ["open", "secret", "narrowed"])
def test_the_adoption_api_and_page_show_only_the_open(client, teams, where):
    """Over HTTP: the phases recorded by the daily task, as the API and the page give them."""
    space = space_of(where, teams)
    reused(space, teams)
    signalled(space, teams)
    services.record_phases()
    client.force_login(AdminFactory())
    answer = client.get("/api/insights/phases/")
    assert answer.status_code == 200
    row = next(r for r in answer.json()["results"] if r["name"] == "IT")
    checks = {c["rule"]: c["value"] for c in row["checks"]}
    if where == "open":
        assert checks["reused"] == 1 and checks["signals_in_time"] == 1.0
    else:
        assert checks["reused"] == 0 and checks["signals_in_time"] is None
    with translation.override("en"):
        page = client.get("/insights/adoption/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Like the network, they are built only from what happens in open spaces" in text
    assert "The adoption phases are built the same way" in text
