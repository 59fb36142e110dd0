"""Governance reads: visibility-filtered, with a fixed number of queries per page."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from intranet.governance import permissions
from intranet.governance.constants import Action, SpaceKind, Visibility
from intranet.governance.models import (
    AuditEntry,
    Department,
    Membership,
    MembershipRequest,
    Space,
)

User = get_user_model()


def access_space(*, user, slug: str, action: str | None = Action.VIEW) -> permissions.SpaceAccess:
    """Load a space and check the user may `action` there, in one step. Missing and forbidden
    answer the same 404, so nobody learns that a secret space exists."""
    space = Space.objects.filter(slug=slug).select_related("department").first()
    if space is None:
        raise Http404
    access = permissions.access_for(user, space)
    if not access.listed or (action is not None and not access.can(action)):
        raise Http404
    return access


def access_module(*, user, slug: str, module: str) -> permissions.SpaceAccess:
    """access_space for a feature tab (forum, knowledge ...): 404 when the space does not
    have that module switched on."""
    access = access_space(user=user, slug=slug)
    if module not in (access.space.modules or []):
        raise Http404
    return access


def access_membership_request(*, user, request_id) -> MembershipRequest:
    """A join request or invitation, for the person it is about or someone who manages the
    space; for anyone else it does not exist (404)."""
    from intranet.governance.access import object_id

    pending = (
        MembershipRequest.objects.select_related("space").filter(pk=object_id(request_id)).first()
    )
    if pending is None or (
        pending.user_id != user.pk
        and not permissions.can(user, Action.MANAGE_MEMBERS, pending.space)
    ):
        raise Http404
    return pending


def _with_counts(spaces, *, user):
    member_count = (
        Membership.objects.filter(space=OuterRef("pk"))
        .order_by()
        .values("space")
        .annotate(n=Count("pk"))
        .values("n")
    )
    my_role = Membership.objects.filter(space=OuterRef("pk"), user_id=user.pk).values("role")[:1]
    return spaces.annotate(
        member_count=Coalesce(Subquery(member_count, output_field=IntegerField()), Value(0)),
        my_role=Subquery(my_role),
    )


def space_directory(*, user, kind: str = "", scope: str = "all"):
    spaces = _with_counts(Space.objects.visible_to(user), user=user)
    if kind in SpaceKind.values:
        spaces = spaces.filter(kind=kind)
    if scope == "mine":
        spaces = spaces.filter(memberships__user_id=user.pk)
    return spaces.order_by("kind", "name")


def spaces_of(*, user, limit: int = 12) -> list[Space]:
    """The left rail's "My spaces"."""
    return list(
        Space.objects.filter(memberships__user_id=user.pk)
        .only("name", "slug")
        .order_by("name")[:limit]
    )


def open_invitations(*, user):
    return (
        MembershipRequest.objects.filter(
            user_id=user.pk,
            kind=MembershipRequest.Kind.INVITATION,
            status=MembershipRequest.Status.PENDING,
        )
        .select_related("space", "created_by")
        .order_by("-created_at")
    )


def space_home(*, access: permissions.SpaceAccess, user) -> dict:
    space = access.space
    context = {"member_count": space.memberships.count()}
    if access.can(Action.VIEW):
        context["members"] = list(
            space.memberships.select_related("user").order_by("-role", "user__first_name")[:8]
        )
    context["pending_request"] = MembershipRequest.objects.filter(
        space=space, user_id=user.pk, status=MembershipRequest.Status.PENDING
    ).first()
    if access.can(Action.MANAGE_MEMBERS):
        context["pending_count"] = MembershipRequest.objects.filter(
            space=space,
            kind=MembershipRequest.Kind.REQUEST,
            status=MembershipRequest.Status.PENDING,
        ).count()
    return context


def space_members(*, access: permissions.SpaceAccess, page: str | int | None = 1) -> dict:
    """Members 50 at a time (a department space holds hundreds), plus the open requests."""
    space = access.space
    memberships = space.memberships.select_related("user", "user__department").order_by(
        "user__first_name", "user__last_name", "pk"
    )
    members_page = Paginator(memberships, 50).get_page(page)
    context = {"page": members_page, "memberships": list(members_page.object_list)}
    if access.can(Action.MANAGE_MEMBERS) or access.can(Action.INVITE):
        context["pending"] = list(
            MembershipRequest.objects.filter(space=space, status=MembershipRequest.Status.PENDING)
            .select_related("user", "created_by")
            .order_by("created_at")
        )
    return context


def org_chart() -> list[dict]:
    """Departments as a tree, with manager and head count, in two queries."""
    departments = list(
        Department.objects.select_related("manager", "space").annotate(
            people=Count("members", filter=Q(members__is_active=True))
        )
    )
    children: dict[int | None, list] = {}
    for department in departments:
        children.setdefault(department.parent_id, []).append(department)

    def branch(parent_id):
        return [
            {"department": d, "children": branch(d.pk)}
            for d in sorted(children.get(parent_id, []), key=lambda d: d.name)
        ]

    return branch(None)


