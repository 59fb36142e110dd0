"""Reads for process boards, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from processes.models import Board, Card, Move


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
    for row in Card.objects.filter(board=board).values("step_id").annotate(n=Count("pk")):
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
