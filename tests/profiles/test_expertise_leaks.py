"""Expertise derived from forum content keeps the space it came from: "Who knows about...?"
counts and shows it only to readers of that space (with the forum switched on), and it is
withdrawn when the question or answer is hidden, moved, merged or its space deleted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from forums import expertise as forum_expertise
from forums import selectors as forum_selectors
from forums import services as forums
from intranet.governance import services as governance
from intranet.moderation import services as moderation
from profiles import expertise, selectors, services
from profiles.models import Evidence
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SECRET_TITLE = "Reorganisatie Operations: wie vertrekt er?"


@pytest.fixture(autouse=True)
def forums_provider():
    """The forums' own provider (another test may have put a stand-in in its place)."""
    before = expertise.providers().get("answers")
    expertise.register(forum_expertise.provider())
    yield
    expertise.unregister("answers")
    if before is not None:
        expertise.register(before)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run a write and what follows it after commit (the evidence is recomputed then)."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def accepted(space, *, asker, answerer, title, tags="reorg", run):
    topic = forums.ask(author=asker, space=space, kind="question", title=title, tags=tags)
    answer = forums.answer(author=answerer, topic=topic, body="Zo zit het.")
    run(lambda: forums.accept(actor=asker, topic=topic, answer_id=answer.pk))
    return topic, answer


@pytest.fixture
def secret(run_on_commit):
    space = SpaceFactory(name="Reorganisatie", visibility="secret", closed_reason="x")
    owner = MembershipFactory(space=space, role="owner").user
    asker = MembershipFactory(space=space).user
    expert = MembershipFactory(space=space, user=UserFactory(first_name="Geheime")).user
    topic, answer = accepted(
        space, asker=asker, answerer=expert, title=SECRET_TITLE, run=run_on_commit
    )
    return space, owner, asker, expert, topic, answer


def finder(client, person, topic="reorg") -> tuple[str, list]:
    client.force_login(person)
    page = client.get(reverse("profiles:expertise"), {"topic": topic}, **EN)
    api = client.get("/api/expertise/", {"topic": topic}, **EN)
    assert page.status_code == api.status_code == 200
    return page.content.decode(), api.json()


def test_a_secret_question_title_is_not_shown_to_outsiders(client, secret):
    _space, _owner, asker, expert, _topic, _answer = secret
    outsider = UserFactory(language="en")
    page, api = finder(client, outsider)
    assert "Reorganisatie Operations" not in page and "Reorganisatie Operations" not in str(api)
    assert expert.display_name not in page and api == []
    # Readers of the space see the evidence with its example.
    page, api = finder(client, asker)
    assert "1 accepted answer on reorg (such as “Reorganisatie Operations" in page
    assert api[0]["person"]["id"] == expert.pk
    assert Evidence.objects.get(source="answers").space_id == secret[0].pk


def test_counts_include_only_spaces_the_reader_may_read(client, secret, run_on_commit):
    space, _owner, asker, expert, _topic, _answer = secret
    open_space = SpaceFactory(name="Open")
    colleague = MembershipFactory(space=open_space).user
    MembershipFactory(space=open_space, user=expert)
    accepted(open_space, asker=colleague, answerer=expert, title="Nieuwe teams vormen",
             run=run_on_commit)  # fmt: skip
    accepted(space, asker=asker, answerer=expert, title="Wie leidt Operations straks?",
             run=run_on_commit)  # fmt: skip
    page, api = finder(client, UserFactory(language="en"))
    assert "1 accepted answer on reorg (such as “Nieuwe teams vormen”)" in page
    assert api[0]["why"] == ["1 accepted answer on reorg (such as “Nieuwe teams vormen”)"]
    assert "Operations" not in page and "Operations" not in str(api)
    page, api = finder(client, asker)
    assert "3 accepted answers on reorg" in page
    # Split over spaces, evidence weighs as much as in one space.
    with translation.override("en"):
        score = selectors.experts(viewer=asker, topic="reorg")[0].score
    rows = list(Evidence.objects.filter(source="answers"))
    Evidence.objects.filter(source="answers").delete()
    Evidence.objects.create(
        person=expert,
        topic="reorg",
        source="answers",
        space=space,
        count=sum(r.count for r in rows),
        last_at=max(r.last_at for r in rows),
    )
    assert selectors.experts(viewer=asker, topic="reorg")[0].score == pytest.approx(score)


