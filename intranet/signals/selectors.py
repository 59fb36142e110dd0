"""Signal reads: the follow-up page, a signal's page, the idea box, search, the digest and the
feed. Everything is filtered for the reader (access.signals_readable_by) in SQL, so pages cost
the same number of queries with 10 signals or 2,000."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from intranet.signals import access, sources
from intranet.signals.models import CLOSED, Idea, IdeaSupport, Signal, Support

TABS = ("mine", "supported", "all")
STATES = ("open", "overdue", "answered", "closed")
PAGE = 25


def _state_q(state: str, now) -> Q:
    return {
        "open": Q(responded_at__isnull=True),
        "overdue": Q(responded_at__isnull=True, due_at__lt=now),
        "answered": Q(responded_at__isnull=False) & ~Q(status__in=CLOSED),
        "closed": Q(status__in=CLOSED),
    }.get(state, Q())


def follow_up(*, user, tab: str = "mine", state: str = ""):
    """Signals for the follow-up page, overdue first (longest overdue on top), then unanswered
    by deadline, then answered ones. A queryset: the page pages it."""
    now = timezone.now()
    found = access.signals_readable_by(user)
    if tab == "mine":
        found = found.filter(owner_id=user.pk)
    elif tab == "supported":
        found = found.filter(
            Q(raised_by_id=user.pk)
            | Q(pk__in=Support.objects.filter(user_id=user.pk).values("signal"))
        )
    found = found.filter(_state_q(state, now))
    return (
        found.select_related("owner", "space")
        .annotate(
            rank=Case(
                When(responded_at__isnull=True, due_at__lt=now, then=Value(0)),
                When(responded_at__isnull=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "due_at", "pk")
    )


def tab_counts(*, user) -> dict:
    """Open signals per tab and how many of the reader's own are overdue: one query."""
    now = timezone.now()
    mine_support = Support.objects.filter(user_id=user.pk).values("signal")
    open_ = Q(responded_at__isnull=True)
    return access.signals_readable_by(user).aggregate(
        mine=Count("pk", filter=open_ & Q(owner_id=user.pk)),
        mine_overdue=Count("pk", filter=open_ & Q(owner_id=user.pk, due_at__lt=now)),
        supported=Count("pk", filter=open_ & (Q(raised_by_id=user.pk) | Q(pk__in=mine_support))),
        all=Count("pk", filter=open_),
        unassigned=Count("pk", filter=open_ & Q(owner__isnull=True)),
    )


@dataclass
class SignalPage:
    signal: Signal
    found: sources.Found | None
    supporting: bool
    may_answer: bool
    may_assign: bool


def signal_page(*, user, signal: Signal) -> SignalPage:
    found = sources.load(signal.source, [signal.object_id], user=user).get(signal.object_id)
    return SignalPage(
        signal=signal,
        found=found,
        supporting=Support.objects.filter(signal=signal, user_id=user.pk).exists(),
        may_answer=access.may_answer(user=user, signal=signal),
        may_assign=access.may_assign(user=user, signal=signal),
    )


def signal_of(*, user, source: str, object_id: int) -> Signal | None:
    """The signal raised on this content, if any and if the reader may see it."""
    return access.signals_readable_by(user).filter(source=source, object_id=object_id).first()


def signals_on(*, user, source: str, object_ids) -> dict[int, Signal]:
    """{content id: signal} for many pieces of content of one kind: one query."""
    ids = list(object_ids)
    if not ids:
        return {}
    rows = access.signals_readable_by(user).filter(source=source, object_id__in=ids)
    return {
        row.object_id: row
        for row in rows.only("pk", "object_id", "status", "responded_at", "due_at", "source")
    }


# --- The idea box -------------------------------------------------------------------------------


def ideas_in(*, space, user, limit: int = 100) -> dict:
    """A space's idea box: most supported first, what the reader supports, and the signal
    each became. Three queries."""
    ideas = list(
        Idea.objects.filter(space=space, hidden_at__isnull=True)
        .select_related("author")
        .order_by("-support_count", "-created_at", "-pk")[:limit]
    )
    ids = [idea.pk for idea in ideas]
    mine = set(
        IdeaSupport.objects.filter(idea_id__in=ids, user_id=user.pk).values_list(
            "idea_id", flat=True
        )
    )
    became = signals_on(user=user, source="idea", object_ids=ids)
    for idea in ideas:
        idea.supported = idea.pk in mine
        idea.signal = became.get(idea.pk)
    return {"ideas": ideas}


def idea_page(*, user, idea: Idea) -> dict:
    return {
        "supported": IdeaSupport.objects.filter(idea=idea, user_id=user.pk).exists(),
        "signal": signal_of(user=user, source="idea", object_id=idea.pk),
    }


# --- Search, digest, feed -----------------------------------------------------------------------


def search_source(*, user, q: str, limit: int):
    from intranet.search.registry import Result

    found = (
        access.signals_readable_by(user)
        .filter(title__icontains=q)
        .select_related("space")
        .order_by("-created_at")[:limit]
    )
    return [
        Result(
            title=s.title,
            url=s.get_absolute_url(),
            meta=s.get_status_display() + (f" · {s.space.name}" if s.space else ""),
        )
        for s in found
    ]


def digest_section(*, user, since, until, limit: int):
    """Signals the reader raised or supports that were answered in the window."""
    from django.utils.translation import gettext as _

    from intranet.digests.registry import Item

    rows = (
        access.signals_readable_by(user)
        .filter(
            Q(raised_by_id=user.pk)
            | Q(pk__in=Support.objects.filter(user_id=user.pk).values("signal"))
        )
        .filter(responded_at__gte=since, responded_at__lt=until)
        .order_by("-responded_at")[:limit]
    )
    return [
        Item(
            title=s.title,
            url=s.get_absolute_url(),
            meta=_("Answered: %(status)s") % {"status": s.get_status_display()},
            when=s.responded_at,
            score=4,
        )
        for s in rows
    ]


def load_for_feed(ids: list[int]) -> dict[int, Signal]:
    """Feed items about signals: the activity's space was checked for the reader already; a
    signal whose content is gone or hidden, or whose space switched the module of that
    content off (a question with the forum off), is left out (its item is not shown)."""
    rows = [
        row
        for row in Signal.objects.filter(pk__in=ids)
        .select_related("space")
        .only("pk", "title", "status", "source", "object_id", "module", "space__modules")
        if not row.module or (row.space is not None and row.module in (row.space.modules or []))
    ]
    alive: dict[str, set[int]] = {}
    for row in rows:
        alive.setdefault(row.source, set()).add(row.object_id)
    present = {key: set(sources.load(key, found)) for key, found in alive.items()}
    return {row.pk: row for row in rows if row.object_id in present.get(row.source, set())}


def load_ideas_for_feed(ids: list[int]) -> dict[int, Idea]:
    return {
        idea.pk: idea
        for idea in Idea.objects.filter(pk__in=ids, hidden_at__isnull=True).only(
            "pk", "title", "kind", "support_count", "space_id"
        )
    }
