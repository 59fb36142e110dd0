"""One place decides who may see and do what, where (DESIGN.md, "Governance").

Pages, the API, search, feeds, digests and websockets all ask the functions here (through the
`rules` predicates in rules.py, the `.visible_to()` querysets and the `access_*` helpers), so a
rule holds everywhere or nowhere."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q

from intranet.governance.constants import (
    ALL_ACTIONS,
    DEFAULT_MATRIX,
    GUEST_EXCLUDED,
    Action,
    OrgRole,
    SpaceRole,
    Visibility,
)

POLICY_CACHE_KEY = "governance:kind-policies:v1"


def is_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def org_role(user) -> str | None:
    return getattr(user, "org_role", None) if is_active(user) else None


def is_administrator(user) -> bool:
    return is_active(user) and (user.org_role == OrgRole.ADMINISTRATOR or user.is_superuser)


def is_guest(user) -> bool:
    return is_active(user) and user.org_role == OrgRole.GUEST and not user.is_superuser


def _member_of_space(user):
    from intranet.governance.models import Membership

    return Exists(Membership.objects.filter(space=OuterRef("pk"), user_id=user.pk))


def listed_filter(user):
    """Which spaces a user may know exist. Secret spaces only for members; guests see only
    the spaces they belong to; administrators see everything they govern."""
    if not is_active(user):
        return Q(pk__in=[])
    if is_administrator(user):
        return Q()
    if is_guest(user):
        return Q(_member_of_space(user))
    return Q(visibility__in=[Visibility.OPEN, Visibility.PRIVATE]) | Q(_member_of_space(user))


def content_filter(user):
    """Which spaces' content a user may read."""
    if not is_active(user):
        return Q(pk__in=[])
    if is_administrator(user):
        return Q()
    if is_guest(user):
        return Q(_member_of_space(user))
    return Q(visibility=Visibility.OPEN) | Q(_member_of_space(user))


# Permission checks run many times per page (every space in the composer, every socket): the
# policies also live in process memory for a few seconds, so a change made in another process
# applies everywhere within LOCAL_POLICY_SECONDS (and at once in the process that made it).
LOCAL_POLICY_SECONDS = 3.0
_local_policies: tuple[float, dict] | None = None


def forget_policies() -> None:
    global _local_policies
    _local_policies = None
    cache.delete(POLICY_CACHE_KEY)


def kind_policies() -> dict[str, dict]:
    """{kind: {"matrix": ..., "allowed_modules": [...]}} from the database, cached in Redis
    and briefly in process memory; the services that change a policy call forget_policies()."""
    global _local_policies
    now = time.monotonic()
    if _local_policies is not None and now - _local_policies[0] < LOCAL_POLICY_SECONDS:
        return _local_policies[1]
    policies = cache.get(POLICY_CACHE_KEY)
    if policies is None:
        from intranet.governance.models import KindPolicy

        policies = {
            policy.kind: {"matrix": policy.matrix, "allowed_modules": policy.allowed_modules}
            for policy in KindPolicy.objects.all()
        }
        cache.set(POLICY_CACHE_KEY, policies, timeout=3600)
    _local_policies = (now, policies)
    return policies


def kind_matrix(kind: str) -> dict[str, frozenset[str]]:
    stored = kind_policies().get(kind, {}).get("matrix", {})
    return {action: frozenset(stored.get(action, DEFAULT_MATRIX[action])) for action in Action}


def allowed_modules(kind: str) -> list[str]:
    from intranet.governance.constants import Module

    return kind_policies().get(kind, {}).get("allowed_modules", list(Module.values))


def effective_matrix(space) -> dict[str, frozenset[str]]:
    """The space's matrix: its own narrowing, never wider than the kind's defaults. Owners keep
    whatever the defaults give owners: nobody below them can take it away."""
    defaults = kind_matrix(space.kind)
    result = {}
    for action, allowed in defaults.items():
        if action in (space.matrix or {}):
            narrowed = frozenset(space.matrix[action]) & allowed
            result[action] = narrowed | (allowed & {SpaceRole.OWNER})
        else:
            result[action] = allowed
    return result


def space_permissions(user, space, role: str | None) -> frozenset[str]:
    """Everything `user` may do in `space`, given their membership role there (or None)."""
    if not is_active(user):
        return frozenset()
    if is_administrator(user):
        return ALL_ACTIONS
    permissions: set[str] = set()
    if role:
        permissions = {a for a, roles in effective_matrix(space).items() if role in roles}
    elif space.visibility == Visibility.OPEN and not is_guest(user):
        permissions = {Action.VIEW}
    if user.org_role in (OrgRole.MODERATOR, OrgRole.COMMUNITY_MANAGER) and (
        Action.VIEW in permissions
    ):
        permissions.add(Action.MODERATE)
    if is_guest(user):
        permissions -= GUEST_EXCLUDED
    return frozenset(permissions)


def membership_role(user, space) -> str | None:
    if not is_active(user):
        return None
    from intranet.governance.models import Membership

    return (
        Membership.objects.filter(space=space, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )


@dataclass(frozen=True)
class SpaceAccess:
    """A space loaded for one user, with their role and rights, checked in one step."""

    space: object
    role: str | None
    permissions: frozenset[str]
    listed: bool

    def can(self, action: str) -> bool:
        return action in self.permissions

    @property
    def is_member(self) -> bool:
        return self.role is not None


def access_for(user, space, role: str | None = None, *, role_known: bool = False) -> SpaceAccess:
    if not role_known:
        role = membership_role(user, space)
    permissions = space_permissions(user, space, role)
    if is_administrator(user) or role is not None:
        listed = True
    elif is_guest(user) or not is_active(user):
        listed = False
    else:
        listed = space.visibility != Visibility.SECRET
    return SpaceAccess(space=space, role=role, permissions=permissions, listed=listed)


def can(user, action: str, space) -> bool:
    return action in access_for(user, space).permissions
