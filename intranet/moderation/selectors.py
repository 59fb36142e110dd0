"""Reads for moderators: the queue of reported content and what is hidden, per space or over
every space one moderates; each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max, Min

from intranet.moderation import registry
from intranet.moderation.models import Report


@dataclass
class QueueItem:
    kind: str
    object_id: int
    target: object
    spec: registry.Kind
    count: int
    first_at: object
    last_at: object
    reports: list[Report] = field(default_factory=list)


def moderated_space_ids(*, user) -> list[int]:
    """Spaces where `user` may moderate. Administrators and organisation-wide moderators
    moderate every space they may read; anyone else only where their membership role has the
    right in that space's matrix, so only their memberships are checked (a handful, not every
    space of the organisation)."""
    from intranet.governance import permissions
    from intranet.governance.constants import Action
    from intranet.governance.models import Membership, Space

    if not permissions.is_active(user) or permissions.is_guest(user):
        return []
    if permissions.moderates_everywhere(user):
        return list(Space.objects.viewable_by(user).values_list("pk", flat=True))
    memberships = Membership.objects.filter(user_id=user.pk).select_related("space")
    return [
        m.space_id
        for m in memberships.only(
            "role", "space__id", "space__kind", "space__visibility", "space__matrix"
        )
        if permissions.access_for(user, m.space, m.role, role_known=True).can(Action.MODERATE)
    ]


def queue(*, space_ids: list[int], limit: int = 50) -> list[QueueItem]:
    """Reported content with open reports, the most reported first, each with its reports."""
    grouped = list(
        Report.objects.filter(space_id__in=space_ids, status=Report.Status.OPEN)
        .values("kind", "object_id")
        .annotate(n=Count("pk"), first_at=Min("created_at"), last_at=Max("created_at"))
        .order_by("-n", "first_at")[:limit]
    )
    targets = registry.load_many((g["kind"], g["object_id"]) for g in grouped)
    items = {
        (g["kind"], g["object_id"]): QueueItem(
            kind=g["kind"],
            object_id=g["object_id"],
            target=targets[(g["kind"], g["object_id"])],
            spec=registry.get(g["kind"]),
            count=g["n"],
            first_at=g["first_at"],
            last_at=g["last_at"],
        )
        for g in grouped
        if (g["kind"], g["object_id"]) in targets
    }
    if items:
        for r in Report.objects.filter(
            space_id__in=space_ids, status=Report.Status.OPEN, object_id__in={k[1] for k in items}
        ).select_related("reporter"):
            item = items.get((r.kind, r.object_id))
            if item is not None:
                item.reports.append(r)
    return list(items.values())


def hidden(*, space_ids: list[int], limit: int = 30) -> list[tuple[registry.Kind, object]]:
    """What is hidden now in these spaces, latest first: one query per kind."""
    found = [
        (spec, obj)
        for spec in registry.kinds()
        if spec.hidden_in is not None
        for obj in spec.hidden_in(space_ids, limit)
    ]
    return sorted(found, key=lambda pair: pair[1].hidden_at, reverse=True)[:limit]
