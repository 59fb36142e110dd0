"""Process boards' digest section: pain points the person flagged or said "me too" to whose
status changed, on boards they may still see (answered signals, recurring exceptions among
them, are the signals section's: intranet.signals). The window's changes, with who took part
in each, are loaded once per worker (intranet.digests.registry.shared): most people took part
in none and cost no query; the others one, for the boards they may see now."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class _Change:
    kind: str  # "pain"
    what: str
    status: str
    url: str
    board_id: int
    board: str
    when: datetime
    people: frozenset


def _changes(*, since, until):
    from processes.models import MeToo, PainPoint

    pains = list(
        PainPoint.objects.filter(status_changed_at__gte=since, status_changed_at__lt=until)
        .select_related("board")
        .order_by("-status_changed_at")
    )
    me_too: dict[int, set[int]] = {}
    for pain_id, user_id in MeToo.objects.filter(
        pain_point_id__in=[p.pk for p in pains]
    ).values_list("pain_point_id", "user_id"):
        me_too.setdefault(pain_id, set()).add(user_id)
    changes = [
        _Change(kind="pain", what=p.what[:80], status=p.status, url=p.get_absolute_url(),
                board_id=p.board_id, board=p.board.name, when=p.status_changed_at,
                people=frozenset({p.author_id, *me_too.get(p.pk, ())}))
        for p in pains
    ]  # fmt: skip
    return changes


def taking_part(*, user, since, until, limit):
    from intranet.digests import registry
    from intranet.digests.registry import Item
    from processes.models import Board, PainPoint

    changes = registry.shared("processes.changes", since=since, until=until, load=_changes)
    mine = [c for c in changes if user.pk in c.people and c.when >= since]
    if not mine:
        return []
    visible = set(
        Board.objects.readable_by(user)
        .filter(pk__in={c.board_id for c in mine})
        .values_list("pk", flat=True)
    )
    items = []
    for c in [c for c in mine if c.board_id in visible][:limit]:
        title = _("“%(what)s” is now: %(status)s") % {
            "what": c.what,
            "status": PainPoint.Status(c.status).label,
        }
        items.append(Item(title=title, url=c.url, meta=c.board, when=c.when, score=3))
    return items


def register() -> None:
    from intranet.digests import registry

    registry.register(
        registry.Section(
            key="processes",
            title=gettext_lazy("Pain points you take part in"),
            order=50,
            collect=taking_part,
        )
    )
