"""Every permission question is a `rules` predicate here (DESIGN.md, "One place decides").
Space actions are object permissions: user.has_perm("governance.post", space)."""

import rules

from intranet.governance import permissions
from intranet.governance.constants import Action, OrgRole


@rules.predicate
def is_administrator(user) -> bool:
    return permissions.is_administrator(user)


@rules.predicate
def is_community_manager(user) -> bool:
    return permissions.org_role(user) == OrgRole.COMMUNITY_MANAGER


@rules.predicate
def is_employee_or_more(user) -> bool:
    return permissions.is_active(user) and not permissions.is_guest(user)


def _space_action(action: str):
    @rules.predicate(name=f"may_{action}")
    def predicate(user, space) -> bool:
        return space is not None and permissions.can(user, action, space)

    return predicate


for _action in Action.values:
    rules.add_perm(f"governance.{_action}", _space_action(_action))

rules.add_perm("governance.create_space", is_employee_or_more)
rules.add_perm("governance.administer", is_administrator)
rules.add_perm("governance.view_report", is_administrator | is_community_manager)
rules.add_perm("profiles.invite_user", is_administrator)
rules.add_perm("intranet.view_administration", is_administrator)


@rules.predicate
def may_announce(user) -> bool:
    """Administrators, community managers, department managers and their delegates (issue 22):
    activity.access.announce_reach says where; delegates live in activity, so it is asked
    there when the question is put."""
    from intranet.activity import access

    return access.may_announce(user)


rules.add_perm("activity.announce", may_announce)
