"""Who may do what with profiles (DESIGN.md, "One place decides")."""

from dataclasses import dataclass

import rules

from intranet.governance import permissions


@rules.predicate
def edits_own_profile(user, person) -> bool:
    return person is not None and user.pk == person.pk and permissions.is_active(user)


@rules.predicate
def is_administrator(user) -> bool:
    return permissions.is_administrator(user)


rules.add_perm("profiles.change_profile", edits_own_profile | is_administrator)


# --- Reverse-mentoring cohorts (issue 22) ----------------------------------------------------


@dataclass(frozen=True)
class OrganisingScope:
    """For whom someone may organise reverse-mentoring cohorts: everyone (`everyone`), or the
    people of these departments (a leader: the units they manage and every unit below them)."""

    everyone: bool = False
    departments: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return self.everyone or bool(self.departments)

    def allows(self, department_id: int | None) -> bool:
        """May a cohort be for `department_id` (None: the whole organisation)?"""
        if self.everyone:
            return True
        return department_id is not None and department_id in self.departments


def organising_scope(user) -> OrganisingScope:
    """The one answer to "who may organise cohorts, and for whom": administrators and community
    managers for everyone; a department's manager (a leader) for their department subtree;
    nobody else (guests, deactivated accounts and service accounts never). Asked once per
    user object."""
    if not permissions.is_colleague(user) or _is_service_account(user):
        return OrganisingScope()
    if permissions.is_administrator(user) or permissions.is_community_manager(user):
        return OrganisingScope(everyone=True)
    if "_organising_scope" not in user.__dict__:
        from intranet.governance.models import Department

        led = Department.objects.filter(manager_id=user.pk).values_list("pk", flat=True)
        user.__dict__["_organising_scope"] = OrganisingScope(
            departments=department_subtree(list(led)) if led else frozenset()
        )
    return user.__dict__["_organising_scope"]


def department_subtree(roots) -> frozenset[int]:
    """These departments and every one below them (one query for the whole tree)."""
    from intranet.governance.models import Department

    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    pending = list(roots)
    while pending:
        pk = pending.pop()
        if pk not in found:  # a cycle in the tree (never made by the UI) ends here
            found.add(pk)
            pending += children.get(pk, [])
    return frozenset(found)


def _is_service_account(user) -> bool:
    """An integration's account organises nothing (it is not a person)."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return user.service_account is not None
    except (ObjectDoesNotExist, AttributeError):
        return False
