"""Secret stays secret in the forums (issue 19): one access layer (forums.access) for pages,
API, search, lists and digests, including the module switch; access checked before input;
a moderator's hide that an author's edit cannot undo; tags that do not tell they exist."""

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from forums import access, services
from forums import digest as forum_digest
from forums.models import Answer, Revision, Tag, TagFollow, Topic, Vote
from intranet.activity import services as activity
from intranet.governance import services as governance
from intranet.moderation import services as moderation
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MARKER = "Zqxgeheim"


def ask(space, author, title=f"Vraag over {MARKER} factuur", **extra):
    return services.ask(author=author, space=space, kind="question", title=title, **extra)


@pytest.fixture
def forum_off():
    """An open space whose owner switched the forum off after a question was asked."""
    space = SpaceFactory(name="Zonder forum", slug="zonder-forum")
    owner = MembershipFactory(space=space, role="owner").user
    member = MembershipFactory(space=space).user
    topic = ask(space, owner, ask_leadership=False)
    services.answer(author=member, topic=topic, body="Antwoord")
    space.modules = [m for m in space.modules if m != "forums"]
    space.save(update_fields=["modules"])
    return space, owner, member, topic


# --- 2. One access layer, with the module switch --------------------------------------------


def test_a_switched_off_forum_is_found_nowhere(client, forum_off):
    space, _owner, member, topic = forum_off
    outsider = UserFactory(language="en")
    for person in (outsider, member):
        client.force_login(person)
        assert client.get(topic.get_absolute_url()).status_code == 404
        assert client.get(f"/api/topics/{topic.pk}/").status_code == 404
        assert client.get(f"/api/spaces/{space.slug}/topics/").status_code == 404
        found = client.post(f"/api/spaces/{space.slug}/topics/", ["x"], "application/json")
        assert found.status_code == 404  # not "send an object": the space is not there
        for url in (
            reverse("forums:search") + "?q=factuur",
            "/api/topics/search/?q=factuur",
            reverse("forums:similar") + "?title=vraag over factuur",
            "/api/topics/similar/?title=vraag over factuur",
            reverse("forums:unanswered"),
            "/api/topics/unanswered/",
            reverse("search:search") + "?q=factuur",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert MARKER not in response.content.decode(), (person, url)
        response = client.get("/api/topics/search/", {"q": "factuur", "space": space.slug}, **EN)
        assert response.status_code == 400
        assert response.json()["space"] == ["There is no such space."]
    assert access.readable_topics(user=member).count() == 0
    assert Topic.objects.readable_by(member).count() == 0


def test_digest_leaves_out_questions_of_a_switched_off_forum():
    space = SpaceFactory()
    owner = MembershipFactory(space=space, role="owner").user
    member = MembershipFactory(space=space).user
    ask(space, owner)
    space.modules = [m for m in space.modules if m != "forums"]
    space.save(update_fields=["modules"])
    since = timezone.now() - timezone.timedelta(days=1)
    until = timezone.now() + timezone.timedelta(minutes=1)
    assert forum_digest.open_questions(user=member, since=since, until=until, limit=5) == []


def test_a_narrowed_view_keeps_the_forum_from_readers(client):
    space = SpaceFactory(name="Salaris")
    owner = MembershipFactory(space=space, role="owner").user
    reader = MembershipFactory(space=space, role="reader").user
    topic = ask(space, owner)
    governance.set_space_matrix(
        actor=owner, space=space, matrix={"view": ["owner", "moderator", "member"]}
    )
    client.force_login(reader)
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert client.get(f"/api/spaces/{space.slug}/topics/").status_code == 404
    assert MARKER not in client.get(reverse("forums:search"), {"q": "factuur"}).content.decode()
    assert MARKER not in client.get(reverse("forums:unanswered")).content.decode()


def test_access_topic_answers_404_for_missing_forbidden_and_malformed_ids(forum_off):
    _space, _owner, member, topic = forum_off
    open_topic = ask(MembershipFactory(user=member).space, member)
    assert access.access_topic(user=member, topic_id=str(open_topic.pk))[0] == open_topic
    for raw in (topic.pk, 999_999_999, "abc", "1e3", -1, 0, True, None, 2**80, "١٢"):
        with pytest.raises(Http404):
            access.access_topic(user=member, topic_id=raw)
    answer = Answer.objects.get(topic=topic)
    for raw in (answer.pk, "x", 999_999_999):
        with pytest.raises(Http404):
            access.access_answer(user=member, answer_id=raw)


# --- 3. A moderator's hide is not undone by an edit -------------------------------------------


@pytest.fixture
def hidden_answer():
    space = SpaceFactory(name="Open")
    moderator = MembershipFactory(space=space, role="moderator").user
    asker = MembershipFactory(space=space).user
    author = MembershipFactory(space=space).user
    topic = ask(space, asker, title="Gewone vraag hier")
    answer = services.answer(author=author, topic=topic, body="Eerste versie")
    services.edit_answer(actor=author, answer_id=answer.pk, body=f"Beledigend {MARKER}")
    moderation.hide(actor=moderator, kind="forums.answer", object_id=answer.pk, reason="Ongepast")
    return space, moderator, asker, author, topic, answer


def test_an_author_cannot_edit_a_hidden_answer(client, hidden_answer):
    _space, _moderator, _asker, author, _topic, answer = hidden_answer
    revisions = Revision.objects.count()
    client.force_login(author)
    url = reverse("forums:edit_answer", args=[answer.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Iets anders"}).status_code == 404
    response = client.patch(f"/api/answers/{answer.pk}/", {"body": "x"}, "application/json", **EN)
    assert response.status_code == 400
    assert "A moderator hid this post" in response.json()["body"][0]
    answer.refresh_from_db()
    assert answer.body == f"Beledigend {MARKER}" and Revision.objects.count() == revisions
    # No edit link on the topic page either (the author still sees their hidden answer).
    page = client.get(answer.topic.get_absolute_url()).content.decode()
    assert url not in page


def test_history_never_shows_hidden_posts_to_readers(client, hidden_answer):
    _space, moderator, asker, author, topic, _answer = hidden_answer
    history = reverse("forums:history", args=[topic.pk])
    for person in (asker, author, UserFactory()):
        client.force_login(person)
        page = client.get(history).content.decode()
        assert "Eerste versie" not in page, person
    client.force_login(moderator)
    assert "Eerste versie" in client.get(history).content.decode()


def test_a_moderator_may_still_edit_a_hidden_answer(hidden_answer):
    _space, moderator, _asker, _author, _topic, answer = hidden_answer
    services.edit_answer(actor=moderator, answer_id=answer.pk, body="Door moderator ingekort")
    answer.refresh_from_db()
    assert answer.body == "Door moderator ingekort"


def test_an_author_cannot_edit_a_hidden_topic(client):
    space = SpaceFactory()
    moderator = MembershipFactory(space=space, role="moderator").user
    author = MembershipFactory(space=space).user
    topic = ask(space, author)
    moderation.hide(actor=moderator, kind="forums.topic", object_id=topic.pk, reason="Ongepast")
    client.force_login(author)
    url = reverse("forums:edit", args=[topic.pk])
    assert client.get(url).status_code == 404
    data = {"title": "Onschuldige titel", "body": "", "tags": "", "language": "nl"}
    assert client.post(url, data).status_code == 404
    assert not Revision.objects.exists()


# --- 4. Access before input ------------------------------------------------------------------


@pytest.fixture
def secret_answer():
    space = SpaceFactory(name="Geheim", visibility="secret", closed_reason="x")
    asker = MembershipFactory(space=space).user
    topic = ask(space, asker)
    answer = services.answer(author=MembershipFactory(space=space).user, topic=topic, body="Ja")
    services.vote(user=asker, answer_id=answer.pk, value=1)
    return space, asker, answer


@pytest.mark.parametrize("value", ["1", "7", "abc", ""])
def test_voting_on_what_one_may_not_see_is_404_whatever_the_value(client, secret_answer, value):
    _space, _asker, answer = secret_answer
    client.force_login(UserFactory())
    url = reverse("forums:vote", args=[answer.pk])
    for target in (url, reverse("forums:vote", args=[999_999_999])):
        response = client.post(target, {"value": value}, HTTP_HX_REQUEST="true")
        assert response.status_code == 404, (target, value)
        assert "X-Plein-Refused" not in response
    api = client.post(f"/api/answers/{answer.pk}/vote/", {"value": value}, "application/json")
    assert api.status_code == 404
    assert Vote.objects.count() == 1


def test_voting_in_a_switched_off_forum_is_404(client, forum_off):
    _space, _owner, member, topic = forum_off
    answer = Answer.objects.get(topic=topic)
    client.force_login(member)
    assert client.post(reverse("forums:vote", args=[answer.pk]), {"value": "1"}).status_code == 404
    assert not Vote.objects.exists()


def test_a_bad_vote_where_one_may_read_is_still_refused_clearly(client, secret_answer):
    _space, asker, answer = secret_answer
    client.force_login(asker)
    response = client.post(
        reverse("forums:vote", args=[answer.pk]), {"value": "7"}, HTTP_HX_REQUEST="true", **EN
    )
    assert response.status_code == 200 and response["X-Plein-Refused"] == "1"
    assert "Vote up, down or take your vote back." in response.content.decode()
    api = client.post(f"/api/answers/{answer.pk}/vote/", {"value": "x"}, "application/json")
    assert api.status_code == 400


def test_reacting_with_a_bad_kind_to_a_secret_post_is_404(client):
    space = SpaceFactory(visibility="secret", closed_reason="x")
    member = MembershipFactory(space=space).user
    post = activity.create_post(author=member, space=space, body=f"Bericht {MARKER}")
    activity.react(user=member, target=post, kind="like")
    client.force_login(UserFactory())
    url = reverse("activity:react", args=[post.pk])
    for kind in ("like", "onzin", ""):
        response = client.post(url, {"kind": kind}, HTTP_HX_REQUEST="true")
        assert response.status_code == 404, kind
    client.force_login(member)
    response = client.post(url, {"kind": "onzin"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200


# --- 5. Following a tag does not tell whether it exists ---------------------------------------


def test_following_a_secret_tag_answers_as_an_unknown_tag(client):
    space = SpaceFactory(visibility="secret", closed_reason="x")
    ask(space, MembershipFactory(space=space).user, tags="overname-xyz")
    client.force_login(UserFactory(language="en"))
    answers = {}
    for slug in ("overname-xyz", "nooit-gebruikt"):
        response = client.post(reverse("forums:follow_tag", args=[slug]), follow=True, **EN)
        answers[slug] = (response.status_code, response.redirect_chain)
        assert f"You will hear about new answers on {slug}." in response.content.decode()
    assert answers["overname-xyz"] == answers["nooit-gebruikt"]
    # Following does not open the secret topics: no news from them either.
    assert TagFollow.objects.count() == 2
    assert Tag.objects.get(slug="nooit-gebruikt").topics.count() == 0
