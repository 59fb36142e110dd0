"""Recognition's digest sections: success stories published in spaces the person may read,
and the person's own points and badges of the window (only when points are switched on)."""

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def stories(*, user, since, until, limit):
    from gamification import selectors
    from intranet.digests.registry import Item

    found = (
        selectors.stories_visible_to(user=user)
        .filter(published_at__gte=since, published_at__lt=until)
        .select_related("space")
        .only("title", "published_at", "reuse_count", "space__name")
        .order_by("-published_at")[:limit]
    )
    return [
        Item(title=s.title, url=s.get_absolute_url(), meta=s.space.name, when=s.published_at,
             score=2 + s.reuse_count)
        for s in found
    ]  # fmt: skip


def recognition(*, user, since, until, limit):
    from gamification.models import BadgeAward, LedgerEntry
    from gamification.services import game_settings
    from intranet.digests.registry import Item

    if not game_settings().points_on:
        return []
    points = (
        LedgerEntry.objects.filter(
            user=user, created_at__gte=since, created_at__lt=until
        ).aggregate(n=Sum("points"))["n"]
        or 0
    )
    items = []
    if points > 0:
        items.append(
            Item(
                title=_("You earned %(points)s points") % {"points": points},
                url=reverse("gamification:mine"),
                score=1,
            )
        )
    for award in (
        BadgeAward.objects.filter(user=user, awarded_at__gte=since, awarded_at__lt=until)
        .select_related("badge")
        .order_by("-awarded_at")[: limit - len(items)]
    ):
        items.append(
            Item(
                title=_("New badge: %(badge)s (%(tier)s)")
                % {"badge": award.badge.label, "tier": award.get_tier_display()},
                url=reverse("gamification:badge", args=[award.badge_id]),
                when=award.awarded_at,
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
