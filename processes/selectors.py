"""Reads for process boards, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from processes import access
from processes.models import (
    Board,
    Card,
    ChecklistItem,
    ExceptionGroup,
    ExceptionReport,
    Move,
    PainPoint,
    Step,
)

PAGE_SIZE = 50


def viewable_boards(*, user):
    """Boards `user` may read (processes.access decides: a space they read, or one the board
    is shared with, with process boards switched on). Kept for other apps' callers."""
    return Board.objects.readable_by(user)


def boards_of_space(*, space, user):
    """The boards a space owns and those shared with it, with their card counts, as far as
    `user` may read them; `owner_listed` says whether they may know the owning space exists
    (a board shared into this space may come from a secret one)."""
    cards = (
        Card.objects.filter(board=OuterRef("pk"), archived_at__isnull=True)
        .order_by()
        .values("board")
        .annotate(n=Count("pk"))
        .values("n")
    )
    boards = Board.objects.readable_by(user).filter(Q(space=space) | Q(shared_with=space))
    return (
        access.with_owner_listed(boards, user=user)
        .distinct()
        .select_related("space")
        .annotate(card_count=Coalesce(Subquery(cards), 0))
        .order_by("name", "pk")
    )


def _card_counts(cards):
    """Checklist progress and pain points per card, as subqueries (one query for the lot)."""
    items = ChecklistItem.objects.filter(card=OuterRef("pk")).order_by().values("card")
    pains = (
        PainPoint.objects.filter(card=OuterRef("pk"))
        .exclude(status=PainPoint.Status.SOLVED)
        .order_by()
        .values("card")
    )
    return cards.annotate(
        check_total=Coalesce(Subquery(items.annotate(n=Count("pk")).values("n")), 0),
        check_done=Coalesce(
            Subquery(items.filter(done_at__isnull=False).annotate(n=Count("pk")).values("n")), 0
        ),
        pain_count=Coalesce(Subquery(pains.annotate(n=Count("pk")).values("n")), 0),
    )


def board_cards(*, board_id: int, card_ids: list[int] | None = None):
    cards = Card.objects.filter(board_id=board_id, archived_at__isnull=True).select_related("owner")
    if card_ids is not None:
        cards = cards.filter(pk__in=card_ids)
    return _card_counts(
        cards.only(
            "id",
            "title",
            "step_id",
            "board_id",
            "due_date",
            "labels",
            "entered_step_at",
            "owner__id",
            "owner__first_name",
            "owner__last_name",
            "owner__email",
        )
    )


