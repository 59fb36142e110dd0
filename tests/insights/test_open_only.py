"""Insights count only what people do in the open (issue 19): interactions in open spaces that
every colleague may read, never in private or secret spaces, spaces whose View was narrowed,
modules switched off or content a moderator hid. Otherwise department ties would tell who
works together behind closed doors. The pages say exactly that."""

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from forums.models import Answer, Topic
from gamification.models import Reuse, Story
from insights import services, sources
from intranet.activity.models import Comment, Notification, Reaction
from knowledge.models import Article, Suggestion
from processes.models import Board, Card, Move, Step
from tests.factories import MembershipFactory, SpaceFactory
from tests.insights.conftest import comment, post_by, react

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def space_of(where: str):
    """A space of each kind of closedness, every member of IT and HR inside where it matters."""
    if where == "open":
        return SpaceFactory(name="Open plein")
    if where == "narrowed":  # open, but owners took View away from readers and outsiders
        return SpaceFactory(name="Smal", matrix={"view": ["owner", "moderator", "member"]})
    if where == "forums-off":
        return SpaceFactory(name="Zonder forum", modules=["knowledge", "boards", "stories"])
    return SpaceFactory(name=f"Dicht {where}", visibility=where, closed_reason="Vertrouwelijk")


def members(space, *people):
    for person in people:
        MembershipFactory(space=space, user=person)


def meet(org, space) -> None:
    """IT and HR meet in `space`: every IT person comments on and reacts to each HR post, and
    answers an HR question."""
    it, hr = org["people"]["it"], org["people"]["hr"]
    members(space, *it, *hr)
    for author in hr:
        post = post_by(author, space)
        question = Topic.objects.create(
            space=space, author=author, kind="question", title="Hoe?", language="nl",
            created_at=timezone.now() - 2 * DAY,
        )  # fmt: skip
        for other in it:
            react(other, post)
            comment(other, post)
            Answer.objects.create(topic=question, author=other, body="Zo.",
                                  created_at=timezone.now() - DAY)  # fmt: skip


def it_hr_weight(client, org) -> float:
    services.take_snapshot(window=90)
    client.force_login(org["manager"])
    answer = client.get("/api/insights/network/")
    assert answer.status_code == 200
    ids = {org["departments"]["it"].pk, org["departments"]["hr"].pk}
    return sum(t["weight"] for t in answer.json()["ties"] if {t["a"], t["b"]} == ids)


def test_meeting_in_the_open_makes_a_tie(client, org):
    meet(org, space_of("open"))
    assert it_hr_weight(client, org) > 0
    it = next(
        d for d in client.get("/api/insights/network/").json()["departments"] if d["name"] == "IT"
    )
    assert it["external"] > 0


@pytest.mark.parametrize("where", ["secret", "private", "narrowed"])
def test_meeting_behind_closed_doors_leaves_no_tie(client, org, where):
    meet(org, space_of(where))
    assert it_hr_weight(client, org) == 0
    network = client.get("/api/insights/network/").json()
    it = next(d for d in network["departments"] if d["name"] == "IT")
    assert it["external"] == 0 and it["partners"] == 0 and it["silo"]
    csv = client.get("/insights/?export=ties").content.decode()
    assert "HR" not in csv or "IT" not in csv
    # The interactions are not counted either.
    assert services.selectors.latest(window=90).interactions == org["interactions"]


