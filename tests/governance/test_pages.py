"""Governance pages over HTTP: allowed, denied (404) and bad input, and their query costs."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from intranet.governance import services
from intranet.governance.models import AuditEntry, Membership, MembershipRequest, Space
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def employee(client):
    person = UserFactory(language="en")
    client.force_login(person)
    return person


# --- Directory and query counts ----------------------------------------------------------------


@pytest.mark.parametrize("count", [10, 200])
def test_directory_costs_the_same_with_10_or_200_spaces(client, employee, query_budget, count):
    for i in range(count):
        space = SpaceFactory(visibility=["open", "private", "secret"][i % 3])
        MembershipFactory(space=space, role="owner")
        if i % 4 == 0:
            MembershipFactory(space=space, user=employee)
    client.get(reverse("governance:directory"))  # warm caches
    with query_budget(10):
        response = client.get(reverse("governance:directory"))
    assert response.status_code == 200
    visible = Space.objects.visible_to(employee).count()
    assert response.content.decode().count('class="space-card"') == min(visible, 50)


@pytest.mark.parametrize("count", [10, 200])
def test_space_home_costs_the_same_with_10_or_200_members(client, employee, query_budget, count):
    space = SpaceFactory()
    MembershipFactory(space=space, user=employee, role="owner")
    for _ in range(count):
        MembershipFactory(space=space)
    client.get(reverse("governance:space", args=[space.slug]))
    with query_budget(12):
        response = client.get(reverse("governance:space", args=[space.slug]))
    assert response.status_code == 200
    assert f"{count + 1} members" in response.content.decode()


@pytest.mark.parametrize("count", [10, 200])
def test_members_page_costs_the_same_and_pages_by_50(client, employee, query_budget, count):
    space = SpaceFactory()
    MembershipFactory(space=space, user=employee, role="owner")
    MembershipFactory.create_batch(count, space=space)
    url = reverse("governance:members", args=[space.slug])
    client.get(url)
    with query_budget(12):
        response = client.get(url)
    body = response.content.decode()
    assert f"{count + 1} members" in body
    assert body.count('name="role"') == min(count + 1, 50)
    if count > 50:
        assert client.get(url, {"page": 5}).status_code == 200  # past the end: last page


def test_directory_filters_by_kind_and_membership(client, employee):
    mine = SpaceFactory(kind="project", name="Mijn project")
    MembershipFactory(space=mine, user=employee)
    SpaceFactory(kind="community", name="Fietsclub")

    def cards(params):
        html = client.get(reverse("governance:directory"), params).content.decode()
        return html.split('<ul class="spaces">')[-1]  # the listing, not the rail

    assert ">Fietsclub</a></h2>" in cards({"kind": "community"})
    assert ">Mijn project</a></h2>" not in cards({"kind": "community"})
    assert ">Mijn project</a></h2>" in cards({"scope": "mine"})
    assert ">Fietsclub</a></h2>" not in cards({"scope": "mine"})
    assert ">Mijn project</a></h2>" in cards({"kind": "planet"})  # unknown filter: ignored


def test_secret_space_is_not_listed_and_its_pages_are_404(client, employee):
    secret = SpaceFactory(visibility="secret", name="Geheim overleg")
    assert "Geheim overleg" not in client.get(reverse("governance:directory")).content.decode()
    for name in ["space", "members", "settings"]:
        assert client.get(reverse(f"governance:{name}", args=[secret.slug])).status_code == 404
    assert client.post(reverse("governance:join", args=[secret.slug])).status_code == 404
    assert client.post(reverse("governance:request", args=[secret.slug])).status_code == 404
    assert not MembershipRequest.objects.exists()


def test_unknown_space_is_404(client, employee):
    assert client.get("/spaces/bestaat-niet/").status_code == 404


# --- Joining -----------------------------------------------------------------------------------


def test_join_and_leave_an_open_space(client, employee):
    space = SpaceFactory()
    MembershipFactory(space=space, role="owner")
    response = client.post(reverse("governance:join", args=[space.slug]), follow=True)
    assert f"You joined {space.name}" in response.content.decode()
    assert Membership.objects.filter(space=space, user=employee).exists()
    response = client.post(reverse("governance:join", args=[space.slug]), follow=True)
    assert "already a member" in response.content.decode()
    client.post(reverse("governance:leave", args=[space.slug]))
    assert not Membership.objects.filter(space=space, user=employee).exists()


def test_private_space_shows_a_join_request_form_and_hides_content(client, employee):
    space = SpaceFactory(visibility="private", description="Alleen voor leden")
    owner = MembershipFactory(space=space, role="owner").user
    page = client.get(reverse("governance:space", args=[space.slug])).content.decode()
    assert "Ask to join" in page and "for members only" in page
    assert escape(owner.display_name) not in page
    client.post(reverse("governance:request", args=[space.slug]), {"message": "Ik help graag"})
    request = MembershipRequest.objects.get()
    assert (request.user, request.message) == (employee, "Ik help graag")
    too_long = client.post(
        reverse("governance:request", args=[space.slug]), {"message": "x" * 1001}, follow=True
    )
    assert "under 1000 characters" in too_long.content.decode()
    assert MembershipRequest.objects.count() == 1

    client.force_login(owner)
    members = client.get(reverse("governance:members", args=[space.slug])).content.decode()
    assert "Ik help graag" in members
    client.post(reverse("governance:decide", args=[request.pk]), {"decision": "accept"})
    assert Membership.objects.get(space=space, user=employee).role == "member"


def test_strangers_cannot_decide_or_even_see_a_request(client, employee):
    space = SpaceFactory(visibility="private")
    MembershipFactory(space=space, role="owner")
    request = services.request_membership(user=UserFactory(), space=space)
    response = client.post(reverse("governance:decide", args=[request.pk]), {"decision": "accept"})
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


# --- Members -----------------------------------------------------------------------------------


def test_invite_bad_input_keeps_the_page_and_saves_nothing(client, employee):
    space = SpaceFactory()
    MembershipFactory(space=space, user=employee, role="member")
    url = reverse("governance:invite", args=[space.slug])
    for data, message in [
        ({"invitee": "geen-adres"}, "Enter a valid email address."),
        ({"invitee": "wie@nergens.example"}, "Nobody with this email address"),
        ({"invitee": employee.email}, "already a member"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not MembershipRequest.objects.exists()
    colleague = UserFactory()
    response = client.post(url, {"invitee": colleague.email}, follow=True)
    assert "Invitation sent." in response.content.decode()
    assert MembershipRequest.objects.get().user == colleague


def test_member_role_change_with_a_role_that_does_not_exist(client, employee):
    space = SpaceFactory()
    MembershipFactory(space=space, user=employee, role="owner")
    other = MembershipFactory(space=space, role="member").user
    url = reverse("governance:member_role", args=[space.slug, other.pk])
    response = client.post(url, {"role": "keizer"}, follow=True)
    assert "Choose owner, moderator, member or reader." in response.content.decode()
    assert Membership.objects.get(space=space, user=other).role == "member"


def test_removing_the_last_owner_says_why(client, employee):
    space = SpaceFactory()
    MembershipFactory(space=space, user=employee, role="owner")
    url = reverse("governance:member_remove", args=[space.slug, employee.pk])
    response = client.post(url, follow=True)
    assert "at least one owner" in response.content.decode()
    assert Membership.objects.filter(space=space, user=employee).exists()


# --- Settings ----------------------------------------------------------------------------------


def test_owner_closes_a_space_with_a_reason(client, employee):
    space = SpaceFactory(name="Team A")
    MembershipFactory(space=space, user=employee, role="owner")
    url = reverse("governance:settings", args=[space.slug])
    response = client.post(
        url,
        {"section": "general", "name": "Team A", "visibility": "private", "modules": ["forums"]},
    )
    assert response.status_code == 400
    assert "Say why you close this space" in response.content.decode()
    space.refresh_from_db()
    assert space.visibility == "open"
    client.post(
        url,
        {
            "section": "general",
            "name": "Team A",
            "visibility": "private",
            "closed_reason": "Offertes",
            "modules": ["forums"],
        },
    )
    space.refresh_from_db()
    assert (space.visibility, space.closed_reason, space.modules) == (
        "private",
        "Offertes",
        ["forums"],
    )


def test_settings_matrix_grid_saves_and_refuses_widening(client, employee):
    space = SpaceFactory()
    MembershipFactory(space=space, user=employee, role="owner")
    url = reverse("governance:settings", args=[space.slug])
    page = client.get(url).content.decode()
    assert 'name="perm:change_settings:owner"' in page
    # The owner column is fixed; the reader's view right is the owner's to narrow.
    assert re.search(r'name="perm:change_settings:owner"\s+checked disabled', page)
    assert re.search(r'name="perm:view:reader"\s+checked\s+aria-label', page)
    response = client.post(url, {"section": "matrix", "perm:change_settings:reader": "on"})
    assert response.status_code == 400
    assert "beyond what administrators allow" in response.content.decode()
    response = client.post(
        url,
        {
            "section": "matrix",
            "perm:view:member": "on",
            "perm:view:owner": "on",
            "perm:post:owner": "on",
        },
    )
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.matrix["view"] == ["member", "owner"]
    assert "reader" not in space.matrix["view"]


def test_unknown_action_in_the_matrix_is_refused(client, employee):
    space = SpaceFactory()
    MembershipFactory(space=space, user=employee, role="owner")
    url = reverse("governance:settings", args=[space.slug])
    response = client.post(url, {"section": "matrix", "perm:fly:member": "on"})
    assert response.status_code == 400
    assert "Unknown action" in response.content.decode()


def test_create_space_page(client, employee):
    url = reverse("governance:create")
    response = client.post(url, {"kind": "community", "name": "", "visibility": "open"})
    assert response.status_code == 400
    response = client.post(url, {"kind": "community", "name": "Hardlopen", "visibility": "open"})
    space = Space.objects.get(name="Hardlopen")
    assert response["Location"] == reverse("governance:space", args=[space.slug])
    response = client.post(url, {"kind": "community", "name": "Hardlopen", "visibility": "open"})
    assert response.status_code == 400
    assert "Another space already uses this web address." in response.content.decode()
    assert Space.objects.filter(name="Hardlopen").count() == 1


def test_guests_cannot_open_the_create_page(client):
    client.force_login(UserFactory(org_role="guest"))
    assert client.get(reverse("governance:create")).status_code == 404


# --- Organisation and administration -----------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["admin_roles", "admin_defaults_index", "admin_audit", "admin_pilot", "department_new"]
)
def test_administration_pages_are_404_for_others(client, name):
    for role in ["employee", "community_manager", "moderator", "guest"]:
        client.force_login(UserFactory(org_role=role))
        assert client.get(reverse(f"governance:{name}")).status_code == 404


@pytest.mark.parametrize("count", [5, 60])
def test_org_chart_costs_the_same_with_more_departments(client, employee, query_budget, count):
    admin = AdminFactory()
    root = services.save_department(actor=admin, name="Directie")
    for i in range(count):
        services.save_department(actor=admin, name=f"Afdeling {i}", parent=root)
    client.get(reverse("governance:org_chart"))
    with query_budget(8):
        response = client.get(reverse("governance:org_chart"))
    assert response.content.decode().count('class="orgchart__node"') == count + 1


def test_administrator_edits_departments_with_clear_errors(client):
    admin = AdminFactory(language="en")
    client.force_login(admin)
    response = client.post(reverse("governance:department_new"), {"name": ""})
    assert response.status_code == 400
    client.post(reverse("governance:department_new"), {"name": "Legal"})
    response = client.post(reverse("governance:department_new"), {"name": "Legal"})
    assert "already exists" in response.content.decode()


def test_openness_report_for_community_managers(client):
    SpaceFactory(visibility="open")
    SpaceFactory(visibility="private", closed_reason="Contracten", name="Inkoop")
    SpaceFactory(visibility="secret", closed_reason="Reorganisatie", name="Geheim")
    client.force_login(UserFactory(org_role="community_manager", language="en"))
    body = client.get(reverse("governance:admin_overview")).content.decode()
    assert "33% of 3 spaces are open" in body
    assert "Contracten" in body
    assert "Geheim" not in body and "Reorganisatie" not in body  # secret stays secret
    client.force_login(UserFactory())
    assert client.get(reverse("governance:admin_overview")).status_code == 404


def test_administrator_changes_an_org_role_and_sees_it_in_the_audit_log(client):
    admin = AdminFactory(language="en")
    person = UserFactory(first_name="Kees")
    client.force_login(admin)
    department = DepartmentFactory(name="Inkoop")
    client.post(
        reverse("governance:admin_roles"),
        {"user_id": person.pk, "role": "moderator", "department": department.pk},
    )
    person.refresh_from_db()
    assert (person.org_role, person.department) == ("moderator", department)
    response = client.post(
        reverse("governance:admin_roles"), {"user_id": person.pk, "role": "emperor"}, follow=True
    )
    assert "This role does not exist." in response.content.decode()
    log = client.get(reverse("governance:admin_audit"), {"action": "org_role"}).content.decode()
    assert "org_role.changed" in log and "Kees" in log
    other = client.get(reverse("governance:admin_audit"), {"action": "space."}).content.decode()
    assert "org_role.changed" not in other
    assert AuditEntry.objects.filter(action="org_role.changed").count() == 1
    assert AuditEntry.objects.filter(action="user.department_changed").count() == 1


def test_people_page_saves_nothing_when_one_half_is_refused(client):
    admin = AdminFactory(language="en")
    client.force_login(admin)
    # Demoting the only administrator fails, so the department change must not land either.
    department = DepartmentFactory()
    response = client.post(
        reverse("governance:admin_roles"),
        {"user_id": admin.pk, "role": "employee", "department": department.pk},
        follow=True,
    )
    assert "at least one administrator" in response.content.decode()
    admin.refresh_from_db()
    assert (admin.org_role, admin.department) == ("administrator", None)
    response = client.post(
        reverse("governance:admin_roles"),
        {"user_id": admin.pk, "role": "administrator", "department": 999999},
        follow=True,
    )
    assert "This department does not exist." in response.content.decode()


def test_administrator_edits_defaults_per_kind(client):
    admin = AdminFactory()
    client.force_login(admin)
    url = reverse("governance:admin_defaults", args=["community"])
    response = client.post(
        url,
        {
            "perm:view:reader": "on",
            "perm:view:owner": "on",
            "perm:change_settings:owner": "on",
            "modules": ["forums"],
        },
    )
    assert response.status_code == 302
    space = SpaceFactory(kind="community")
    member = MembershipFactory(space=space, role="member").user
    client.force_login(member)
    assert client.get(reverse("governance:members", args=[space.slug])).status_code == 404
    client.force_login(admin)
    assert client.get(reverse("governance:admin_defaults", args=["planet"])).status_code == 404
    response = client.post(url, {"perm:view:emperor": "on"})
    assert response.status_code == 400


def test_pilot_shows_a_friendly_page_outside_pilot_departments(client):
    admin = AdminFactory()
    pilot = DepartmentFactory()
    inside = UserFactory(department=pilot)
    outside = UserFactory(language="en")
    client.force_login(admin)
    response = client.post(reverse("governance:admin_pilot"), {"enabled": "on"})
    assert response.status_code == 400  # no pilot departments chosen
    client.post(reverse("governance:admin_pilot"), {"enabled": "on", "departments": [pilot.pk]})
    client.force_login(outside)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "not yet open for your department" in response.content.decode()
    assert client.get(reverse("account_email")).status_code == 200  # account pages still work
    client.force_login(inside)
    assert client.get(reverse("home")).status_code == 200
    client.force_login(admin)
    client.post(reverse("governance:admin_pilot"), {"departments": []})  # open to everyone
    client.force_login(outside)
    assert client.get(reverse("home")).status_code == 200


# --- API ---------------------------------------------------------------------------------------


def test_api_lists_only_visible_spaces_with_members_and_permissions(client, employee):
    open_space = SpaceFactory(name="Open")
    SpaceFactory(visibility="secret", name="Geheim")
    MembershipFactory(space=open_space, user=employee, role="moderator")
    data = client.get("/api/spaces/").json()
    assert [s["name"] for s in data["results"]] == ["Open"]
    assert data["results"][0]["my_role"] == "moderator"
    members = client.get(f"/api/spaces/{open_space.slug}/members/").json()
    assert members["count"] == 1
    assert members["results"][0]["email"] == employee.email
    assert members["results"][0]["role"] == "moderator"
    perms = client.get(f"/api/spaces/{open_space.slug}/permissions/").json()
    assert perms["role"] == "moderator" and perms["permissions"]["manage_members"] is True
    assert client.get("/api/spaces/", {"kind": "planet"}).status_code == 400
    assert client.post("/api/spaces/", {"name": "x"}).status_code == 405


def test_guests_do_not_see_the_organisation(client):
    client.force_login(UserFactory(org_role="guest"))
    assert client.get(reverse("governance:org_chart")).status_code == 404
    assert b'href="/organisation/"' not in client.get(reverse("home")).content


# --- No oracle for secret names -------------------------------------------------------------


def test_creating_a_space_does_not_tell_whether_a_secret_one_of_that_name_exists(employee, client):
    owner = UserFactory()
    secret = services.create_space(
        actor=owner, kind="project", name="Overname Jansen", visibility="secret",
        closed_reason="Onderhandelingen",
    )  # fmt: skip
    assert secret.slug != "overname-jansen" and secret.slug.startswith("overname-jansen-")
    form = {"kind": "project", "name": "Overname Jansen", "visibility": "open"}
    response = client.post(reverse("governance:create"), form, **EN)
    # Created like any new name, at the plain address: nothing says the secret one exists.
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:space", args=["overname-jansen"])
    # The secret space's address cannot be guessed from its name.
    assert client.get(reverse("governance:space", args=[secret.slug])).status_code == 404
    # An open space's address that is taken is said plainly (everyone can see that one).
    again = client.post(reverse("governance:create"), form, **EN)
    assert again.status_code == 400
    assert "Another space already uses this web address." in again.content.decode()
    assert Space.objects.filter(name="Overname Jansen").count() == 2


def test_a_space_that_turns_secret_leaves_its_plain_address(employee, client):
    space = services.create_space(actor=employee, kind="team", name="Loonoverleg")
    assert space.slug == "loonoverleg"
    services.update_space(
        actor=employee, space=space, name=space.name, description="", visibility="secret",
        closed_reason="Vertrouwelijk",
    )  # fmt: skip
    space.refresh_from_db()
    assert space.slug.startswith("loonoverleg-") and len(space.slug) == len("loonoverleg-") + 8
    assert client.get(reverse("governance:space", args=[space.slug])).status_code == 200
    # Back to open and secret again: the address does not grow.
    for visibility in ("open", "secret"):
        services.update_space(
            actor=employee, space=space, name=space.name, description="",
            visibility=visibility, closed_reason="Vertrouwelijk",
        )  # fmt: skip
    space.refresh_from_db()
    assert len(space.slug) == len("loonoverleg-") + 8


def test_secret_spaces_made_before_keyed_addresses_move_off_the_plain_one(db):
    from importlib import import_module

    from django.apps import apps as global_apps

    secret = SpaceFactory(name="Oud geheim", slug="oud-geheim", visibility="secret")
    open_space = SpaceFactory(name="Open", slug="open-plein")
    migration = import_module("intranet.governance.migrations.0006_secret_space_addresses")
    migration.move_secret_spaces_off_plain_addresses(global_apps, None)
    secret.refresh_from_db()
    open_space.refresh_from_db()
    assert secret.slug == services.secret_slug("oud-geheim") != "oud-geheim"
    assert open_space.slug == "open-plein"
