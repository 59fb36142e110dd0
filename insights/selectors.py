"""What insight pages and the API read: the latest snapshot of a window, departments with the
minimum group size applied, phases and their timeline, signal follow-up. Pages never compute a
graph; they read what the task stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Aggregate, BooleanField, ExpressionWrapper, F, FloatField, Q
from django.utils import timezone

from insights import phases
from insights.models import InsightSettings, OptOut, PersonScore, PhaseRecord, Snapshot
from intranet.core.cache import Generation
from intranet.governance.models import Department, Organisation

SETTINGS_KEY = "insights:settings"
# Rendered parts of the network and adoption pages are kept this long at most (department
# names and pilot choices are not written by insights, so they show within this time).
FRAGMENT_SECONDS = 60
# Moved on whenever insights writes something a page shows (a snapshot, phases, settings, an
# opt-out): cached page parts are keyed on it.
pages = Generation("insights:pages")


# Moved on by processes' signal and pain point events (see registrations.py).
follow_up = Generation("insights:follow-up")


def fragment_key(*parts) -> str:
    return pages.key(0, *parts)


def follow_up_key(*, user) -> str:
    """The follow-up page's cached part: the same for everyone who may see the same boards.
    Deadlines pass without any event, so it is kept at most FRAGMENT_SECONDS."""
    import hashlib

    boards = ",".join(str(pk) for pk in sorted(_board_ids(user)))
    return follow_up.key(0, hashlib.sha256(boards.encode()).hexdigest()[:16])


def insight_settings() -> InsightSettings:
    """The organisation's insight settings, kept in Redis (every insight page reads them,
    several times); services.py deletes the copy when it writes them."""
    from django.core.cache import cache

    found = cache.get(SETTINGS_KEY)
    if found is None:
        found = InsightSettings.objects.filter(pk=1).first() or InsightSettings(pk=1)
        cache.set(SETTINGS_KEY, found, 300)
    return found


def latest(*, window: int, figures: bool = True) -> Snapshot | None:
    """The newest snapshot of a window; without its figures (the departments and ties) when
    a page only says when it was computed and from how much."""
    found = Snapshot.objects.filter(window_days=window).order_by("-computed_at")
    if not figures:
        found = found.defer("departments", "department_ties")
    return found.first()


def shown_departments(snapshot: Snapshot, *, min_group: int) -> list[dict]:
    """The snapshot's departments with at least `min_group` members, largest first; smaller
    ones are left out entirely, so no figure describes fewer people than that."""
    return sorted(
        (d for d in snapshot.departments if d["members"] >= min_group),
        key=lambda d: (-d["members"], d["name"]),
    )


def shown_ties(snapshot: Snapshot, *, min_group: int) -> list[dict]:
    shown = {d["id"]: d["name"] for d in shown_departments(snapshot, min_group=min_group)}
    return sorted(
        (
            {"a": shown[a], "b": shown[b], "a_id": a, "b_id": b, "weight": round(w, 1)}
            for a, b, w in snapshot.department_ties
            if a in shown and b in shown
        ),
        key=lambda tie: -tie["weight"],
    )


# measure: how its people are ordered
MEASURES = {
    "leaders": "-pagerank",
    "brokers": "-betweenness",
    "spreaders": "spread_hours",
    "newcomers": "ties",
}


def people(*, snapshot: Snapshot, measure: str, min_group: int, limit: int = 50):
    """Person scores for one measure, without people who opted out or whose department is
    smaller than the minimum group. Callers record each look (services.record_person_view)."""
    from django.contrib.auth import get_user_model

    order = MEASURES[measure]
    small = [d["id"] for d in snapshot.departments if d["members"] < min_group]
    # The top rows first, so PostgreSQL walks the (snapshot, measure) index and stops at
    # `limit`; then the people and departments of just those rows.
    scores = (
        PersonScore.objects.filter(snapshot=snapshot, department__isnull=False)
        .exclude(department_id__in=small)
        .exclude(user_id__in=OptOut.objects.values("user_id"))
        .exclude(user_id__in=get_user_model().objects.filter(is_active=False).values("pk"))
    )
    if measure == "spreaders":
        scores = scores.filter(spread_hours__isnull=False)
    elif measure == "newcomers":
        scores = scores.filter(newcomer=True)
    elif measure == "brokers":
        scores = scores.filter(betweenness__gt=0)
    top = list(scores.order_by(order, "user_id").values_list("pk", flat=True)[:limit])
    found = (
        PersonScore.objects.filter(pk__in=top)
        .select_related("user", "department")
        .only(*[f.name for f in PersonScore._meta.concrete_fields], "user__first_name",
              "user__last_name", "user__email", "department__name")
    )  # fmt: skip
    return list(found.order_by(order, "user_id"))


def named_people(*, window: int, measure: str, limit: int) -> list[PersonScore]:
    """The best `limit` people for one measure in the window's latest snapshot, under the
    organisation's minimum group; nobody before the first snapshot."""
    snapshot = latest(window=window)
    if snapshot is None:
        return []
    return people(snapshot=snapshot, measure=measure,
                  min_group=insight_settings().min_group, limit=limit)  # fmt: skip


