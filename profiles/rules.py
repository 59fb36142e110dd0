"""Who may do what with profiles (DESIGN.md, "One place decides")."""

import rules

from intranet.governance import permissions


@rules.predicate
def edits_own_profile(user, person) -> bool:
    return person is not None and user.pk == person.pk and permissions.is_active(user)


@rules.predicate
def is_administrator(user) -> bool:
    return permissions.is_administrator(user)


rules.add_perm("profiles.change_profile", edits_own_profile | is_administrator)
