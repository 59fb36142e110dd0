"""Process boards' digest section: signals the person reported exceptions on that got an
answer, and pain points they flagged or said "me too" to whose status changed, on boards they
may still see. Two queries, three when there is something to tell."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def taking_part(*, user, since, until, limit):
    from intranet.digests.registry import Item
    from processes import selectors
    from processes.models import ExceptionReport, MeToo, PainPoint, Signal

    # Most people took part in nothing this week: ask about their own reports and pain points
    # first, and only check which boards they may still see for what was found.
    signals = list(
        Signal.objects.filter(
            responded_at__gte=since,
            responded_at__lt=until,
            group__in=ExceptionReport.objects.filter(reporter=user).values("group_id"),
        )
        .select_related("group__board")
        .order_by("-responded_at")[:limit]
    )
    pains = list(
        PainPoint.objects.filter(
            Q(author=user) | Q(pk__in=MeToo.objects.filter(user=user).values("pain_point_id")),
            status_changed_at__gte=since,
            status_changed_at__lt=until,
        )
        .select_related("board")
        .order_by("-status_changed_at")[:limit]
    )
    if signals or pains:
        visible = set(
            selectors.viewable_boards(user=user)
            .filter(pk__in={s.group.board_id for s in signals} | {p.board_id for p in pains})
            .values_list("pk", flat=True)
        )
        signals = [s for s in signals if s.group.board_id in visible]
        pains = [p for p in pains if p.board_id in visible]
    items = [
        Item(
            title=_("A signal you reported on was answered: %(status)s")
            % {"status": s.get_status_display()},
            url=s.get_absolute_url(),
            meta=s.group.board.name,
            when=s.responded_at,
            score=4,
        )
        for s in signals
    ]
    items += [
        Item(
            title=_("“%(what)s” is now: %(status)s")
            % {"what": p.what[:80], "status": p.get_status_display()},
            url=p.get_absolute_url(),
            meta=p.board.name,
            when=p.status_changed_at,
            score=3,
        )
        for p in pains
    ]
    return items


def register() -> None:
    from intranet.digests import registry

    registry.register(
        registry.Section(
            key="processes",
            title=gettext_lazy("Signals and pain points you take part in"),
            order=50,
            collect=taking_part,
        )
    )
