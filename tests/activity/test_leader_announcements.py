"""Leaders communicate themselves (issue 22, part 3): department managers and their delegates
announce to their own unit and everything below it, directors to everyone; a leader's updates
have their own stream on their profile; the author alone sees how many of the audience read
each one, never who, and nothing about a group smaller than the organisation's minimum."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intranet.activity import access, selectors, services
from intranet.activity.models import Announcement, AnnouncementDelegate, AnnouncementRead
from intranet.governance.models import AuditEntry
from tests.factories import AdminFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# The person page as a colleague sees it, with a leader's stream: the viewer and the person,
# the person's activity feed and its announcements, skills and endorsements (4), spaces,
# reports, mentoring, following, unread notifications, the updates stream, recognition.
PROFILE_QUERIES = 15


@dataclass
class Org:
    """Directie (its manager: the director) with Operations (Logistiek and Inkoop below it)
    and Sales beside it; a manager for each and colleagues in each."""

    top: object
    operations: object
    logistics: object
    purchasing: object
    sales: object
    director: object
    ops_manager: object
    log_manager: object
    sales_manager: object
    ops_staff: list
    log_staff: list
    purchasing_staff: list
    sales_staff: list


@pytest.fixture
def org() -> Org:
    def person(department, **kwargs):
        return UserFactory(department=department, language="en", **kwargs)

    top = DepartmentFactory(name="Directie")
    operations = DepartmentFactory(name="Operations", parent=top)
    logistics = DepartmentFactory(name="Logistiek", parent=operations)
    purchasing = DepartmentFactory(name="Inkoop", parent=operations)
    sales = DepartmentFactory(name="Sales", parent=top)
    director = person(top, first_name="Dirk", last_name="Directeur")
    ops_manager = person(operations, first_name="Olga", last_name="Operations")
    log_manager = person(logistics, first_name="Lars", last_name="Logistiek")
    sales_manager = person(sales, first_name="Saskia", last_name="Sales")
    for department, manager in (
        (top, director),
        (operations, ops_manager),
        (logistics, log_manager),
        (sales, sales_manager),
    ):
        department.manager = manager
        department.save(update_fields=["manager"])
    return Org(
        top=top,
        operations=operations,
        logistics=logistics,
        purchasing=purchasing,
        sales=sales,
        director=director,
        ops_manager=ops_manager,
        log_manager=log_manager,
        sales_manager=sales_manager,
        ops_staff=[person(operations) for _ in range(2)],
        log_staff=[person(logistics) for _ in range(3)],
        purchasing_staff=[person(purchasing) for _ in range(2)],
        sales_staff=[person(sales) for _ in range(2)],
    )


def fresh(user):
    """The person as a new request loads them (what they may do is asked once per object)."""
    return type(user).objects.get(pk=user.pk)


def announce(author, *, title="Nieuws", department=None, days=7, body="Het nieuws."):
    return services.publish_announcement(
        author=fresh(author),
        title=title,
        body=body,
        department=department,
        expires_at=timezone.now() + timedelta(days=days),
    )


def as_posted(when) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home"), **EN).content.decode()


# --- Who may announce to whom -------------------------------------------------------------------


def test_the_reach_of_each_role_is_decided_in_one_place(org):
    everywhere = {org.director, AdminFactory(), UserFactory(org_role="community_manager")}
    for person in everywhere:
        reach = access.announce_reach(fresh(person))
        assert reach.everyone and reach.allows(None) and reach.allows(org.sales.pk)
    ops = access.announce_reach(fresh(org.ops_manager))
    assert not ops.everyone
    assert ops.department_ids == {org.operations.pk, org.logistics.pk, org.purchasing.pk}
    assert access.announce_reach(fresh(org.log_manager)).department_ids == {org.logistics.pk}
    for nobody in (org.log_staff[0], UserFactory(org_role="guest"), UserFactory(is_active=False)):
        assert not access.announce_reach(fresh(nobody)).any
        assert not fresh(nobody).has_perm("activity.announce")
    assert fresh(org.log_manager).has_perm("activity.announce")
    offered = list(access.announceable_departments(fresh(org.ops_manager)))
    assert offered == [org.purchasing, org.logistics, org.operations]  # by name


def test_a_manager_announces_to_their_unit_and_below_and_not_to_a_sibling(client, org):
    client.force_login(org.ops_manager)
    page = client.get(reverse("activity:announce"), **EN).content.decode()
    # The form offers their own departments only, and not the whole organisation.
    options = re.findall(r'<option value="(\d*)"', page)
    assert sorted(options) == sorted(
        str(d.pk) for d in (org.operations, org.logistics, org.purchasing)
    )
    response = client.post(
        reverse("activity:announce"),
        {
            "title": "Nieuwe planning",
            "body": "Vanaf maandag **nieuwe** roosters.",
            "department": org.operations.pk,
            "expires_at": as_posted(timezone.now() + timedelta(days=3)),
        },
    )
    announcement = Announcement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activity:announcement", args=[announcement.pk])
    assert announcement.department == org.operations
    for reader in (org.ops_staff[0], org.log_staff[0], org.purchasing_staff[0]):
        assert "Nieuwe planning" in home(client, reader)
        assert (
            client.get(reverse("activity:announcement", args=[announcement.pk])).status_code == 200
        )
        feed = client.get("/api/feed/").json()["results"]
        assert [item["verb"] for item in feed] == ["announcement.published"]
    for outsider in (org.sales_staff[0], org.sales_manager, org.director):
        assert "Nieuwe planning" not in home(client, outsider)
        assert (
            client.get(reverse("activity:announcement", args=[announcement.pk])).status_code == 404
        )
        assert client.get("/api/feed/").json()["results"] == []
        profile = client.get(reverse("profiles:person", args=[org.ops_manager.pk])).content.decode()
        assert "Nieuwe planning" not in profile


def test_a_manager_cannot_announce_outside_their_subtree(client, org):
    client.force_login(org.log_manager)
    url = reverse("activity:announce")
    future = as_posted(timezone.now() + timedelta(days=3))
    for department in (org.sales.pk, org.operations.pk, "", "999999", "x"):
        response = client.post(
            url, {"title": "Let op", "body": "x", "department": department, "expires_at": future},
            **EN,
        )  # fmt: skip
        assert response.status_code == 400, department
        body = response.content.decode()
        assert (
            "You cannot announce to this department." in body
            or "Choose the department to announce to." in body
        )
    # Missing title, an expiry in the past or beyond a year: a clear message, nothing saved.
    cases = [
        ({"title": ""}, "This field is required."),
        ({"expires_at": as_posted(timezone.now() - timedelta(hours=1))}, "in the future"),
        ({"expires_at": as_posted(timezone.now() + timedelta(days=400))}, "a year at most"),
    ]
    for change, message in cases:
        data = {"title": "Let op", "body": "x", "department": org.logistics.pk,
                "expires_at": future, **change}  # fmt: skip
        response = client.post(url, data, **EN)
        assert response.status_code == 400 and message in response.content.decode()
    # The service refuses the same, whoever calls it.
    for department in (org.sales, org.operations, None):
        with pytest.raises(ValidationError) as refused:
            announce(org.log_manager, department=department)
        assert "department" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        announce(org.log_staff[0], department=org.logistics)
    assert not Announcement.objects.exists()
    # Someone who may announce nowhere does not find the page.
    client.force_login(org.log_staff[0])
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "x"}).status_code == 404
    assert not Announcement.objects.exists()


def test_a_director_announces_to_everyone(client, org):
    client.force_login(org.director)
    page = client.get(reverse("activity:announce"), **EN).content.decode()
    assert "The whole organisation" in page
    response = client.post(
        reverse("activity:announce"),
        {
            "title": "Jaarplan",
            "body": "Dit gaan we doen.",
            "department": "",
            "expires_at": as_posted(timezone.now() + timedelta(days=30)),
        },
    )
    assert response.status_code == 302
    assert Announcement.objects.get().department is None
    for reader in (org.sales_staff[0], org.log_staff[1], UserFactory(language="en")):
        assert "Jaarplan" in home(client, reader)
    guest = UserFactory(org_role="guest", language="en")
    assert "Jaarplan" not in home(client, guest)


# --- Delegates ------------------------------------------------------------------------------------


def test_a_delegate_announces_for_the_manager_until_removed(client, org, captured_events):
    delegate = org.sales_staff[1]  # works in Sales, writes for Operations
    url = reverse("activity:delegates", args=[org.operations.pk])
    # Only the department's manager (and administrators) choose its delegates.
    for outsider in (delegate, org.log_manager, org.sales_manager):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"email": delegate.email}).status_code == 404
    assert not AnnouncementDelegate.objects.exists()
    client.force_login(org.ops_manager)
    page = client.get(reverse("activity:announce"), **EN).content.decode()
    assert url in page  # the announce page leads to it
    assert client.post(url, {"email": "niemand@plein.example"}, **EN).status_code == 400
    with captured_events() as seen:
        response = client.post(url, {"email": delegate.email.upper()}, **EN)
    assert response.status_code == 302
    assert [e["type"] for e in seen] == ["AnnouncementDelegateAdded"]
    grant = AnnouncementDelegate.objects.get()
    assert (grant.department, grant.user, grant.granted_by) == (
        org.operations,
        delegate,
        org.ops_manager,
    )
    entry = AuditEntry.objects.get(action="announcement.delegate_added")
    assert (entry.actor_id, entry.target_id, entry.after["delegate"]) == (
        org.ops_manager.pk,
        org.operations.pk,
        delegate.pk,
    )
    again = client.post(url, {"email": delegate.email}, **EN)
    assert again.status_code == 400 and "already announces" in again.content.decode()
    assert AnnouncementDelegate.objects.count() == 1
    # The delegate may now announce where the manager may: Operations and below, not Sales.
    reach = access.announce_reach(fresh(delegate))
    assert reach.department_ids == {org.operations.pk, org.logistics.pk, org.purchasing.pk}
    assert announce(delegate, title="Namens Olga", department=org.logistics).author == delegate
    with pytest.raises(ValidationError):
        announce(delegate, department=org.sales)
    assert "Namens Olga" in home(client, org.log_staff[0])
    # Removed: the right goes with it (and the removal is audited).
    client.force_login(org.ops_manager)
    remove = reverse("activity:delegate_remove", args=[org.operations.pk])
    with captured_events() as seen:
        assert client.post(remove, {"user": delegate.pk}).status_code == 302
    assert [e["type"] for e in seen] == ["AnnouncementDelegateRemoved"]
    assert not AnnouncementDelegate.objects.exists()
    assert AuditEntry.objects.filter(action="announcement.delegate_removed").count() == 1
    # Removing someone who is no delegate is a refusal, not a crash.
    response = client.post(remove, {"user": delegate.pk}, follow=True, **EN)
    assert "does not announce for this department" in response.content.decode()
    response = client.post(remove, {"user": "nul"}, follow=True, **EN)
    assert response.status_code == 200
    assert not access.announce_reach(fresh(delegate)).any
    with pytest.raises(PermissionDenied):
        announce(delegate, department=org.logistics)
    client.force_login(delegate)
    assert client.get(reverse("activity:announce")).status_code == 404


def test_an_administrator_manages_any_departments_delegates(client, org):
    client.force_login(AdminFactory())
    url = reverse("activity:delegates", args=[org.sales.pk])
    assert client.post(url, {"email": org.log_staff[0].email}).status_code == 302
    assert AnnouncementDelegate.objects.get().department == org.sales
    assert client.get(reverse("activity:delegates", args=[999999])).status_code == 404
    # A guest or the manager themselves is no delegate.
    for refused in (UserFactory(org_role="guest"), org.sales_manager):
        assert client.post(url, {"email": refused.email}).status_code == 400
    assert AnnouncementDelegate.objects.count() == 1


# --- Reach: how many read it, for the author only -------------------------------------------------


@pytest.fixture
def smallest_group():
    """The organisation's smallest reported group (insights' setting), set for a test."""
    from insights.models import InsightSettings
    from insights.selectors import SETTINGS_KEY

    def set_to(size: int) -> None:
        InsightSettings.objects.update_or_create(pk=1, defaults={"min_group": size})
        cache.delete(SETTINGS_KEY)

    return set_to


def test_reach_counts_the_audience_that_read_it_and_only_its_author_sees_it(
    client, org, smallest_group
):
    smallest_group(3)
    announcement = announce(org.ops_manager, title="Rooster", department=org.operations)
    # Audience: Operations and below, active colleagues, the author aside: 2 + 1 + 3 + 2 = 8.
    UserFactory(department=org.logistics, is_active=False)  # not counted
    UserFactory(department=org.logistics, org_role="guest")  # nobody's audience
    readers = [org.ops_staff[0], org.log_staff[0], org.log_manager]
    for reader in readers:
        home(client, reader)  # pinned on the home page: seen
    home(client, readers[0])  # seen again: still one read
    client.force_login(org.purchasing_staff[0])
    client.get(reverse("activity:announcement", args=[announcement.pk]))  # opened: read
    home(client, org.sales_staff[0])  # not the audience: it is not shown, nothing recorded
    home(client, org.ops_manager)  # the author is not their own audience
    assert AnnouncementRead.objects.count() == 4
    reach = selectors.announcement_reach(
        announcements=Announcement.objects.select_related("author")
    )[announcement.pk]
    assert (reach.read, reach.audience, reach.too_small) == (4, 8, False)
    # Someone who read it and moved elsewhere is in neither number.
    org.log_manager.department = org.sales
    org.log_manager.save(update_fields=["department"])
    reach = selectors.announcement_reach(
        announcements=Announcement.objects.select_related("author")
    )[announcement.pk]
    assert (reach.read, reach.audience) == (3, 7)
    # The author sees it on the announcement's page, on their profile and on their list.
    client.force_login(org.ops_manager)
    for url in (
        reverse("activity:announcement", args=[announcement.pk]),
        reverse("profiles:person", args=[org.ops_manager.pk]),
        reverse("activity:announcements_by", args=[org.ops_manager.pk]),
    ):
        assert "Read by 3 of 7 people in the audience." in client.get(url, **EN).content.decode()
    # Nobody else: not a reader of it, not a manager above it, not an administrator.
    for other in (org.ops_staff[0], org.director, AdminFactory(language="en")):
        client.force_login(other)
        for url in (
            reverse("activity:announcement", args=[announcement.pk]),
            reverse("profiles:person", args=[org.ops_manager.pk]),
            reverse("activity:announcements_by", args=[org.ops_manager.pk]),
        ):
            response = client.get(url, **EN)
            assert response.status_code in (200, 404)
            body = response.content.decode()
            assert "Read by" not in body and "in the audience" not in body
        # The API carries announcements (the feed) and no reach at all.
        feed = client.get("/api/feed/", {"feed": f"person:{org.ops_manager.pk}"}).json()
        text = repr(feed)
        assert "read" not in {key for item in feed["results"] for key in item}
        assert "reach" not in text and "audience" not in text


def test_reach_of_a_small_audience_is_not_reported(client, org, smallest_group):
    smallest_group(5)
    small = announce(org.log_manager, title="Klein", department=org.logistics)  # 3 people
    big = announce(org.director, title="Groot")  # everyone
    home(client, org.log_staff[0])
    client.force_login(org.log_manager)
    body = client.get(reverse("activity:announcement", args=[small.pk]), **EN).content.decode()
    assert "Too few people in this audience to report how many read it (fewer than 5)." in body
    assert "Read by" not in body
    client.force_login(org.director)
    body = client.get(reverse("activity:announcement", args=[big.pk]), **EN).content.decode()
    assert "Read by 1 of 12 people in the audience." in body  # 13 colleagues, the author aside
    smallest_group(20)
    body = client.get(reverse("activity:announcement", args=[big.pk]), **EN).content.decode()
    assert "fewer than 20" in body and "Read by" not in body


def test_reads_are_recorded_once_and_cost_no_query_per_announcement(client, org):
    for n in range(3):
        announce(org.director, title=f"Bericht {n}")
    reader = org.sales_staff[0]
    client.force_login(reader)
    client.get(reverse("home"))
    assert AnnouncementRead.objects.filter(user=reader).count() == 3
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    # Already read: the home page writes nothing more.
    assert not [q for q in queries.captured_queries if "activity_announcementread" in q["sql"]
                and q["sql"].startswith("INSERT")]  # fmt: skip
    assert AnnouncementRead.objects.filter(user=reader).count() == 3


# --- The leader's updates on their profile --------------------------------------------------------


def test_the_profile_stream_shows_only_what_the_viewer_may_read(client, org):
    for title, department in (
        ("Voor iedereen", None),
        ("Voor Sales", org.sales),
        ("Voor Logistiek", org.logistics),
        ("Voor Operations", org.operations),
    ):
        announce(org.director, title=title, department=department)
    Announcement.objects.filter(title="Voor iedereen").update(
        expires_at=timezone.now() - timedelta(days=1)  # past ones stay in the stream
    )
    url = reverse("profiles:person", args=[org.director.pk])
    seen = {
        org.sales_staff[0]: ["Voor Sales", "Voor iedereen"],
        org.log_staff[0]: ["Voor Operations", "Voor Logistiek", "Voor iedereen"],
        org.purchasing_staff[0]: ["Voor Operations", "Voor iedereen"],
    }
    for viewer, titles in seen.items():
        client.force_login(viewer)
        body = client.get(url, **EN).content.decode()
        stream = body.split('id="updates-heading"')[1].split("</section>")[0]
        assert re.findall(r"<strong>(Voor [^<]+)</strong>", stream) == titles
        listing = client.get(reverse("activity:announcements_by", args=[org.director.pk]))
        assert re.findall(r"<strong>(Voor [^<]+)</strong>", listing.content.decode()) == titles
    # Someone with nothing to read from this person: no stream, and the list is not there.
    client.force_login(org.log_manager)
    assert (
        "updates-heading"
        not in client.get(reverse("profiles:person", args=[org.sales_manager.pk])).content.decode()
    )
    assert (
        client.get(reverse("activity:announcements_by", args=[org.sales_manager.pk])).status_code
        == 404
    )
    client.force_login(UserFactory(org_role="guest"))
    assert (
        client.get(reverse("activity:announcements_by", args=[org.director.pk])).status_code == 404
    )


@pytest.mark.parametrize("count", [2, 30])
def test_the_profile_stream_costs_the_same_queries_for_2_and_30_announcements(
    client, org, count, query_budget
):
    for n in range(count):
        announce(org.director, title=f"Update {n}", department=org.operations if n % 2 else None)
    client.force_login(org.log_staff[0])
    url = reverse("profiles:person", args=[org.director.pk])
    client.get(url)  # the session and caches, as a second page view finds them
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url, **EN).content.decode()
    stream = body.split('id="updates-heading"')[1].split("</section>")[0]
    assert stream.count("<strong>Update") == min(count, selectors.LEADER_STREAM)
    assert ("All updates" in stream) == (count > selectors.LEADER_STREAM)
    assert len(queries) <= PROFILE_QUERIES
    # The stream itself is one query; the author's own view adds the reach, three more
    # whatever the number (the smallest group size is kept in the cache).
    viewer = fresh(org.log_staff[0])
    with query_budget(1):
        selectors.leader_updates(viewer=viewer, author=org.director)
    client.force_login(org.director)
    client.get(url)
    director = fresh(org.director)
    with query_budget(4):
        found = selectors.leader_updates(viewer=director, author=org.director)
    assert all(a.reach is not None for a in found["announcements"])


# --- Live: what is said to a department reaches the sockets of everything below it ---------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_unit_announcement_is_pushed_live_below_the_unit_and_not_beside_it():
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.conf import settings
    from django.test import Client

    from intranet.asgi import application

    def setup():
        top = DepartmentFactory(name="Top")
        unit = DepartmentFactory(name="Unit", parent=top)
        below = DepartmentFactory(name="Onder", parent=unit)
        beside = DepartmentFactory(name="Naast", parent=top)
        manager = UserFactory(department=unit)
        unit.manager = manager
        unit.save(update_fields=["manager"])
        cookies = []
        for department in (below, beside):
            browser = Client()  # one session each: signing in another would end the first
            browser.force_login(UserFactory(department=department))
            session = browser.cookies[settings.SESSION_COOKIE_NAME].value
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={session}")
        return unit, manager, cookies

    unit, manager, (below_cookie, beside_cookie) = await sync_to_async(setup)()
    sockets = []
    for cookie in (below_cookie, beside_cookie):
        headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"),
                   (b"cookie", cookie.encode())]  # fmt: skip
        socket = WebsocketCommunicator(application, "/ws/feed/?feed=home", headers=headers)
        assert (await socket.connect())[0]
        sockets.append(socket)
    await sync_to_async(announce)(manager, title="Live voor de unit", department=unit)
    assert "Live voor de unit" in await sockets[0].receive_from(timeout=5)
    assert await sockets[1].receive_nothing(timeout=1)
    for socket in sockets:
        await socket.disconnect()