def steps_with_counts(*, board_id: int, step_ids: list[int] | None = None) -> list[Step]:
    """Steps with their department, number of cards and of open pain points (on the step or
    its cards)."""
    steps = Step.objects.filter(board_id=board_id).select_related("department")
    if step_ids is not None:
        steps = steps.filter(pk__in=step_ids)
    cards = (
        Card.objects.filter(step=OuterRef("pk"), archived_at__isnull=True)
        .order_by()
        .values("step")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pains = (
        PainPoint.objects.filter(Q(step=OuterRef("pk")) | Q(card__step=OuterRef("pk")))
        .exclude(status=PainPoint.Status.SOLVED)
        .order_by()
        .values("board")
        .annotate(n=Count("pk"))
        .values("n")
    )
    found = list(
        steps.annotate(
            card_count=Coalesce(Subquery(cards), 0), pain_count=Coalesce(Subquery(pains), 0)
        )
    )
    for step in found:
        step.over_limit = step.wip_limit is not None and step.card_count >= step.wip_limit
    return found


def columns(*, board: Board) -> list[Step]:
    """The board as columns: each step with its cards in the order they arrived. Two
    queries, whatever the number of cards."""
    steps = steps_with_counts(board_id=board.pk)
    by_step: dict[int, list] = {step.pk: [] for step in steps}
    for card in board_cards(board_id=board.pk):
        by_step.setdefault(card.step_id, []).append(card)
    for step in steps:
        step.card_list = by_step[step.pk]
    return steps


def card_page(*, card: Card) -> dict:
    """What the card page shows besides the card: checklist, files, its journey through the
    steps (hand-offs marked), its pain points and watchers."""
    moves = list(
        card.moves.select_related("from_step", "to_step", "by", "from_department", "to_department")
    )
    return {
        "checklist": list(card.checklist.select_related("done_by")),
        "attachments": list(card.attachments.all()),
        "moves": moves,
        "pains": list(card.pain_points.select_related("author")),
        "watcher_ids": set(card.watchers.values_list("pk", flat=True)),
        "steps": list(card.board.steps.select_related("department")),
    }


def pain_points(*, board: Board, status: str = ""):
    pains = board.pain_points.select_related("author", "step", "card")
    if status == "open":
        pains = pains.exclude(status=PainPoint.Status.SOLVED)
    elif status in PainPoint.Status.values:
        pains = pains.filter(status=status)
    return pains


def my_me_toos(*, user, pain_ids) -> set[int]:
    from processes.models import MeToo

    return set(
        MeToo.objects.filter(user=user, pain_point_id__in=list(pain_ids)).values_list(
            "pain_point_id", flat=True
        )
    )


def exception_groups(*, board: Board, limit: int = 100) -> list[ExceptionGroup]:
    """Groups of the board, the most reported first, each with its reports (newest first)
    and its signal, if it became one. Three queries."""
    from intranet.signals.models import Signal

    reports = ExceptionReport.objects.select_related("reporter", "step").order_by("-created_at")
    groups = list(
        board.exception_groups.annotate(
            report_count=Count("reports", distinct=True),
            people=Count("reports__reporter", distinct=True),
        )
        .filter(report_count__gt=0)
        .prefetch_related(Prefetch("reports", queryset=reports))
        .order_by("-report_count", "-created_at")[:limit]
    )
    # The signal each group became (the platform's, source "exceptions"): one query.
    became = {
        s.object_id: s
        for s in Signal.objects.filter(
            source="exceptions", object_id__in=[g.pk for g in groups]
        ).only("pk", "object_id", "status")
    }
    for group in groups:
        group.signal = became.get(group.pk)
    return groups


def signals_for(*, user, state: str = ""):
    """Signals from recurring exceptions on boards `user` may see, overdue first (the boards'
    API; the follow-up page shows every kind of signal). Each knows its board."""
    from django.db.models import OuterRef, Subquery

    from intranet.signals import selectors as signals

    if state not in ("", "open", "overdue", "answered"):
        state = ""
    board = ExceptionGroup.objects.filter(pk=OuterRef("object_id")).values("board_id")[:1]
    found = signals.follow_up(user=user, tab="all", state="" if state == "answered" else state)
    if state == "answered":  # answered at all, adopted and declined too
        found = found.filter(responded_at__isnull=False)
    return found.filter(source="exceptions").annotate(board_id=Subquery(board))


def search_source(*, user, q: str, limit: int):
    """Boards, cards and exceptions for the top bar search: by words in their titles and
    text, among the boards `user` may see. One query (a union of the three)."""
    from django.db.models import Case, CharField, F, IntegerField, Value, When
    from django.db.models.functions import Substr
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from intranet.search.registry import Result

    q = " ".join((q or "").split())[:100]
    if len(q) < 2:
        return []
    boards = Board.objects.readable_by(user)
    text, number = CharField(), IntegerField()
    columns = ("kind", "ident", "label", "where", "step_name", "extra")
    found_boards = (
        boards.filter(Q(name__icontains=q) | Q(description__icontains=q))
        .annotate(
            kind=Value("board", text),
            ident=F("pk"),
            label=F("name"),
            # The owning space by name only to those who may know it exists.
            where=Case(
                When(space__in=access.listed_space_ids(user), then=F("space__name")),
                default=Value("", text),
            ),
            step_name=Value("", text),
            extra=Value(0, number),
        )
        .order_by("name")
        .values_list(*columns)[:limit]
    )
    found_cards = (
        Card.objects.readable_by(user)
        .filter(Q(title__icontains=q) | Q(description__icontains=q))
        .annotate(
            kind=Value("card", text),
            ident=F("pk"),
            label=F("title"),
            where=F("board__name"),
            step_name=F("step__name"),
            extra=Value(0, number),
        )
        .order_by("-entered_step_at")
        .values_list(*columns)[:limit]
    )
    found_reports = (
        ExceptionReport.objects.readable_by(user)
        .filter(text__icontains=q)
        .annotate(
            kind=Value("exception", text),
            ident=F("board_id"),
            label=Substr("text", 1, 120),
            where=F("board__name"),
            step_name=Value("", text),
            extra=F("group_id"),
        )
        .order_by("-created_at")
        .values_list(*columns)[:limit]
    )
    buckets: dict[str, list] = {"board": [], "card": [], "exception": []}
    for kind, ident, label, where, step, extra in found_boards.union(
        found_cards, found_reports, all=True
    ):
        if kind == "board":
            url = reverse("processes:board", args=[ident])
            meta = (
                _("Process board · %(space)s") % {"space": where} if where else _("Process board")
            )
        elif kind == "card":
            url = reverse("processes:card", args=[ident])
            meta = _("Card · %(board)s · %(step)s") % {"board": where, "step": step}
        else:
            url = f"{reverse('processes:exceptions', args=[ident])}#group-{extra}"
            meta = _("Exception · %(board)s") % {"board": where}
        buckets[kind].append(Result(title=label, url=url, meta=meta))
    return [*buckets["board"], *buckets["card"], *buckets["exception"]][:limit]


@dataclass
class StepFlow:
    step_id: int
    name: str
    cards_now: int = 0
    average_stay: timedelta | None = None  # over stays that ended (a move out of the step)
    stays: int = 0


@dataclass
class Flow:
    steps: list[StepFlow]
    bottleneck: StepFlow | None
    handoffs: dict[tuple[str, str], int] = field(default_factory=dict)
    throughput: dict[str, int] = field(default_factory=dict)  # ISO week "2026-W47" -> cards


def flow(*, board: Board, weeks: int = 8) -> Flow:
    """Flow metrics from the move history: cards per step now, the average time a card
    stays in each step, the step where cards wait longest (bottleneck), hand-offs per pair
    of departments, and cards that reached the last step per week. Four queries."""
    steps = list(board.steps.select_related("department"))
    by_id = {s.pk: StepFlow(step_id=s.pk, name=s.name) for s in steps}
    live = Card.objects.filter(board=board, archived_at__isnull=True)
    for row in live.values("step_id").annotate(n=Count("pk")):
        by_id[row["step_id"]].cards_now = row["n"]
    created = dict(Card.objects.filter(board=board).values_list("pk", "created_at"))
    moves = list(
        Move.objects.filter(card__board=board)
        .order_by("card_id", "at", "pk")
        .values_list(
            "card_id",
            "from_step_id",
            "to_step_id",
            "at",
            "from_department__name",
            "to_department__name",
        )
    )
    totals: dict[int, timedelta] = defaultdict(timedelta)
    entered: dict[int, object] = {}
    handoffs: dict[tuple[str, str], int] = defaultdict(int)
    last_step = steps[-1].pk if steps else None
    since = timezone.now() - timedelta(weeks=weeks)
    throughput: dict[str, int] = defaultdict(int)
    for card_id, from_step, to_step, at, from_dept, to_dept in moves:
        started = entered.get(card_id, created.get(card_id))
        if started is not None and from_step in by_id:
            totals[from_step] += at - started
            by_id[from_step].stays += 1
        entered[card_id] = at
        if from_dept != to_dept and to_dept:
            handoffs[(from_dept or "—", to_dept)] += 1
        if to_step == last_step and at >= since:
            year, week, _day = at.isocalendar()
            throughput[f"{year}-W{week:02d}"] += 1
    for step_id, total in totals.items():
        item = by_id[step_id]
        item.average_stay = total / item.stays
    measured = [s for s in by_id.values() if s.average_stay is not None]
    bottleneck = max(measured, key=lambda s: s.average_stay, default=None)
    return Flow(
        steps=[by_id[s.pk] for s in steps],
        bottleneck=bottleneck,
        handoffs=dict(handoffs),
        throughput=dict(sorted(throughput.items())),
    )


def signal_of_group(*, group_id: int):
    """The signal a group of exceptions became, if it did (for the reporter's message: they
    just reported on this board, so they may read it)."""
    from intranet.signals.models import Signal

    return Signal.objects.filter(source="exceptions", object_id=group_id).first()
