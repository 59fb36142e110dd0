"""Moderation: reports from readers, the moderators' queue, hiding and restoring with a reason
the author reads, locking, pinning, moving and merging topics, and the pace of new accounts.
Everything over HTTP against PostgreSQL and Redis."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from forums import services as forums
from forums.models import Answer, TopicFollow, Vote
from intranet.activity.models import Activity, Comment, Notification
from intranet.governance.models import AuditEntry
from intranet.moderation.models import Report
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def space():
    return SpaceFactory(name="Financiën", slug="financien")


@pytest.fixture
def people(space):
    """asker, answerer, reader (members), moderator of the space."""
    return (
        MembershipFactory(space=space, user=UserFactory(language="en")).user,
        MembershipFactory(space=space, user=UserFactory(language="en")).user,
        MembershipFactory(space=space, user=UserFactory(language="en")).user,
        MembershipFactory(space=space, role="moderator", user=UserFactory(language="en")).user,
    )


@pytest.fixture
def thread(space, people):
    asker, answerer, _reader, _moderator = people
    topic = forums.ask(
        author=asker, space=space, kind="question", title="Hoe boek ik btw op export?"
    )
    answer = forums.answer(author=answerer, topic=topic, body="Koop nu goedkope horloges!")
    return topic, answer


def report(client, kind, object_id, reason="spam", note=""):
    return client.post(
        reverse("moderation:report"),
        {"kind": kind, "object_id": object_id, "reason": reason, "note": note, "next": "/"},
        follow=True,
        **EN,
    )


def test_a_report_reaches_the_moderators_queue_and_hiding_tells_the_author_why(
    client, space, people, thread, django_capture_on_commit_callbacks
):
    asker, answerer, reader, moderator = people
    topic, answer = thread
    client.force_login(reader)
    with django_capture_on_commit_callbacks(execute=True):
        response = report(client, "forums.answer", answer.pk, note="Reclame")
    assert "The moderators of this space will have a look." in response.content.decode()
    assert Report.objects.get().reporter == reader
    assert Notification.objects.get(recipient=moderator).kind == "report"
    # Readers have no queue; the moderator's queue shows the answer, the reason and the note.
    assert client.get(reverse("moderation:space", args=[space.slug])).status_code == 404
    assert client.get(reverse("moderation:queue")).status_code == 404
    client.force_login(moderator)
    page = client.get(reverse("moderation:space", args=[space.slug]), **EN).content.decode()
    assert "Koop nu goedkope horloges!" in page and "Spam or advertising" in page
    assert "Reclame" in page and escape(reader.display_name) in page
    assert "Koop nu goedkope horloges!" in client.get(reverse("moderation:queue")).content.decode()
    # Hide with a reason: the report closes, the author hears why, an audit entry is kept.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("moderation:hide"),
            {"kind": "forums.answer", "object_id": answer.pk, "reason": "Reclame hoort hier niet"},
        )
    answer.refresh_from_db()
    topic.refresh_from_db()
    assert answer.hidden_by == moderator and answer.hidden_reason == "Reclame hoort hier niet"
    assert topic.answer_count == 0
    assert Report.objects.get().status == "hidden"
    told = Notification.objects.get(recipient=answerer, kind="moderation")
    assert told.params == {"state": "hidden", "reason": "Reclame hoort hier niet"}
    assert AuditEntry.objects.filter(action="moderation.hide", reason__contains="Reclame").exists()
    # Readers no longer see it; its author sees it with the reason; moderators see it.
    client.force_login(reader)
    assert "horloges" not in client.get(topic.get_absolute_url()).content.decode()
    client.force_login(answerer)
    page = client.get(topic.get_absolute_url(), **EN).content.decode()
    assert "horloges" in page and "Hidden by a moderator: Reclame hoort hier niet" in page
    client.force_login(moderator)
    page = client.get(reverse("moderation:space", args=[space.slug]), **EN).content.decode()
    assert "No open reports" in page and "horloges" in page  # under "Hidden now"
    # Voting on it is refused (for a reader a hidden answer is gone: 404), nothing counted.
    client.force_login(asker)
    response = client.post(reverse("forums:vote", args=[answer.pk]), {"value": "1"}, **EN)
    assert response.status_code == 404
    assert not Vote.objects.exists()
    # Restore: visible again, counted again, and the author hears it.
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("moderation:restore"),
            {"kind": "forums.answer", "object_id": answer.pk, "reason": "Toch een echt antwoord"},
        )
    answer.refresh_from_db()
    topic.refresh_from_db()
    assert answer.hidden_at is None and topic.answer_count == 1
    client.force_login(reader)
    assert "horloges" in client.get(topic.get_absolute_url()).content.decode()


def test_reports_are_refused_clearly_and_nothing_is_saved(client, space, people, thread):
    _asker, answerer, reader, _moderator = people
    _topic, answer = thread
    client.force_login(answerer)
    page = report(client, "forums.answer", answer.pk).content.decode()
    assert "You cannot report your own post; edit it instead." in page
    client.force_login(reader)
    assert (
        "Choose a reason." in report(client, "forums.answer", answer.pk, "bogus").content.decode()
    )
    page = report(client, "forums.answer", answer.pk, "other").content.decode()
    assert "Say what is wrong." in page
    assert not Report.objects.exists()
    report(client, "forums.answer", answer.pk)
    page = report(client, "forums.answer", answer.pk, "unkind").content.decode()
    assert "You have reported this already." in page
    assert Report.objects.count() == 1
    # Unknown kinds, ids that do not exist, and content one may not read: not found.
    response = client.post(
        reverse("moderation:report"), {"kind": "nope", "object_id": 1, "reason": "spam"}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("moderation:report"), {"kind": "forums.answer", "object_id": "x", "reason": "spam"}
    )
    assert response.status_code == 404
    secret = SpaceFactory(visibility="secret", closed_reason="x")
    hidden_topic = forums.ask(
        author=MembershipFactory(space=secret).user, space=secret, kind="question",
        title="Geheime reorganisatie",
    )  # fmt: skip
    response = client.post(
        reverse("moderation:report"),
        {"kind": "forums.topic", "object_id": hidden_topic.pk, "reason": "spam"},
    )
    assert response.status_code == 404 and Report.objects.count() == 1


def test_only_moderators_hide_restore_and_dismiss_and_they_give_a_reason(
    client, space, people, thread
):
    asker, _answerer, reader, moderator = people
    _topic, answer = thread
    hide = {"kind": "forums.answer", "object_id": answer.pk, "reason": "Reclame hoort hier niet"}
    for who in (reader, asker, UserFactory()):
        client.force_login(who)
        assert client.post(reverse("moderation:hide"), hide).status_code == 404
        assert client.post(reverse("moderation:dismiss"), hide).status_code == 404
    answer.refresh_from_db()
    assert answer.hidden_at is None
    client.force_login(moderator)
    response = client.post(reverse("moderation:hide"), {**hide, "reason": "nee"}, follow=True, **EN)
    assert "Say why in at least 5 characters: the author reads it." in response.content.decode()
    answer.refresh_from_db()
    assert answer.hidden_at is None
    response = client.post(reverse("moderation:restore"), hide, follow=True, **EN)
    assert "This is not hidden." in response.content.decode()
    # Dismissing closes the reports and leaves the content alone.
    client.force_login(reader)
    report(client, "forums.answer", answer.pk)
    client.force_login(moderator)
    client.post(reverse("moderation:dismiss"), hide)
    assert Report.objects.get().status == "dismissed"
    answer.refresh_from_db()
    assert answer.hidden_at is None
    response = client.post(reverse("moderation:dismiss"), hide, follow=True, **EN)
    assert "There are no open reports on this." in response.content.decode()


def test_a_hidden_topic_is_gone_for_readers_but_not_for_its_author_and_moderators(
    client, space, people, thread
):
    asker, _answerer, reader, moderator = people
    topic, _answer = thread
    forums_list = reverse("forums:space", args=[space.slug])
    client.force_login(reader)
    assert topic.title in client.get(forums_list).content.decode()  # cached list ...
    client.force_login(moderator)
    client.post(
        reverse("moderation:hide"),
        {"kind": "forums.topic", "object_id": topic.pk, "reason": "Dubbel gesteld"},
    )
    client.force_login(reader)
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert topic.title not in client.get(forums_list).content.decode()  # ... thrown away
    assert client.get(f"/api/topics/{topic.pk}/").status_code == 404
    feed = client.get("/api/feed/?feed=space:" + str(space.pk)).content.decode()
    assert "Hoe boek ik btw" not in feed
    for who in (asker, moderator):
        client.force_login(who)
        assert client.get(topic.get_absolute_url()).status_code == 200
    client.force_login(asker)
    response = client.post(topic.get_absolute_url(), {"body": "Nog iets"}, **EN)
    assert "This topic is hidden: no new answers." in response.content.decode()
    assert Answer.objects.filter(author=asker).count() == 0


def test_lock_pin_move_and_merge_topics(client, space, people, thread):
    asker, answerer, reader, moderator = people
    topic, answer = thread
    moderate = reverse("forums:moderate", args=[topic.pk])
    client.force_login(reader)
    assert client.post(moderate, {"action": "lock"}).status_code == 404
    client.force_login(moderator)
    client.post(moderate, {"action": "lock"})
    client.post(moderate, {"action": "pin"})
    topic.refresh_from_db()
    assert topic.locked and topic.pinned
    newer = forums.ask(author=asker, space=space, kind="discussion", title="Koffieautomaat kapot")
    listing = client.get(reverse("forums:space", args=[space.slug])).content.decode()
    assert listing.index(topic.title) < listing.index(newer.title)  # pinned first
    # Locked: no answers, no comments; clear messages; nothing written.
    client.force_login(answerer)
    response = client.post(topic.get_absolute_url(), {"body": "Nog een"}, **EN)
    assert "This topic is locked: no new answers." in response.content.decode()
    response = client.post(
        reverse("forums:comment", args=[topic.pk]), {"body": "Hm", "answer": answer.pk},
        follow=True, **EN,
    )  # fmt: skip
    assert "This topic is locked: no new comments." in response.content.decode()
    assert Answer.objects.count() == 1 and not Comment.objects.exists()
    # Move: only to a space with a forum the moderator moderates; feed items follow.
    elsewhere = SpaceFactory(name="Belasting")
    client.force_login(moderator)
    response = client.post(moderate, {"action": "move", "space": elsewhere.slug}, follow=True, **EN)
    assert "Choose a space with a forum that you moderate." in response.content.decode()
    topic.refresh_from_db()
    assert topic.space == space
    MembershipFactory(space=elsewhere, user=moderator, role="moderator")
    client.post(moderate, {"action": "move", "space": elsewhere.slug})
    topic.refresh_from_db()
    assert topic.space == elsewhere
    items = Activity.objects.filter(
        target_type__in=["topic", "answer"], target_id__in=[topic.pk, answer.pk]
    )
    assert set(items.values_list("space_id", flat=True)) == {elsewhere.pk}
    # Merge a duplicate into the original: answers and followers move; the old address
    # redirects; a topic cannot be merged into itself.
    duplicate = forums.ask(author=reader, space=space, kind="question", title="Btw bij export?")
    moved = forums.answer(author=answerer, topic=duplicate, body="Nultarief")
    dup_moderate = reverse("forums:moderate", args=[duplicate.pk])
    response = client.post(
        dup_moderate, {"action": "merge", "into": duplicate.pk}, follow=True, **EN
    )
    assert "A topic cannot be merged into itself." in response.content.decode()
    response = client.post(dup_moderate, {"action": "merge", "into": topic.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    moved.refresh_from_db()
    duplicate.refresh_from_db()
    topic.refresh_from_db()
    assert moved.topic == topic and topic.answer_count == 2
    assert duplicate.merged_into == topic and duplicate.answer_count == 0
    assert TopicFollow.objects.filter(topic=topic, user=reader).exists()
    client.force_login(reader)
    response = client.get(duplicate.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()


def test_comments_on_questions_and_answers(
    client, space, people, thread, django_capture_on_commit_callbacks
):
    asker, answerer, reader, moderator = people
    topic, answer = thread
    client.force_login(reader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("forums:comment", args=[topic.pk]),
            {"body": "Geldt dit ook voor **diensten**?", "answer": answer.pk},
        )
    made = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{made.pk}")
    assert made.target == answer
    reply = Notification.objects.get(recipient=answerer, kind="reply")
    assert reply.url.endswith(f"#comment-{made.pk}")
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "<strong>diensten</strong>" in page
    # Under the question too; an answer of another question is refused; bad input too.
    client.post(reverse("forums:comment", args=[topic.pk]), {"body": "Goede vraag"})
    assert Comment.objects.filter(object_id=topic.pk, body="Goede vraag").exists()
    other = forums.ask(author=asker, space=space, kind="question", title="Andere vraag hier")
    response = client.post(
        reverse("forums:comment", args=[other.pk]), {"body": "Hm", "answer": answer.pk},
        follow=True, **EN,
    )  # fmt: skip
    assert "This answer belongs to another question." in response.content.decode()
    response = client.post(
        reverse("forums:comment", args=[topic.pk]), {"body": "x" * 3001}, follow=True, **EN
    )
    assert Comment.objects.count() == 2
    # People who may read but not comment (non-members of an open space) get 404.
    client.force_login(UserFactory())
    response = client.post(reverse("forums:comment", args=[topic.pk]), {"body": "Hoi"})
    assert response.status_code == 404 and Comment.objects.count() == 2
    # A moderator hides a comment: readers no longer see it.
    client.force_login(moderator)
    client.post(
        reverse("moderation:hide"),
        {"kind": "activity.comment", "object_id": made.pk, "reason": "Dubbel geplaatst"},
    )
    client.force_login(asker)
    assert "diensten" not in client.get(topic.get_absolute_url()).content.decode()


def test_reporting_a_comment_on_a_post_uses_the_same_queue(client, space, people):
    from intranet.activity import services as activity

    asker, answerer, reader, moderator = people
    post = activity.create_post(author=asker, space=space, body="Borrel vrijdag!")
    comment = activity.add_comment(author=answerer, target=post, body="Alleen voor managers")
    client.force_login(reader)
    page = client.get(reverse("activity:post", args=[post.pk]), **EN).content.decode()
    link = f"{reverse('moderation:report')}?kind=activity.comment&amp;object_id={comment.pk}"
    assert link in page
    form = client.get(link.replace("&amp;", "&"), **EN).content.decode()
    assert "Alleen voor managers" in form and "Send report" in form
    report(client, "activity.comment", comment.pk, "unkind")
    # One's own comment has no report link and no report page.
    client.force_login(answerer)
    assert link not in client.get(reverse("activity:post", args=[post.pk])).content.decode()
    assert client.get(link.replace("&amp;", "&")).status_code == 404
    client.force_login(moderator)
    page = client.get(reverse("moderation:space", args=[space.slug])).content.decode()
    assert "Alleen voor managers" in page


def test_authors_edit_and_delete_their_answers_and_moderators_still_see_them(
    client, space, people, thread
):
    _asker, answerer, reader, moderator = people
    topic, answer = thread
    edit = reverse("forums:edit_answer", args=[answer.pk])
    # Only the author (and moderators) may edit; others get 404; bad input changes nothing.
    client.force_login(reader)
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"body": "Overgenomen"}).status_code == 404
    client.force_login(answerer)
    page = client.get(topic.get_absolute_url(), **EN).content.decode()
    assert edit in page and "Delete" in page
    response = client.post(edit, {"body": "   "}, **EN)
    assert response.status_code == 400 and "Write something first." in response.content.decode()
    response = client.post(edit, {"body": "Tarief 0%, met **uitvoerbewijs**."})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert "<strong>uitvoerbewijs</strong>" in answer.body_html and answer.edited_at
    history = client.get(reverse("forums:history", args=[topic.pk])).content.decode()
    assert "Koop nu goedkope horloges!" in history  # the earlier version is kept
    response = client.patch(
        f"/api/answers/{answer.pk}/", {"body": "Via de API"}, content_type="application/json"
    )
    assert (
        response.status_code == 200 and response.json()["body_html"].strip() == "<p>Via de API</p>"
    )
    # Other readers see neither edit nor delete links under it.
    client.force_login(reader)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert edit not in page and f"delete/?kind=forums.answer&amp;object_id={answer.pk}" not in page
    assert f"report/?kind=forums.answer&amp;object_id={answer.pk}" in page
    withdraw = reverse("moderation:withdraw")
    response = client.post(withdraw, {"kind": "forums.answer", "object_id": answer.pk})
    assert response.status_code == 404
    # The author deletes it: gone for readers, there for moderators, marked as deleted.
    client.force_login(answerer)
    assert client.get(f"{withdraw}?kind=forums.answer&object_id={answer.pk}").status_code == 200
    client.post(withdraw, {"kind": "forums.answer", "object_id": answer.pk})
    answer.refresh_from_db()
    assert answer.hidden_by == answerer
    client.force_login(reader)
    assert "Via de API" not in client.get(topic.get_absolute_url()).content.decode()
    client.force_login(moderator)
    page = client.get(topic.get_absolute_url(), **EN).content.decode()
    assert "Via de API" in page and "Deleted by its author; only moderators see it." in page