def included(*, user) -> dict:
    """For the person themselves: are they in the latest snapshots, did they opt out."""
    opted_out = OptOut.objects.filter(user_id=user.pk).exists()
    newest = (
        Snapshot.objects.order_by("window_days", "-computed_at")
        .distinct("window_days")
        .values("pk")
    )
    windows = list(
        PersonScore.objects.filter(user_id=user.pk, snapshot__in=newest).values_list(
            "snapshot__window_days", flat=True
        )
    )
    return {"opted_out": opted_out, "windows": sorted(windows)}


@dataclass
class DepartmentPhase:
    department: Department
    phase: int
    checks: list
    figures: dict
    pilot: bool


def phase_table(*, min_group: int) -> list[DepartmentPhase]:
    """Each department's latest phase record, evaluated against today's thresholds, for
    departments of at least `min_group` members."""
    thresholds = insight_settings().thresholds
    records = {
        r.department_id: r
        for r in PhaseRecord.objects.order_by("department_id", "-day").distinct("department_id")
    }
    org = Organisation.objects.filter(pk=1).first()
    pilots = set(org.pilot_departments.values_list("pk", flat=True)) if org else set()
    rows = []
    for department in Department.objects.filter(pk__in=records).order_by("name"):
        record = records[department.pk]
        if record.figures.get("members", 0) < min_group:
            continue
        phase, checks = phases.evaluate(record.figures, thresholds)
        rows.append(
            DepartmentPhase(department=department, phase=phase, checks=checks,
                            figures=record.figures, pilot=department.pk in pilots)
        )  # fmt: skip
    return rows


def pilot_comparison(rows: list[DepartmentPhase]) -> dict | None:
    pilot = [r.phase for r in rows if r.pilot]
    rest = [r.phase for r in rows if not r.pilot]
    if not pilot or not rest:
        return None
    return {
        "pilot": round(sum(pilot) / len(pilot), 1),
        "rest": round(sum(rest) / len(rest), 1),
        "pilot_count": len(pilot),
        "rest_count": len(rest),
    }


def timeline(*, min_group: int, days: int = 180) -> dict[Department, list[tuple]]:
    """Per department, [(day, phase)] where its phase changed, over the last `days`."""
    since = timezone.localdate() - timedelta(days=days)
    found: dict[int, list[tuple]] = {}
    sizes: dict[int, int] = {}
    for department_id, day, phase, members in PhaseRecord.objects.filter(
        day__gte=since
    ).values_list("department_id", "day", "phase", "figures__members"):
        steps = found.setdefault(department_id, [])
        sizes[department_id] = members or 0
        if not steps or steps[-1][1] != phase:
            steps.append((day, phase))
    departments = Department.objects.in_bulk([d for d in found if sizes[d] >= min_group])
    return {
        departments[d]: steps
        for d, steps in sorted(found.items(), key=lambda item: str(departments.get(item[0])))
        if d in departments
    }