def test_the_pages_say_what_counts(client, org):
    services.refresh()
    client.force_login(org["manager"])
    for url in ("/insights/", "/insights/adoption/", "/insights/me/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "only from what people do in the open" in page
        assert "in open spaces that every colleague can read" in page
        assert "Private and secret spaces, content a moderator hid" in page
    page = client.get("/insights/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "interactions in open spaces between" in page


# --- Every kind of interaction, in the open and in a secret space ------------------------------


def _answer(space, it, hr):
    topic = Topic.objects.create(space=space, author=hr, kind="question", title="Vraag",
                                 language="nl", created_at=timezone.now() - 2 * DAY)  # fmt: skip
    Answer.objects.create(topic=topic, author=it, body="Antwoord", created_at=timezone.now() - DAY)


def _comment_on_answer(space, it, hr):
    topic = Topic.objects.create(space=space, author=it, kind="question", title="Vraag",
                                 language="nl", created_at=timezone.now() - 3 * DAY)  # fmt: skip
    answer = Answer.objects.create(topic=topic, author=hr, body="Antwoord",
                                   created_at=timezone.now() - 2 * DAY)  # fmt: skip
    _on(answer, it, comment=True)


def _on(target, person, *, comment: bool = False):
    kind = ContentType.objects.get_for_model(target)
    if comment:
        found = Comment.objects.create(content_type=kind, object_id=target.pk, author=person,
                                       body="Goed", body_html="<p>Goed</p>")  # fmt: skip
        Comment.objects.filter(pk=found.pk).update(created_at=timezone.now() - DAY)
    else:
        found = Reaction.objects.create(content_type=kind, object_id=target.pk, user=person,
                                        kind="like")  # fmt: skip
        Reaction.objects.filter(pk=found.pk).update(created_at=timezone.now() - DAY)


def _article(space, owner):
    return Article.objects.create(space=space, title="Werkwijze", language="nl", owner=owner,
                                  review_at=date.today() + 100 * DAY,
                                  created_at=timezone.now() - 3 * DAY)  # fmt: skip


def _story(space, author):
    return Story.objects.create(space=space, author=author, title="Gelukt", challenge="c",
                                approach="a", result="r",
                                published_at=timezone.now() - 3 * DAY)  # fmt: skip


def _card(space, owner, org):
    board = Board.objects.create(space=space, name="Proces")
    first = Step.objects.create(board=board, name="Eerst", position=1,
                                department=org["departments"]["hr"])  # fmt: skip
    then = Step.objects.create(board=board, name="Dan", position=2,
                               department=org["departments"]["it"])  # fmt: skip
    card = Card.objects.create(board=board, step=first, title="Zaak", owner=owner,
                               created_at=timezone.now() - 3 * DAY)  # fmt: skip
    return card, first, then


def _reaction_on_article(space, it, hr, org):
    _on(_article(space, hr), it)


def _comment_on_story(space, it, hr, org):
    _on(_story(space, hr), it, comment=True)


def _reaction_on_card(space, it, hr, org):
    _on(_card(space, hr, org)[0], it)


def _mention(space, it, hr, org):
    Notification.objects.create(recipient=hr, kind="mention", group_key="mention:x", actor=it,
                                url="/", space=space)  # fmt: skip


def _suggestion(space, it, hr, org):
    Suggestion.objects.create(article=_article(space, hr), proposer=it, base_number=1, title="t",
                              body="b", status="accepted", decided_by=hr,
                              decided_at=timezone.now() - DAY)  # fmt: skip


def _handoff(space, it, hr, org):
    card, first, then = _card(space, hr, org)
    Move.objects.create(card=card, from_step=first, to_step=then, by=it,
                        at=timezone.now() - DAY, from_department=first.department,
                        to_department=then.department)  # fmt: skip


def _reuse(space, it, hr, org):
    Reuse.objects.create(story=_story(space, hr), department=it.department, user=it,
                         kind="lead", created_at=timezone.now() - DAY)  # fmt: skip


KINDS = {
    "answer": lambda space, it, hr, org: _answer(space, it, hr),
    "comment on an answer": lambda space, it, hr, org: _comment_on_answer(space, it, hr),
    "reaction on an article": _reaction_on_article,
    "comment on a story": _comment_on_story,
    "reaction on a card": _reaction_on_card,
    "mention": _mention,
    "accepted suggestion": _suggestion,
    "hand-off": _handoff,
    "reuse": _reuse,
}


def tied(it, hr) -> bool:
    now = timezone.now()
    found, _count = sources.ties(since=now - 90 * DAY, until=now)
    return any({a, b} == {it.pk, hr.pk} for a, b, _w in found)


@pytest.mark.parametrize("where", ["open", "secret"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_of_interaction_counts_only_in_the_open(org, kind, where):
    it, hr = org["people"]["it"][0], org["people"]["hr"][0]
    space = space_of(where)
    members(space, it, hr)
    KINDS[kind](space, it, hr, org)
    assert tied(it, hr) is (where == "open")
    if kind == "hand-off":
        now = timezone.now()
        handed = sources.handoffs(since=now - 90 * DAY, until=now)
        assert bool(handed) is (where == "open")


def test_hidden_content_and_switched_off_modules_do_not_count(org):
    it, hr = org["people"]["it"], org["people"]["hr"]
    open_space = space_of("open")
    # A question a moderator hid: its answers and the comments on them do not count.
    topic = Topic.objects.create(space=open_space, author=hr[0], kind="question", title="Weg",
                                 language="nl", hidden_at=timezone.now(),
                                 created_at=timezone.now() - 3 * DAY)  # fmt: skip
    answer = Answer.objects.create(topic=topic, author=it[0], body="Antwoord",
                                   created_at=timezone.now() - 2 * DAY)  # fmt: skip
    _on(answer, hr[1], comment=True)
    # A hidden article and a hidden story.
    article = _article(open_space, hr[2])
    Article.objects.filter(pk=article.pk).update(hidden_at=timezone.now())
    _on(article, it[2])
    story = _story(open_space, hr[3])
    Story.objects.filter(pk=story.pk).update(hidden_at=timezone.now())
    _on(story, it[3])
    # A space with its forums switched off: its questions are read nowhere.
    _answer(space_of("forums-off"), it[4], hr[4])
    # A mention whose origin is unknown.
    Notification.objects.create(recipient=hr[0], kind="mention", group_key="mention:y",
                                actor=it[1], url="/")  # fmt: skip
    for person in it:
        assert not any(tied(person, other) for other in hr)
