"""Governance services: what they write, audit and announce, and what they refuse."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import translation

from intranet.governance import permissions, services
from intranet.governance.models import (
    AuditEntry,
    KindPolicy,
    Membership,
    MembershipRequest,
    Space,
)
from tests.conftest import record_events
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Services speak the active language; these tests read their English messages.
    with translation.override("en"):
        yield


@pytest.fixture
def published():
    """The events delivered during the test (the tests commit with on-commit capture)."""
    with record_events() as seen:
        yield seen


def test_create_space_makes_the_creator_owner_audits_and_announces(
    published, django_capture_on_commit_callbacks
):
    maker = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        space = services.create_space(actor=maker, kind="community", name="Duurzaam werken")
    assert space.slug == "duurzaam-werken"
    assert Membership.objects.get(space=space).user == maker
    assert Membership.objects.get(space=space).role == "owner"
    entry = AuditEntry.objects.get(action="space.created")
    assert entry.actor_id == maker.pk and entry.after["visibility"] == "open"
    assert published == [{"type": "SpaceCreated", "space_id": space.pk, "actor_id": maker.pk}]


def test_nothing_is_announced_when_the_transaction_rolls_back(
    published, django_capture_on_commit_callbacks
):
    maker = UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.create_space(actor=maker, kind="team", name="Weg")
        raise RuntimeError
    assert published == []
    assert not Space.objects.filter(name="Weg").exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "department", "name": "X"}, "kind"),
        ({"kind": "planet", "name": "X"}, "kind"),
        ({"kind": "team", "name": "  "}, "name"),
        ({"kind": "team", "name": "X", "visibility": "hidden"}, "visibility"),
        ({"kind": "team", "name": "X", "visibility": "private"}, "closed_reason"),
    ],
)
def test_create_space_bad_input_saves_nothing(kwargs, field):
    maker = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.create_space(actor=maker, **kwargs)
    assert field in error.value.message_dict
    assert not Space.objects.exists() and not AuditEntry.objects.exists()


def test_duplicate_slug_is_refused():
    SpaceFactory(slug="marketing-team")
    with pytest.raises(ValidationError, match="already uses this web address"):
        services.create_space(actor=UserFactory(), kind="team", name="Marketing team")
    assert Space.objects.count() == 1


def test_guests_cannot_start_spaces():
    with pytest.raises(PermissionDenied):
        services.create_space(actor=UserFactory(org_role="guest"), kind="team", name="X")


def test_joining_twice_is_refused_and_writes_once():
    space = SpaceFactory()
    person = UserFactory()
    services.join_space(user=person, space=space)
    with pytest.raises(ValidationError, match="already a member"):
        services.join_space(user=person, space=space)
    assert Membership.objects.filter(space=space, user=person).count() == 1


def test_private_space_needs_a_request_which_managers_decide(
    published, django_capture_on_commit_callbacks
):
    space = SpaceFactory(visibility="private")
    owner = MembershipFactory(space=space, role="owner").user
    person = UserFactory()
    with pytest.raises(ValidationError, match="ask to join"):
        services.join_space(user=person, space=space)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_membership(user=person, space=space, message="Graag!")
    with pytest.raises(ValidationError, match="already asked"):
        services.request_membership(user=person, space=space)
    with pytest.raises(PermissionDenied):
        services.decide_request(actor=person, request_id=request.pk, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_request(actor=owner, request_id=request.pk, accept=True)
    assert Membership.objects.get(space=space, user=person).role == "member"
    types = [event["type"] for event in published]
    assert types == ["MembershipRequested", "MemberJoined", "MembershipRequestDecided"]
    with pytest.raises(ValidationError, match="already handled"):
        services.decide_request(actor=owner, request_id=request.pk, accept=False)


def test_invitation_is_accepted_by_the_invitee_only():
    space = SpaceFactory(visibility="secret")
    member = MembershipFactory(space=space, role="member").user
    guest = UserFactory(org_role="guest")
    invitation = services.invite_to_space(actor=member, space=space, invitee=guest)
    with pytest.raises(PermissionDenied):
        services.decide_request(actor=member, request_id=invitation.pk, accept=True)
    services.decide_request(actor=guest, request_id=invitation.pk, accept=True)
    assert Space.objects.visible_to(guest).get() == space


def test_the_last_owner_cannot_leave_or_be_removed_or_demoted():
    space = SpaceFactory()
    owner = MembershipFactory(space=space, role="owner").user
    with pytest.raises(ValidationError, match="last owner"):
        services.leave_space(user=owner, space=space)
    with pytest.raises(ValidationError, match="at least one owner"):
        services.remove_member(actor=owner, space=space, user=owner)
    with pytest.raises(ValidationError, match="at least one owner"):
        services.change_member_role(actor=owner, space=space, user=owner, role="member")
    assert Membership.objects.get(space=space, user=owner).role == "owner"


def test_role_that_does_not_exist_is_refused():
    space = SpaceFactory()
    owner = MembershipFactory(space=space, role="owner").user
    person = MembershipFactory(space=space, role="member").user
    with pytest.raises(ValidationError, match="Choose owner, moderator, member or reader"):
        services.change_member_role(actor=owner, space=space, user=person, role="king")
    assert Membership.objects.get(space=space, user=person).role == "member"


# --- Escalation attempts -----------------------------------------------------------------------


def test_moderator_cannot_make_themselves_owner():
    space = SpaceFactory()
    MembershipFactory(space=space, role="owner")
    moderator = MembershipFactory(space=space, role="moderator").user
    with pytest.raises(ValidationError, match="Only an owner"):
        services.change_member_role(actor=moderator, space=space, user=moderator, role="owner")
    assert Membership.objects.get(space=space, user=moderator).role == "moderator"


def test_moderator_cannot_demote_or_remove_an_owner():
    space = SpaceFactory()
    owner = MembershipFactory(space=space, role="owner").user
    MembershipFactory(space=space, role="owner")
    moderator = MembershipFactory(space=space, role="moderator").user
    with pytest.raises(ValidationError, match="Only an owner"):
        services.change_member_role(actor=moderator, space=space, user=owner, role="reader")
    with pytest.raises(ValidationError, match="Only an owner"):
        services.remove_member(actor=moderator, space=space, user=owner)
    assert Membership.objects.get(space=space, user=owner).role == "owner"


def test_space_owner_cannot_edit_organisation_defaults():
    space = SpaceFactory()
    owner = MembershipFactory(space=space, role="owner").user
    with pytest.raises(PermissionDenied):
        services.set_kind_defaults(
            actor=owner, kind="team", matrix={"view": ["reader"]}, allowed_modules=[]
        )
    assert not KindPolicy.objects.exists()


def test_owner_cannot_widen_the_matrix_beyond_the_defaults():
    space = SpaceFactory()
    owner = MembershipFactory(space=space, role="owner").user
    with pytest.raises(ValidationError, match="beyond what administrators allow"):
        services.set_space_matrix(actor=owner, space=space, matrix={"change_settings": ["reader"]})
    space.refresh_from_db()
    assert space.matrix == {}


def test_nobody_grants_a_right_they_do_not_hold():
    admin = AdminFactory()
    # Defaults let moderators change settings in this kind, but not publish stories.
    matrix = {a: sorted(r) for a, r in permissions.kind_matrix("team").items()}
    matrix["change_settings"] = ["moderator", "owner"]
    matrix["publish_story"] = ["member", "owner"]
    services.set_kind_defaults(actor=admin, kind="team", matrix=matrix, allowed_modules=[])
    space = SpaceFactory(kind="team")
    owner = MembershipFactory(space=space, role="owner").user
    moderator = MembershipFactory(space=space, role="moderator").user
    # The owner keeps story publishing to owners; the moderator cannot open it up again.
    space = services.set_space_matrix(actor=owner, space=space, matrix={"publish_story": []})
    with pytest.raises(ValidationError, match="you do not have it yourself"):
        services.set_space_matrix(
            actor=moderator, space=space, matrix={"publish_story": ["member"]}
        )
    # Narrowing what they hold is fine, and the owner column stays as the defaults say.
    services.set_space_matrix(actor=moderator, space=space, matrix={"invite": ["moderator"]})
    space.refresh_from_db()
    effective = permissions.effective_matrix(space)
    assert effective["invite"] == {"moderator", "owner"}
    assert effective["change_settings"] == {"moderator", "owner"}


def test_space_matrix_change_is_audited_with_before_and_after():
    space = SpaceFactory()
    owner = MembershipFactory(space=space, role="owner").user
    services.set_space_matrix(actor=owner, space=space, matrix={"post": ["moderator"]})
    entry = AuditEntry.objects.get(action="space.permissions_changed")
    assert entry.before["post"] == ["member", "moderator", "owner"]
    assert entry.after["post"] == ["moderator", "owner"]
    member = MembershipFactory(space=space, role="member").user
    space.refresh_from_db()
    assert not permissions.can(member, "post", space)


def test_closing_a_space_needs_a_reason_that_administrators_see():
    space = SpaceFactory()
    owner = MembershipFactory(space=space, role="owner").user
    with pytest.raises(ValidationError) as error:
        services.update_space(
            actor=owner, space=space, name=space.name, description="", visibility="private"
        )
    assert "closed_reason" in error.value.message_dict
    services.update_space(
        actor=owner,
        space=space,
        name=space.name,
        description="",
        visibility="private",
        closed_reason="Salarisgegevens",
    )
    entry = AuditEntry.objects.get(action="space.visibility_closed")
    assert entry.reason == "Salarisgegevens"
    assert (entry.before["visibility"], entry.after["visibility"]) == ("open", "private")


def test_modules_stay_within_what_administrators_allow():
    admin = AdminFactory()
    services.set_kind_defaults(
        actor=admin,
        kind="team",
        matrix={a: sorted(r) for a, r in permissions.kind_matrix("team").items()},
        allowed_modules=["forums"],
    )
    space = SpaceFactory(kind="team")
    owner = MembershipFactory(space=space, role="owner").user
    with pytest.raises(ValidationError, match="do not allow this module"):
        services.update_space(
            actor=owner,
            space=space,
            name=space.name,
            description="",
            visibility="open",
            modules=["forums", "boards"],
        )
    services.update_space(
        actor=owner,
        space=space,
        name=space.name,
        description="",
        visibility="open",
        modules=["forums"],
    )
    space.refresh_from_db()
    assert space.modules == ["forums"]


def test_org_role_change_is_audited_and_keeps_one_administrator(
    published, django_capture_on_commit_callbacks
):
    admin = AdminFactory()
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_org_role(actor=admin, user=person, role="community_manager")
    person.refresh_from_db()
    assert person.org_role == "community_manager" and not person.is_staff
    assert published[-1] == {
        "type": "OrgRoleChanged",
        "user_id": person.pk,
        "actor_id": admin.pk,
        "old_role": "employee",
        "new_role": "community_manager",
    }
    with pytest.raises(ValidationError, match="at least one administrator"):
        services.change_org_role(actor=admin, user=admin, role="employee")
    with pytest.raises(ValidationError, match="does not exist"):
        services.change_org_role(actor=admin, user=person, role="emperor")
    with pytest.raises(PermissionDenied):
        services.change_org_role(actor=person, user=person, role="administrator")


def test_every_department_gets_its_open_space_owned_by_its_manager():
    admin = AdminFactory()
    manager = UserFactory()
    department = services.save_department(actor=admin, name="Juridische Zaken", manager=manager)
    space = Space.objects.get(department=department)
    assert (space.kind, space.visibility) == ("department", "open")
    assert Membership.objects.get(space=space, user=manager).role == "owner"
    with pytest.raises(ValidationError, match="cannot sit under itself"):
        services.save_department(actor=admin, department=department, name="JZ", parent=department)


def test_audit_log_is_append_only_in_the_database():
    entry = AuditEntry.objects.create(
        actor_name="x", action="test", target_type="t", target_name="t"
    )
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test"


def test_secret_spaces_are_invisible_to_members_of_private_spaces():
    private = SpaceFactory(visibility="private")
    secret = SpaceFactory(visibility="secret")
    member = MembershipFactory(space=private, role="member").user
    assert list(Space.objects.visible_to(member)) == [private]
    assert list(Space.objects.viewable_by(member)) == [private]
    assert secret not in Space.objects.visible_to(member)


def test_guests_list_only_their_own_spaces():
    SpaceFactory(visibility="open")
    own = SpaceFactory(visibility="private")
    guest = UserFactory(org_role="guest")
    MembershipFactory(space=own, user=guest)
    assert list(Space.objects.visible_to(guest)) == [own]


def test_department_membership_follows_the_users_department():
    department = DepartmentFactory()
    admin = AdminFactory()
    department = services.save_department(actor=admin, department=department, name="Inkoop")
    person = UserFactory()
    services.set_department_of(actor=admin, user=person, department=department)
    assert Membership.objects.get(user=person).space.department == department
    assert MembershipRequest.objects.count() == 0


def test_every_governance_service_announces_a_serialisable_event(
    published, django_capture_on_commit_callbacks
):
    admin = AdminFactory()
    owner = UserFactory()
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        department = services.save_department(actor=admin, name="Legal", manager=owner)
        space = services.create_space(actor=owner, kind="team", name="Contracten")
        services.join_space(user=person, space=space)
        services.change_member_role(actor=owner, space=space, user=person, role="moderator")
        services.remove_member(actor=owner, space=space, user=person)
        services.invite_to_space(actor=owner, space=space, invitee=person)
        services.update_space(
            actor=owner, space=space, name="Contracten", description="Nieuw", visibility="open"
        )
        services.set_space_matrix(actor=owner, space=space, matrix={"post": ["moderator"]})
        services.set_kind_defaults(
            actor=admin, kind="project", matrix={"view": ["owner"]}, allowed_modules=["forums"]
        )
        services.set_pilot(actor=admin, enabled=True, departments=[department])
        services.change_org_role(actor=admin, user=person, role="moderator")
        services.join_space(user=person, space=space)
        services.leave_space(user=person, space=space)
    assert [event["type"] for event in published] == [
        "SpaceCreated",
        "DepartmentChanged",
        "SpaceCreated",
        "MemberJoined",
        "MemberRoleChanged",
        "MemberLeft",
        "MembershipRequested",
        "SpaceSettingsChanged",
        "SpacePermissionsChanged",
        "KindDefaultsChanged",
        "PilotChanged",
        "OrgRoleChanged",
        "MemberJoined",
        "MemberLeft",
    ]
    assert published[5]["removed"] is True and published[-1]["removed"] is False
    # Every one of them wrote its audit entry as well.
    assert AuditEntry.objects.count() >= len(published) - 2


def test_deactivating_an_account_is_audited_published_and_only_for_administrators(
    captured_events,
):
    admin, person = AdminFactory(), UserFactory()
    with pytest.raises(PermissionDenied):
        services.set_account_active(actor=UserFactory(), user=person, active=False)
    with pytest.raises(ValidationError):
        services.set_account_active(actor=admin, user=admin, active=False)
    with captured_events() as seen:
        services.set_account_active(actor=admin, user=person, active=False)
    person.refresh_from_db()
    assert person.is_active is False
    assert seen == [
        {"type": "AccountActiveChanged", "user_id": person.pk, "active": False,
         "actor_id": admin.pk}
    ]  # fmt: skip
    entry = AuditEntry.objects.get(action="user.deactivated")
    assert entry.target_id == person.pk and entry.after == {"active": False}