# --- Signal follow-up ------------------------------------------------------------------------


def _board_ids(user) -> list[int]:
    """The boards `user` may see, read once per request (the follow-up page asks four times)."""
    from processes.selectors import viewable_boards

    if "_insights_boards" not in user.__dict__:
        user.__dict__["_insights_boards"] = list(
            viewable_boards(user=user).values_list("pk", flat=True)
        )
    return user.__dict__["_insights_boards"]


def signals(*, user, limit: int = 200):
    """Every signal on boards `user` may see: overdue first (longest overdue on top), then the
    open ones by deadline, then the answered ones, latest answer first. One query."""
    from django.db.models import Case, IntegerField, Value, When

    from processes.models import Signal

    now = timezone.now()
    rank = Case(
        When(responded_at__isnull=False, then=Value(2)),
        When(due_at__lt=now, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    deadline = Case(When(responded_at__isnull=True, then=F("due_at")))
    return list(
        Signal.objects.filter(group__board_id__in=_board_ids(user))
        .select_related("owner", "owner__department", "group__board")
        .only(
            "status", "due_at", "responded_at", "created_at", "response",
            "owner__first_name", "owner__last_name", "owner__email", "owner__department__name",
            "group__title", "group__board__name",
        )
        .alias(rank=rank, deadline=deadline)
        .order_by("rank", F("deadline").asc(nulls_last=True),
                  F("responded_at").desc(nulls_last=True), "pk")[:limit]
    )  # fmt: skip


def follow_up_counts(*, user) -> dict:
    """How many signals (and of those overdue) and pain points `user` may see: the page
    lists the first ones, the CSV all."""
    from django.db.models import Count

    from processes.models import PainPoint, Signal

    boards = _board_ids(user)
    found = Signal.objects.filter(group__board_id__in=boards).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(responded_at__isnull=True, due_at__lt=timezone.now())),
    )
    found["pains"] = PainPoint.objects.filter(board_id__in=boards).count()
    return found


def pain_points(*, user, limit: int = 200):
    """Pain points on boards `user` may see: open ones oldest first, then the rest."""
    from processes.models import PainPoint

    return list(
        PainPoint.objects.filter(board_id__in=_board_ids(user))
        .select_related("board", "board__space__department")
        .alias(still_open=ExpressionWrapper(Q(status="open"), output_field=BooleanField()))
        .order_by(F("still_open").desc(), "created_at", "pk")[:limit]
    )


class _Median(Aggregate):
    """PostgreSQL's median of a number (NULLs left out)."""

    function = "percentile_cont"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def leader_record(*, user) -> list[dict]:
    """Per signal owner: signals, answered, answered in time, median days to answer, overdue
    now, on boards `user` may see. One grouped query, however many signals there are."""
    from django.db.models import Count, Func

    from processes.models import Signal

    now = timezone.now()
    days = Func(
        F("responded_at") - F("created_at"),
        template="EXTRACT(EPOCH FROM %(expressions)s) / 86400.0",
        output_field=FloatField(),
    )
    rows = (
        Signal.objects.filter(group__board_id__in=_board_ids(user), owner__isnull=False)
        .values("owner_id", "owner__first_name", "owner__last_name", "owner__email")
        .annotate(
            signals=Count("pk"),
            answered=Count("pk", filter=Q(responded_at__isnull=False)),
            in_time=Count("pk", filter=Q(responded_at__lte=F("due_at"))),
            overdue=Count("pk", filter=Q(responded_at__isnull=True, due_at__lt=now)),
            median=_Median(days),
        )
        .order_by()
    )
    found = [
        {"owner_id": r["owner_id"],
         "name": f"{r['owner__first_name']} {r['owner__last_name']}".strip()
         or r["owner__email"],
         "signals": r["signals"], "answered": r["answered"], "in_time": r["in_time"],
         "overdue": r["overdue"],
         "median_days": None if r["median"] is None else round(r["median"], 1)}
        for r in rows
    ]  # fmt: skip
    return sorted(found, key=lambda r: (-r["overdue"], r["name"]))
