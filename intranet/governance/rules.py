"""Every permission question is a `rules` predicate here (DESIGN.md, "One place decides").
The governance issue adds organisation roles, space roles and the permission matrix; until then
an administrator is a staff user."""

import rules


@rules.predicate
def is_administrator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


rules.add_perm("profiles.invite_user", is_administrator)
rules.add_perm("intranet.view_administration", is_administrator)
