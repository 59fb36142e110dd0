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
    SpaceKind,
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


def _view_allows(role: str, prefix: str = "") -> Q:
    """Spaces whose effective matrix lets `role` view: the kind's defaults include the role and
    the space has not narrowed View below it (owners keep what the defaults give them)."""
    kinds = [kind for kind in SpaceKind.values if role in kind_matrix(kind)[Action.VIEW]]
    allowed = Q(**{f"{prefix}kind__in": kinds})
    if role == SpaceRole.OWNER:
        return allowed
    return allowed & (
        ~Q(**{f"{prefix}matrix__has_key": Action.VIEW})
        | Q(**{f"{prefix}matrix__{Action.VIEW}__contains": [role]})
    )


def content_filter(user, *, module: str | None = None):
    """Which spaces' content a user may read (with `module` switched on, if given).

    The space's effective View counts everywhere, not only on its pages: a reader whose View
    was narrowed away reads nothing of it, and neither does a non-member of an open space (who
    may never see more than a reader)."""
    if not is_active(user):
        return Q(pk__in=[])
    switched_on = Q(modules__contains=[module]) if module else Q()
    if is_administrator(user):
        return switched_on
    from intranet.governance.models import Membership

    role_views = Q()
    for role in SpaceRole.values:
        role_views |= Q(role=role) & _view_allows(role, prefix="space__")
    member_views = Q(
        Exists(Membership.objects.filter(role_views, space=OuterRef("pk"), user_id=user.pk))
    )
    if is_guest(user):
        return switched_on & member_views
    # A member reads what their role may (space_permissions): being in an open space whose
    # View was taken from one's role is no back door through the open rule.
    open_views = in_the_open_filter() & ~_member_of_space(user)
    return switched_on & (open_views | member_views)


# Permission checks run many times per page (every space in the composer, every socket): the
# policies also live in process memory for a few seconds, so a change made in another process
# applies everywhere within LOCAL_POLICY_SECONDS (and at once in the process that made it).
LOCAL_POLICY_SECONDS = 3.0
_local_policies: tuple[float, dict] | None = None


def forget_local_policies() -> None:
    global _local_policies
    _local_policies = None


def forget_policies() -> None:
    forget_local_policies()
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
    elif (
        space.visibility == Visibility.OPEN
        and not is_guest(user)
        and SpaceRole.READER in effective_matrix(space)[Action.VIEW]
    ):
        # A non-member of an open space reads what a reader may: nothing, once View is
        # narrowed away from readers.
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


# --- Organisation roles as named predicates (issue 19) ------------------------------------------
# Apps never compare `org_role` with a string: they ask one of these.


def is_community_manager(user) -> bool:
    return is_active(user) and user.org_role == OrgRole.COMMUNITY_MANAGER


def is_colleague(user) -> bool:
    """An active account that is not a guest: employees, moderators, community managers and
    administrators (whom colleagues may find, rank and name)."""
    return is_active(user) and not is_guest(user)


def people_filter(prefix: str = "") -> Q:
    """People shown on people surfaces (directory, leaderboards, experts, insights, mentions,
    digests): active accounts of humans. A service account acts with its role's rights like a
    colleague, but an integration is not a person to find, rank, count or email."""
    return Q(**{f"{prefix}is_active": True, f"{prefix}service_account__isnull": True})


def colleague_filter(prefix: str = "") -> Q:
    """`is_colleague` as a query on the people listed (`prefix` leads to the person, e.g.
    "user__"); service accounts are never listed."""
    return people_filter(prefix) & (
        ~Q(**{f"{prefix}org_role": OrgRole.GUEST}) | Q(**{f"{prefix}is_superuser": True})
    )


def moderates_everywhere(user) -> bool:
    """Administrators and the organisation's moderators and community managers moderate every
    space whose content they may read; anyone else only where their space role allows it."""
    return is_administrator(user) or (
        is_active(user) and user.org_role in (OrgRole.MODERATOR, OrgRole.COMMUNITY_MANAGER)
    )


def may_appoint_ambassadors(user) -> bool:
    """Administrators and community managers appoint ambassadors and feature stories."""
    return is_administrator(user) or is_community_manager(user)


# The audit action of a reporting line set by the organisation (profiles.services.set_manager).
REPORTING_LINE_SET = "user.manager_changed"


def manages_someone(user) -> bool:
    """Whether an active colleague reports to `user` by a line the organisation set: an
    administrator (or the directory sync) through profiles.services, which audits it. A line
    a person once named themselves opens nothing. Asked once per user object."""
    if not is_active(user):
        return False
    if "_manages_someone" not in user.__dict__:
        from django.contrib.auth import get_user_model
        from django.db.models import F

        from intranet.governance.models import AuditEntry

        set_by_organisation = AuditEntry.objects.filter(
            Q(action=REPORTING_LINE_SET)
            # Before reporting lines had their own action, an administrator could set one
            # on someone else's profile: that line came from the organisation too.
            | (Q(action="profile.updated") & ~Q(actor_id=F("target_id"))),
            target_type="user",
            target_id=OuterRef("pk"),
            after__manager=user.pk,
        )
        user.__dict__["_manages_someone"] = (
            get_user_model()
            .objects.filter(manager_id=user.pk, is_active=True)
            .filter(Exists(set_by_organisation))
            .exists()
        )
    return user.__dict__["_manages_someone"]


def may_see_insights(user) -> bool:
    """Department-level insights: administrators, community managers and people the
    organisation made someone's manager. Guests never."""
    if not is_colleague(user):
        return False
    return is_administrator(user) or is_community_manager(user) or manages_someone(user)


def in_the_open_filter(*, module: str | None = None) -> Q:
    """Spaces whose content every colleague may read without joining: open, View not narrowed
    away from readers, and `module` (if given) switched on. What Plein calls "in the open"
    (insights are computed from these only)."""
    switched_on = Q(modules__contains=[module]) if module else Q()
    return switched_on & Q(visibility=Visibility.OPEN) & _view_allows(SpaceRole.READER)
