"""Feeds over HTTP: what they show, to whom, and what a page costs."""

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.activity import services
from intranet.activity.models import Activity, Announcement, Comment, Post
from intranet.governance import services as governance
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_post_lands_in_the_members_home_feed_with_sanitised_html(client, reader):
    space = SpaceFactory(name="Team Noord")
    MembershipFactory(space=space, user=reader)
    author = MembershipFactory(space=space).user
    post = services.create_post(
        author=author,
        space=space,
        body="**Klaar!** <script>alert(1)</script> [x](javascript:alert(1))",
    )
    assert Activity.objects.get(target_id=post.pk).verb == "post.created"
    body = client.get(reverse("home")).content.decode()
    assert "<strong>Klaar!</strong>" in body
    assert "&lt;script&gt;alert(1)" in body  # shown as text, never run
    assert 'href="javascript:' not in body
    assert f'data-activity-id="{Activity.objects.get(target_id=post.pk).pk}"' in body


def test_private_space_items_never_reach_non_members_over_http(client, reader):
    private = SpaceFactory(visibility="private", closed_reason="x")
    insider = MembershipFactory(space=private).user
    services.create_post(author=insider, space=private, body="Vertrouwelijk plan")
    # Following the author does not open the private space.
    services.follow(follower=reader, followee=insider)
    assert "Vertrouwelijk plan" not in client.get(reverse("home")).content.decode()
    person = client.get(reverse("profiles:person", args=[insider.pk])).content.decode()
    assert "Vertrouwelijk plan" not in person
    feed = client.get("/api/feed/", {"feed": f"person:{insider.pk}"}).json()
    assert feed["results"] == []
    assert client.get("/api/feed/", {"feed": f"space:{private.pk}"}).status_code == 404
    assert client.get(reverse("activity:more"), {"feed": f"space:{private.pk}"}).status_code == 404
    post = Post.objects.get()
    assert client.get(reverse("activity:post", args=[post.pk])).status_code == 404


def test_visibility_is_decided_at_read_time(client, reader):
    private = SpaceFactory(visibility="private", closed_reason="x")
    MembershipFactory(space=private, user=reader, role="member")
    owner = MembershipFactory(space=private, role="owner").user
    services.create_post(author=owner, space=private, body="Gisteren gedeeld")
    assert "Gisteren gedeeld" in client.get(reverse("home")).content.decode()
    governance.remove_member(actor=owner, space=private, user=reader)
    assert "Gisteren gedeeld" not in client.get(reverse("home")).content.decode()


def test_home_feed_includes_followed_people_and_announcements(client, reader):
    open_space = SpaceFactory()
    colleague = UserFactory()
    MembershipFactory(space=open_space, user=colleague)
    services.create_post(author=colleague, space=open_space, body="Van een collega")
    assert "Van een collega" not in client.get(reverse("home")).content.decode()
    services.follow(follower=reader, followee=colleague)
    assert "Van een collega" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("count", [20, 2000])
def test_home_feed_costs_the_same_with_20_or_2000_activities(client, reader, query_budget, count):
    space = SpaceFactory()
    MembershipFactory(space=space, user=reader)
    author = UserFactory()
    posts = Post.objects.bulk_create(
        [
            Post(space=space, author=author, body=f"p{i}", body_html=f"<p>p{i}</p>")
            for i in range(count)
        ]
    )
    Activity.objects.bulk_create(
        [
            Activity(
                verb="post.created", actor=author, space=space, target_type="post", target_id=p.pk
            )
            for p in posts
        ]
    )
    services.react(user=reader, target=posts[-1], kind="like")
    client.get(reverse("home"))
    with query_budget(17):
        response = client.get(reverse("home"))
    body = response.content.decode()
    assert body.count('class="item card"') == 20
    assert "Show older items" in body


def test_more_loads_older_items_by_keyset(client, reader):
    space = SpaceFactory()
    MembershipFactory(space=space, user=reader)
    author = MembershipFactory(space=space).user
    for i in range(25):
        services.create_post(author=author, space=space, body=f"Bericht nummer {i}")
    first = client.get(reverse("home")).content.decode()
    assert "Bericht nummer 24" in first and "Bericht nummer 4" not in first
    oldest_shown = Activity.objects.filter(verb="post.created").order_by("-id")[19].pk
    more = client.get(reverse("activity:more"), {"feed": "home", "before": oldest_shown})
    text = more.content.decode()
    assert "Bericht nummer 4" in text and "Bericht nummer 0" in text
    assert "Bericht nummer 5 " not in text and "Show older items" not in text
    assert client.get(reverse("activity:more"), {"feed": "nonsense"}).status_code == 404