def test_a_space_with_the_forum_switched_off_or_a_narrowed_view_shows_nothing(
    client, run_on_commit
):
    space = SpaceFactory(name="Open maar dicht")
    owner = MembershipFactory(space=space, role="owner").user
    reader = MembershipFactory(space=space, role="reader").user
    expert = MembershipFactory(space=space).user
    accepted(space, asker=owner, answerer=expert, title="Vertrouwelijke reorg-vraag",
             run=run_on_commit)  # fmt: skip
    outsider = UserFactory(language="en")
    assert "Vertrouwelijke" in finder(client, outsider)[0]
    space.modules = [m for m in space.modules if m != "forums"]
    space.save(update_fields=["modules"])
    page, api = finder(client, outsider)
    assert "Vertrouwelijke" not in page and api == []
    space.modules = [*space.modules, "forums"]
    space.save(update_fields=["modules"])
    governance.set_space_matrix(
        actor=owner, space=space, matrix={"view": ["owner", "moderator", "member"]}
    )
    for person in (outsider, reader):
        page, api = finder(client, person)
        assert "Vertrouwelijke" not in page and api == []


def test_hiding_withdraws_the_evidence_and_restoring_brings_it_back(client, run_on_commit):
    space = SpaceFactory(name="Open")
    moderator = MembershipFactory(space=space, role="moderator").user
    asker = MembershipFactory(space=space).user
    expert = MembershipFactory(space=space).user
    topic, answer = accepted(space, asker=asker, answerer=expert, title="Ongepaste vraag",
                             run=run_on_commit)  # fmt: skip
    reader = UserFactory(language="en")
    assert "Ongepaste vraag" in finder(client, reader)[0]
    run_on_commit(lambda: moderation.hide(actor=moderator, kind="forums.topic",
                                          object_id=topic.pk, reason="Ongepast"))  # fmt: skip
    page, api = finder(client, reader)
    assert "Ongepaste vraag" not in page and api == []
    assert not Evidence.objects.filter(source="answers").exists()
    run_on_commit(lambda: moderation.restore(actor=moderator, kind="forums.topic",
                                             object_id=topic.pk, reason="Toch goed"))  # fmt: skip
    assert "Ongepaste vraag" in finder(client, reader)[0]
    # The accepted answer hidden: no longer accepted, no longer evidence.
    run_on_commit(lambda: moderation.hide(actor=moderator, kind="forums.answer",
                                          object_id=answer.pk, reason="Fout antwoord"))  # fmt: skip
    assert finder(client, reader)[1] == []
    assert not Evidence.objects.filter(source="answers").exists()


def test_moving_a_question_moves_its_evidence(client, run_on_commit):
    open_space = SpaceFactory(name="Open")
    secret = SpaceFactory(name="Geheim", visibility="secret", closed_reason="x")
    moderator = MembershipFactory(space=open_space, role="moderator").user
    MembershipFactory(space=secret, user=moderator, role="moderator")
    asker = MembershipFactory(space=open_space).user
    expert = MembershipFactory(space=open_space).user
    topic, _answer = accepted(open_space, asker=asker, answerer=expert,
                              title="Hoort eigenlijk in het geheim", run=run_on_commit)  # fmt: skip
    reader = UserFactory(language="en")
    assert "Hoort eigenlijk" in finder(client, reader)[0]
    run_on_commit(lambda: forums.move(actor=moderator, topic=topic, to_space=secret))
    page, api = finder(client, reader)
    assert "Hoort eigenlijk" not in page and api == []
    assert Evidence.objects.get(source="answers").space_id == secret.pk
    assert "Hoort eigenlijk" in finder(client, moderator)[0]
    # Merged into another question: its accepted answer no longer counts.
    original = forums.ask(author=moderator, space=secret, kind="question", title="Het origineel")
    run_on_commit(lambda: forums.merge(actor=moderator, topic=topic, into_id=original.pk))
    assert not Evidence.objects.filter(source="answers").exists()