def openness_report() -> dict:
    """How much of the network is open: spaces and memberships by visibility."""
    spaces = Space.objects.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(visibility=Visibility.OPEN)),
        private=Count("pk", filter=Q(visibility=Visibility.PRIVATE)),
        secret=Count("pk", filter=Q(visibility=Visibility.SECRET)),
    )
    memberships = Membership.objects.aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(space__visibility=Visibility.OPEN))
    )
    closed = list(
        Space.objects.exclude(visibility=Visibility.OPEN)
        .annotate(member_count=Count("memberships"))
        .order_by("visibility", "name")
    )
    share = round(100 * spaces["open"] / spaces["total"]) if spaces["total"] else 100
    member_share = (
        round(100 * memberships["open"] / memberships["total"]) if memberships["total"] else 100
    )
    return {"spaces": spaces, "open_share": share, "member_share": member_share,
            "closed": closed}  # fmt: skip


def audit_log(*, action: str = "", actor: str = "", target_type: str = ""):
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action__startswith=action)
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    if target_type:
        entries = entries.filter(target_type=target_type)
    return entries


def people_with_roles(*, query: str = "", role: str = ""):
    people = User.objects.filter(is_active=True).select_related("department")
    if query:
        people = people.filter(
            Q(first_name__icontains=query) | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )  # fmt: skip
    if role:
        people = people.filter(org_role=role)
    return people.order_by("first_name", "last_name")


def search_spaces(*, user, q: str, limit: int):
    """The spaces source of the top bar search: names (typos allowed) and descriptions of the
    spaces the user may know exist; secret spaces only for their members."""
    from django.contrib.postgres.search import TrigramWordSimilarity
    from django.db.models import Q

    from intranet.search.registry import Result

    needle = q.lower()
    spaces = (
        Space.objects.visible_to(user)
        .filter(
            Q(name__icontains=needle)
            | Q(name__trigram_word_similar=needle)
            | Q(description__icontains=needle)
        )
        .annotate(match=TrigramWordSimilarity(needle, "name"))
        .order_by("-match", "name")
        .only("name", "slug", "kind", "visibility", "description")[:limit]
    )
    return [
        Result(
            title=space.name,
            url=space.get_absolute_url(),
            meta=f"{space.get_kind_display()} · {space.get_visibility_display()}",
            snippet=space.description,
        )
        for space in spaces
    ]


def readable_space_ids(*, user, module: str | None = None) -> list[int]:
    """Ids of the spaces whose content `user` may read (with `module` switched on, if given).
    One query per request however many apps ask (kept on the user object): knowledge, stories
    and the digest's sections all need it, and ids beat a subquery the planner misjudges."""
    if "_readable_spaces" not in user.__dict__:
        user.__dict__["_readable_spaces"] = list(
            Space.objects.viewable_by(user).values_list("pk", "modules")
        )
    return [
        pk
        for pk, modules in user.__dict__["_readable_spaces"]
        if module is None or module in (modules or [])
    ]


def member_space_ids(*, user) -> set[int]:
    """Ids of the spaces `user` is a member of, once per request (kept on the user object)."""
    if "_member_spaces" not in user.__dict__:
        user.__dict__["_member_spaces"] = set(
            Membership.objects.filter(user_id=user.pk).values_list("space_id", flat=True)
        )
    return user.__dict__["_member_spaces"]


def spaces_where(
    *, user, module: str | None = None, action: str = Action.VIEW, slug: str | None = None
) -> list[Space]:
    """Spaces whose content the user may read (with `module` on), by name, where they may
    `action` too: the choices a page offers ("publish in ...", "share with ..."). Two
    queries, however many spaces."""
    spaces = Space.objects.viewable_by(user, module=module).order_by("name")
    if slug is not None:
        spaces = spaces.filter(slug=slug)
    spaces = list(spaces)
    if action == Action.VIEW or not spaces:
        return spaces
    roles = dict(
        Membership.objects.filter(user_id=user.pk, space__in=spaces).values_list("space_id", "role")
    )
    return [
        space
        for space in spaces
        if permissions.access_for(user, space, roles.get(space.pk), role_known=True).can(action)
    ]


def departments() -> list[Department]:
    """Every department by name (the organisation's structure is not secret)."""
    return list(Department.objects.order_by("name").only("name", "slug", "color"))


def department_by_id(raw) -> Department | None:
    """A department from a form or query value; None for missing and malformed alike."""
    from intranet.governance.access import object_id

    try:
        pk = object_id(raw)
    except Http404:
        return None
    return Department.objects.filter(pk=pk).first()