def test_posting_needs_the_post_right_and_a_message(client, reader):
    space = SpaceFactory()
    url = reverse("activity:post_create")
    # Not a member of the open space: may read, may not post.
    assert client.post(url, {"space": space.slug, "body": "Hallo"}).status_code == 404
    MembershipFactory(space=space, user=reader, role="reader")
    assert client.post(url, {"space": space.slug, "body": "Hallo"}).status_code == 404
    Membership = space.memberships.model
    Membership.objects.filter(space=space, user=reader).update(role="member")
    response = client.post(url, {"space": space.slug, "body": "   "})
    assert response.status_code == 400
    assert not Post.objects.exists()
    response = client.post(url, {"space": space.slug, "body": "x" * 5001})
    assert response.status_code == 400
    response = client.post(url, {"space": space.slug, "body": "Hallo team"})
    assert response.status_code == 302
    assert Post.objects.get().body == "Hallo team"
    assert client.post(url, {"space": "bestaat-niet", "body": "x"}).status_code == 404


def test_comments_are_one_level_deep_and_reactions_toggle(client, reader):
    space = SpaceFactory()
    MembershipFactory(space=space, user=reader)
    post = services.create_post(
        author=MembershipFactory(space=space).user, space=space, body="Vraag"
    )
    url = reverse("activity:post", args=[post.pk])
    client.post(url, {"body": "Eerste reactie"})
    first = Comment.objects.get()
    client.post(url, {"body": "Antwoord", "parent": first.pk})
    reply = Comment.objects.get(body="Antwoord")
    client.post(url, {"body": "Op het antwoord", "parent": reply.pk})
    deeper = Comment.objects.get(body="Op het antwoord")
    assert reply.parent == first and deeper.parent == first  # flattened to one level
    assert client.post(url, {"body": ""}).status_code == 400
    other = services.create_post(author=reader, space=space, body="Ander")
    foreign = services.add_comment(author=reader, target=other, body="Elders")
    assert client.post(url, {"body": "x", "parent": foreign.pk}).status_code == 400
    react = reverse("activity:react", args=[post.pk])
    client.post(react, {"kind": "helpful"})
    assert "Helpful <span>1</span>" in client.get(url).content.decode()
    client.post(react, {"kind": "helpful"})
    assert "Helpful <span>" not in client.get(url).content.decode()
    response = client.post(react, {"kind": "love"}, follow=True)
    assert "Choose like, helpful or celebrate." in response.content.decode()


def test_announcements_are_pinned_for_their_audience_until_they_expire(client, reader):
    sales = DepartmentFactory(name="Sales")
    reader.department = sales
    reader.save()
    manager = UserFactory(org_role="community_manager")
    services.publish_announcement(
        author=manager,
        title="Voor iedereen",
        body="Hallo allemaal",
        expires_at=timezone.now() + timezone.timedelta(days=2),
    )
    services.publish_announcement(
        author=manager,
        title="Voor IT",
        body="Alleen IT",
        expires_at=timezone.now() + timezone.timedelta(days=2),
        department=DepartmentFactory(name="IT"),
    )
    body = client.get(reverse("home")).content.decode()
    assert "Voor iedereen" in body and "Voor IT" not in body
    Announcement.objects.update(expires_at=timezone.now() - timezone.timedelta(minutes=1))
    body = client.get(reverse("home")).content.decode()
    assert 'class="card announcement"' not in body


def test_only_administrators_and_community_managers_announce(client, reader):
    url = reverse("activity:announce")
    assert client.get(url).status_code == 404
    client.force_login(AdminFactory(language="en"))
    response = client.post(url, {"title": "Let op", "body": "x", "expires_at": "2000-01-01T10:00"})
    assert response.status_code == 400
    assert "Choose a moment in the future." in response.content.decode()
    assert not Announcement.objects.exists()


