"""What the directory and the person page must not reveal (issue 19): a location the person
kept to themselves or their department is not found by filtering on it, and a colleague's page
lists only spaces whose members the viewer may see."""

import pytest
from django.urls import reverse

from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def zwolle():
    """Three people in Zwolle: one shows it to colleagues, one to their department, one to
    nobody."""
    finance = DepartmentFactory(name="Financiën", slug="financien")
    return {
        "open": UserFactory(first_name="Open", last_name="Zwolle", location="Zwolle",
                            location_visibility="colleagues"),
        "department": UserFactory(first_name="Afdeling", last_name="Zwolle", location="Zwolle",
                                  location_visibility="department", department=finance),
        "hidden": UserFactory(first_name="Verborgen", last_name="Zwolle", location="Zwolle",
                              location_visibility="only_me"),
    }  # fmt: skip


def found(client, **params) -> list[str]:
    answer = client.get("/api/people/", params)
    assert answer.status_code == 200
    return sorted(p["display_name"] for p in answer.json()["results"])


def test_the_location_filter_finds_only_locations_shown_to_colleagues(client, zwolle):
    client.force_login(UserFactory())
    assert found(client, location="zwolle") == ["Open Zwolle"]
    assert found(client, location="Zwolle", q="zwolle") == ["Open Zwolle"]
    page = client.get(reverse("profiles:directory"), {"location": "Zwolle"}).content.decode()
    assert "Open Zwolle" in page
    assert "Afdeling Zwolle" not in page and "Verborgen Zwolle" not in page
    # Without the filter they are all in the directory, only their location is not.
    assert len(found(client, q="zwolle")) == 3


def test_the_location_filter_finds_nobody_for_guests_and_bad_input_finds_nothing(client, zwolle):
    guest = UserFactory(org_role="guest")
    space = SpaceFactory()
    for person in (guest, *zwolle.values()):
        MembershipFactory(space=space, user=person)
    client.force_login(guest)
    assert found(client, location="Zwolle") == []
    assert len(found(client)) == 4  # they do share a space
    client.force_login(UserFactory())
    assert found(client, location="Zwolle" * 40) == []
    assert found(client, location="%") == []
    assert client.get("/api/people/", {"location": "Zwolle", "limit": "x"}).status_code == 400
    assert client.get(reverse("profiles:directory"), {"location": "x" * 500}).status_code == 200


@pytest.fixture
def spaced():
    """Someone in an open space, a private and a secret one, and a private space the viewer
    shares with them."""
    person = UserFactory(first_name="Gerrit", last_name="Postma")
    viewer = UserFactory(language="en")
    spaces = {
        "open": SpaceFactory(name="Open plein"),
        "private": SpaceFactory(name="Besloten raad", visibility="private", closed_reason="x"),
        "secret": SpaceFactory(name="Geheim overleg", visibility="secret", closed_reason="x"),
        "shared": SpaceFactory(name="Gedeeld kamertje", visibility="private", closed_reason="x"),
    }
    for space in spaces.values():
        MembershipFactory(space=space, user=person)
    MembershipFactory(space=spaces["shared"], user=viewer)
    return person, viewer, spaces


def test_a_person_page_lists_only_spaces_whose_members_the_viewer_may_see(client, spaced):
    person, viewer, spaces = spaced
    client.force_login(viewer)
    page = client.get(reverse("profiles:person", args=[person.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Open plein" in body and "Gedeeld kamertje" in body
    assert "Besloten raad" not in body and "Geheim overleg" not in body
    # The same rule as the member lists themselves.
    members = f"/spaces/{spaces['private'].slug}/members/"
    assert client.get(members).status_code == 404
    assert client.get(f"/spaces/{spaces['shared'].slug}/members/").status_code == 200
    # Unknown and malformed people answer 404 alike.
    assert client.get(reverse("profiles:person", args=[999999])).status_code == 404
    assert client.get(f"/people/{person.pk}x/").status_code == 404


def test_administrators_see_every_space_of_a_person(client, spaced):
    person, _viewer, _spaces = spaced
    client.force_login(AdminFactory())
    body = client.get(reverse("profiles:person", args=[person.pk])).content.decode()
    for name in ("Open plein", "Besloten raad", "Geheim overleg", "Gedeeld kamertje"):
        assert name in body
