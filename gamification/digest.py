"""Recognition's digest sections: success stories published in spaces the person may read,
and the person's own points and badges of the window (only when points are switched on)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def _published(*, since, until):
    from gamification.models import Story
    from intranet.digests.registry import Candidate

    found = (
        Story.objects.published()
        .filter(published_at__gte=since, published_at__lt=until)
        .select_related("space")
        .only("title", "published_at", "reuse_count", "space__name")
        .order_by("-published_at")
    )
    return [
        Candidate(title=s.title, url=s.get_absolute_url(), meta=s.space.name, when=s.published_at,
                  space_id=s.space_id, score=2 + s.reuse_count)
        for s in found
    ]  # fmt: skip


def stories(*, user, since, until, limit):
    from gamification.access import story_space_ids
    from intranet.digests import registry

    found = registry.shared("gamification.stories", since=since, until=until, load=_published)
    if not found:
        return []
    return registry.pick(
        found, user=user, since=since, spaces=story_space_ids(user=user), limit=limit
    )


def _earned(*, since, until):
    """Everyone's points and badges in the window, by person: most people earned nothing, and
    they then cost no query at all."""
    from gamification.models import Badge, BadgeAward, LedgerEntry

    points: dict[int, list[tuple]] = {}
    for user_id, when, amount in LedgerEntry.objects.filter(
        created_at__gte=since, created_at__lt=until
    ).values_list("user_id", "created_at", "points"):
        points.setdefault(user_id, []).append((when, amount))
    awards: dict[int, list[tuple]] = {}
    for user_id, when, badge_id, tier in (
        BadgeAward.objects.filter(awarded_at__gte=since, awarded_at__lt=until)
        .order_by("-awarded_at")
        .values_list("user_id", "awarded_at", "badge_id", "tier")
    ):
        awards.setdefault(user_id, []).append((when, badge_id, tier))
    ids = {badge_id for found in awards.values() for _when, badge_id, _tier in found}
    badges = Badge.objects.in_bulk(ids) if ids else {}
    return points, awards, badges


def recognition(*, user, since, until, limit):
    from gamification.models import Tier
    from gamification.services import game_settings
    from intranet.digests import registry
    from intranet.digests.registry import Item
    from intranet.governance.selectors import readable_space_ids

    if not game_settings().points_on:
        return []
    points, awards, badges = registry.shared(
        "gamification.earned", since=since, until=until, load=_earned
    )
    total = sum(amount for when, amount in points.get(user.pk, ()) if when >= since)
    items = []
    if total > 0:
        items.append(
            Item(
                title=_("You earned %(points)s points") % {"points": total},
                url=reverse("gamification:mine"),
                score=1,
            )
        )
    readable = None
    for when, badge_id, tier in awards.get(user.pk, ()):
        if when < since or badge_id not in badges or len(items) >= limit:
            continue
        if badges[badge_id].space_id is not None:
            # A badge of one space names that space's work: only while one may read it.
            if readable is None:
                readable = set(readable_space_ids(user=user))
            if badges[badge_id].space_id not in readable:
                continue
        items.append(
            Item(
                title=_("New badge: %(badge)s (%(tier)s)")
                % {"badge": badges[badge_id].label, "tier": Tier(tier).label},
                url=reverse("gamification:badge", args=[badge_id]),
                when=when,
                score=1.2,
            )
        )
    return items


def register() -> None:
    from intranet.digests import registry

    registry.register(
        registry.Section(
            key="stories", title=gettext_lazy("Success stories"), order=40, collect=stories
        )
    )
    registry.register(
        registry.Section(
            key="recognition",
            title=gettext_lazy("Your points and badges"),
            order=60,
            collect=recognition,
        )
    )