def test_posting_announces_a_serialisable_event_and_writes_its_activity(captured_events):
    space = SpaceFactory()
    author = MembershipFactory(space=space).user
    with captured_events() as seen:
        post = services.create_post(author=author, space=space, body="Hallo")
    assert seen == [
        {
            "type": "PostCreated",
            "post_id": post.pk,
            "space_id": space.pk,
            "author_id": author.pk,
            "mentioned_ids": [],
        }
    ]
    assert Activity.objects.filter(verb="post.created", target_id=post.pk).count() == 1


def test_reacting_to_what_you_may_not_see_is_404(client, reader):
    private = SpaceFactory(visibility="private", closed_reason="x")
    post = services.create_post(
        author=MembershipFactory(space=private).user, space=private, body="x"
    )
    response = client.post(reverse("activity:react", args=[post.pk]), {"kind": "like"})
    assert response.status_code == 404
    assert (
        client.post(reverse("activity:react", args=[999999]), {"kind": "like"}).status_code == 404
    )
    from intranet.activity.models import Reaction

    assert not Reaction.objects.exists()


def test_follow_and_unfollow_over_http(client, reader):
    colleague = UserFactory(first_name="Noor")
    url = reverse("activity:follow", args=[colleague.pk])
    response = client.post(url, {"action": "follow"}, follow=True)
    assert "You follow Noor" in response.content.decode()
    assert (
        "Unfollow" in client.get(reverse("profiles:person", args=[colleague.pk])).content.decode()
    )
    client.post(url, {"action": "unfollow"})
    from intranet.activity.models import Follow

    assert not Follow.objects.exists()
    response = client.post(reverse("activity:follow", args=[reader.pk]), follow=True)
    assert "You cannot follow yourself." in response.content.decode()
    assert client.post(reverse("activity:follow", args=[999999])).status_code == 404
    assert client.get(reverse("profiles:person", args=[999999])).status_code == 404
    client.force_login(UserFactory(org_role="guest"))
    assert client.get(reverse("profiles:person", args=[colleague.pk])).status_code == 404
    assert client.post(url, {"action": "follow"}).status_code == 404
    assert not Follow.objects.exists()


def test_a_community_manager_publishes_a_department_announcement(client, reader):
    it = DepartmentFactory(name="IT")
    reader.department = it
    reader.save()
    client.force_login(UserFactory(org_role="community_manager"))
    expires = (timezone.localtime() + timezone.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("activity:announce"),
        {
            "title": "Storing vrijdag",
            "body": "Het netwerk ligt er even uit.",
            "department": it.pk,
            "expires_at": expires,
        },
    )
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert announcement.department == it
    assert Activity.objects.get(verb="announcement.published").department_id == it.pk
    client.force_login(reader)
    assert "Storing vrijdag" in client.get(reverse("home")).content.decode()


def test_other_apps_show_their_items_in_the_feed_through_registered_targets(
    client, reader, query_budget
):
    """Forums, knowledge and stories will register their kinds like this; the feed loads each
    kind present in one query and renders it with the kind's template and verb."""
    from intranet.activity import targets

    space = SpaceFactory(name="Financiën")
    MembershipFactory(space=space, user=reader)
    author = MembershipFactory(space=space).user
    notices = [
        Announcement.objects.create(
            author=author,
            title=f"Vraag {i}",
            body="x",
            body_html=f"<p>Over btw {i}</p>",
            expires_at=timezone.now(),
        )
        for i in range(3)
    ]
    for notice in notices:
        Activity.objects.create(
            verb="question.asked",
            actor=author,
            space=space,
            target_type="question",
            target_id=notice.pk,
        )
    targets.register(
        targets.Target(
            type="question",
            load=lambda ids: Announcement.objects.in_bulk(ids),
            template="activity/_target_announcement.html",
            verbs={"question.asked": "asked a <b>question</b> in {space}"},
        )
    )
    try:
        with query_budget(17):
            body = client.get(reverse("home")).content.decode()
    finally:
        targets.unregister("question")
    assert body.count("asked a &lt;b&gt;question&lt;/b&gt; in") == 3  # the text is escaped
    assert f'in <a href="{space.get_absolute_url()}">Financiën</a>' in body
    assert "<p>Over btw 2</p>" in body and "<h3>Vraag 0</h3>" in body
