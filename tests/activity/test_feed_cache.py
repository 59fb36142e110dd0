"""The feed API keeps its first page in Redis: served again only while nothing it shows or
depends on has changed. Writes commit (and bump their counters) as in production."""

from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intranet.activity import services
from intranet.activity.models import Activity
from intranet.governance import services as governance
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    SpaceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write and its on-commit consequences (counters, pushes), as a real commit does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def bodies(client, feed: str = "home") -> list[str]:
    response = client.get("/api/feed/", {"feed": feed})
    assert response.status_code == 200
    return [(item["body_html"] or "").strip() for item in response.json()["results"]]


def activity_queries(client, feed: str = "home") -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/feed/", {"feed": feed})
    return sum('FROM "activity_activity"' in q["sql"] for q in queries.captured_queries)


def test_the_first_page_is_served_from_the_cache_until_a_new_item_arrives(
    client, reader, committed
):
    space = SpaceFactory()
    MembershipFactory(space=space, user=reader)
    author = MembershipFactory(space=space).user
    with committed():
        services.create_post(author=author, space=space, body="Eerste")
    assert bodies(client) == ["<p>Eerste</p>"]
    assert activity_queries(client) == 0  # the second read does not query the feed
    with committed():
        services.create_post(author=author, space=space, body="Tweede")
    assert bodies(client) == ["<p>Tweede</p>", "<p>Eerste</p>"]
    # Older pages are never cached: they are read rarely and would never be invalidated.
    assert activity_queries(client) == 0
    response = client.get("/api/feed/", {"before": Activity.objects.order_by("id").last().pk})
    assert [i["body_html"].strip() for i in response.json()["results"]] == ["<p>Eerste</p>"]


def test_a_member_removed_from_a_private_space_stops_seeing_its_items_at_once(
    client, reader, committed
):
    private = SpaceFactory(visibility="private", closed_reason="x")
    owner = MembershipFactory(space=private, role="owner").user
    MembershipFactory(space=private, user=reader)
    with committed():
        services.create_post(author=owner, space=private, body="Vertrouwelijk")
    assert bodies(client) == ["<p>Vertrouwelijk</p>"]
    assert bodies(client, f"person:{owner.pk}") == ["<p>Vertrouwelijk</p>"]
    with committed():
        governance.remove_member(actor=owner, space=private, user=reader)
    assert bodies(client) == []
    assert bodies(client, f"person:{owner.pk}") == []
    assert client.get("/api/feed/", {"feed": f"space:{private.pk}"}).status_code == 404


def test_closing_a_space_hides_its_items_from_everyone_who_follows_the_author(
    client, reader, committed
):
    space = SpaceFactory(visibility="open")
    owner = MembershipFactory(space=space, role="owner").user
    with committed():
        services.follow(follower=reader, followee=owner)
        services.create_post(author=owner, space=space, body="Open voor iedereen")
    assert bodies(client) == ["<p>Open voor iedereen</p>"]
    with committed():
        governance.update_space(
            actor=owner,
            space=space,
            name=space.name,
            description="",
            visibility="private",
            closed_reason="Gevoelig",
            modules=space.modules,
        )
    assert bodies(client) == []


def test_following_and_unfollowing_change_the_home_page_and_are_announced(
    client, reader, committed, captured_events
):
    elsewhere = SpaceFactory(visibility="open")
    author = MembershipFactory(space=elsewhere).user
    with committed():
        services.create_post(author=author, space=elsewhere, body="Van een collega")
    assert bodies(client) == []
    with captured_events() as seen:
        services.follow(follower=reader, followee=author)
    assert seen == [{"type": "PersonFollowed", "follower_id": reader.pk, "followee_id": author.pk}]
    assert bodies(client) == ["<p>Van een collega</p>"]
    with captured_events() as seen:
        services.unfollow(follower=reader, followee=author)
    assert seen == [
        {"type": "PersonUnfollowed", "follower_id": reader.pk, "followee_id": author.pk}
    ]
    assert bodies(client) == []
    with captured_events() as seen:
        services.unfollow(follower=reader, followee=author)  # not following: nothing happens
    assert seen == []


def test_moving_to_another_department_changes_which_announcements_the_feed_shows(
    client, reader, committed, captured_events
):
    sales, finance = DepartmentFactory(name="Verkoop"), DepartmentFactory(name="Financiën")
    admin = AdminFactory()
    with committed():
        governance.set_department_of(actor=admin, user=reader, department=sales)
        services.publish_announcement(
            author=admin,
            title="Verkoopdag",
            body="Voor verkoop",
            department=finance,
            expires_at=timezone.now() + timedelta(days=7),
        )
    assert bodies(client) == []
    with captured_events() as seen:
        governance.set_department_of(actor=admin, user=reader, department=finance)
    moved = [event for event in seen if event["type"] == "PersonMovedDepartment"]
    assert moved == [
        {
            "type": "PersonMovedDepartment",
            "user_id": reader.pk,
            "department_id": finance.pk,
            "previous_department_id": sales.pk,
            "actor_id": admin.pk,
        }
    ]
    assert bodies(client) == ["<p>Voor verkoop</p>"]


def test_a_counter_lost_from_redis_never_revives_an_old_page(client, reader):
    space = SpaceFactory()
    MembershipFactory(space=space, user=reader)
    author = MembershipFactory(space=space).user
    services.create_post(author=author, space=space, body="Oud")
    assert bodies(client) == ["<p>Oud</p>"]
    # A write whose bump never happened (Redis evicted the counter meanwhile).
    services.create_post(author=author, space=space, body="Nieuw")
    assert bodies(client) == ["<p>Oud</p>"]  # the page is cached; nothing told it otherwise
    client_redis = redis.Redis.from_url(settings.REDIS_URL)
    evicted = client_redis.delete(*client_redis.keys(f"*{settings.REDIS_PREFIX}*feedgen:space:*"))
    assert evicted == 1
    assert bodies(client) == ["<p>Nieuw</p>", "<p>Oud</p>"]
