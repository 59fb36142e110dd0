"""The permission matrix over HTTP: organisation role x space role x visibility x action.

The expected outcome of every cell comes from the table below, written out here rather than
imported from the code, so a change to the rules shows up as failing cells. Denied reads are
404; the API reports the caller's effective permissions for the rest."""

import itertools

import pytest

from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTIONS = [
    "view",
    "post",
    "comment",
    "ask_question",
    "answer",
    "write_article",
    "edit_others_article",
    "create_board",
    "move_card",
    "publish_story",
    "invite",
    "manage_members",
    "moderate",
    "change_settings",
]

# The organisation defaults, as a person would read them in the settings grid.
ROLE_ACTIONS = {
    "owner": set(ACTIONS),
    "moderator": set(ACTIONS) - {"change_settings"},
    "member": {
        "view",
        "post",
        "comment",
        "ask_question",
        "answer",
        "write_article",
        "move_card",
        "invite",
    },
    "reader": {"view"},
    None: set(),
}
GUEST_NEVER = {
    "invite",
    "manage_members",
    "moderate",
    "change_settings",
    "edit_others_article",
    "create_board",
    "publish_story",
}
ORG_ROLES = ["administrator", "community_manager", "moderator", "employee", "guest"]
SPACE_ROLES = ["owner", "moderator", "member", "reader", None]
VISIBILITIES = ["open", "private", "secret"]


def expected(org_role, space_role, visibility):
    """(listed, {allowed actions}) for one cell of the table."""
    if org_role == "administrator":
        return True, set(ACTIONS)
    allowed = set(ROLE_ACTIONS[space_role])
    if space_role is None and visibility == "open" and org_role != "guest":
        allowed = {"view"}
    if org_role in ("moderator", "community_manager") and "view" in allowed:
        allowed.add("moderate")
    if org_role == "guest":
        allowed -= GUEST_NEVER
    if space_role is not None:
        listed = True
    elif org_role == "guest":
        listed = False
    else:
        listed = visibility != "secret"
    return listed, allowed


CELLS = list(itertools.product(ORG_ROLES, SPACE_ROLES, VISIBILITIES))


@pytest.mark.parametrize(("org_role", "space_role", "visibility"), CELLS)
def test_matrix_cell(client, org_role, space_role, visibility):
    space = SpaceFactory(visibility=visibility)
    MembershipFactory(space=space, role="owner")  # every space has an owner
    user = UserFactory(org_role=org_role, is_staff=org_role == "administrator")
    if space_role:
        MembershipFactory(space=space, user=user, role=space_role)
    client.force_login(user)
    listed, allowed = expected(org_role, space_role, visibility)

    response = client.get(f"/api/spaces/{space.slug}/permissions/")
    if not listed:
        assert response.status_code == 404
        assert client.get(f"/spaces/{space.slug}/").status_code == 404
        assert client.get(f"/api/spaces/{space.slug}/").status_code == 404
    else:
        assert response.status_code == 200
        granted = {action for action, ok in response.json()["permissions"].items() if ok}
        assert granted == allowed, f"extra: {granted - allowed}, missing: {allowed - granted}"
        assert client.get(f"/spaces/{space.slug}/").status_code == 200

    # Real pages and endpoints agree with the reported permissions.
    members = client.get(f"/spaces/{space.slug}/members/")
    assert members.status_code == (200 if "view" in allowed else 404)
    settings_page = client.get(f"/spaces/{space.slug}/settings/")
    assert settings_page.status_code == (200 if "change_settings" in allowed else 404)
    invite = client.post(f"/spaces/{space.slug}/members/invite/", {"invitee": "nobody@x.example"})
    # Allowed: the form answers (400: unknown colleague); denied: 404.
    assert invite.status_code == (400 if "invite" in allowed else 404)
    target = UserFactory()
    MembershipFactory(space=space, user=target, role="reader")
    change = client.post(f"/spaces/{space.slug}/members/{target.pk}/role/", {"role": "member"})
    assert change.status_code == (302 if "manage_members" in allowed else 404)
    target_role = space.memberships.get(user=target).role
    assert target_role == ("member" if "manage_members" in allowed else "reader")