def test_deleting_the_space_deletes_its_evidence(secret):
    space = secret[0]
    assert Evidence.objects.filter(source="answers").exists()
    space.delete()
    assert not Evidence.objects.filter(source="answers").exists()


def test_retagging_moves_the_evidence_to_the_new_tags(client, secret, run_on_commit):
    _space, _owner, asker, _expert, topic, _answer = secret
    run_on_commit(lambda: forums.edit_topic(actor=asker, topic=topic, title=topic.title,
                                            body="", tags="herindeling"))  # fmt: skip
    assert list(Evidence.objects.values_list("topic", flat=True)) == ["herindeling"]
    assert finder(client, asker)[1] == []


def test_suggested_experts_are_not_ranked_by_secret_evidence(secret):
    _space, _owner, _asker, expert, _topic, _answer = secret
    outsider = UserFactory()
    assert selectors.experts_by_topic(viewer=outsider, topics=["reorg"]) == {}
    ranked = selectors.experts_by_topic(viewer=secret[2], topics=["reorg"])
    assert [person_id for person_id, _score in ranked["reorg"]] == [expert.pk]


def test_a_rebuild_gives_the_same_rows_as_the_live_updates(secret, run_on_commit):
    space = secret[0]
    other = SpaceFactory()
    expert = secret[3]
    MembershipFactory(space=other, user=expert)
    asker = MembershipFactory(space=other).user
    accepted(other, asker=asker, answerer=expert, title="Nog een", tags="reorg, c#",
             run=run_on_commit)  # fmt: skip
    columns = ("person_id", "topic", "source", "space_id", "count", "examples")
    live = sorted(Evidence.objects.filter(source="answers").values_list(*columns))
    assert {row[3] for row in live} == {space.pk, other.pk}
    Evidence.objects.all().delete()
    services.rebuild_evidence(source="answers")
    assert sorted(Evidence.objects.values_list(*columns)) == live


def test_the_finder_costs_the_same_queries_however_many_spaces(secret, run_on_commit):
    _space, _owner, asker, expert, _topic, _answer = secret

    def count() -> int:
        asker.__dict__.pop("_readable_spaces", None)
        with CaptureQueriesContext(connection) as queries, translation.override("en"):
            assert selectors.experts(viewer=asker, topic="reorg")
        return len(queries)

    before = count()
    for n in range(4):
        space = SpaceFactory()
        MembershipFactory(space=space, user=asker)
        MembershipFactory(space=space, user=expert)
        accepted(space, asker=asker, answerer=expert, title=f"Vraag {n}", run=run_on_commit)
    assert count() == before == 3


def test_the_unanswered_page_suggests_no_one_from_secret_evidence(client, secret):
    _space, _owner, _asker, expert, _topic, _answer = secret
    open_space = SpaceFactory()
    outsider = MembershipFactory(space=open_space, user=UserFactory(language="en")).user
    asker = MembershipFactory(space=open_space).user
    forums.ask(author=asker, space=open_space, kind="question", title="Hoe reorg?", tags="reorg")
    topics = forum_selectors.with_suggested_experts(
        user=outsider, topics=forum_selectors.unanswered_for(user=outsider)
    )
    assert topics and topics[0].experts == []
    client.force_login(outsider)
    assert expert.display_name not in client.get(reverse("forums:unanswered")).content.decode()
