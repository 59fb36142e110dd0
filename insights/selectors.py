"""What insight pages and the API read: the latest snapshot of a window, departments with the
minimum group size applied, phases and their timeline, signal follow-up. Pages never compute a
graph; they read what the task stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
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


# Moved on by the events after which a value figure may change (see registrations.py); the
# figures are kept at most VALUE_SECONDS besides, for what no event announces (a space made
# private, a person moving department, content moved elsewhere).
value = Generation("insights:value")
VALUE_SECONDS = 300


def value_over_time(*, months: int, today: date | None = None) -> list:
    """insights.value.roll_up for the last `months` calendar months, kept in Redis: the
    figures are organisation-wide counts from content in the open, the same for everyone
    who may see insights, so one copy serves them all (keyed on the month, so a new month
    starts a new copy)."""
    from django.core.cache import cache

    from insights import value as value_figures

    today = today or timezone.localdate()
    key = value.key(0, months, f"{today:%Y-%m}")
    found = cache.get(key)
    if found is None:
        found = value_figures.roll_up(months=months, today=today)
        cache.set(key, found, VALUE_SECONDS)
    return found


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
        .exclude(
            user_id__in=get_user_model()
            .objects.filter(Q(is_active=False) | Q(service_account__isnull=False))
            .values("pk")
        )
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


# How far back the comparison looks when the audit log does not say when a department joined
# the pilot (set before the log, or by hand): the start of the timeline the page draws.
PILOT_FALLBACK_DAYS = 180


@dataclass
class PilotChange:
    """A pilot department's phase before it joined the pilot and now, next to the average
    phase of the other departments on the same two days. Both are measured by today's
    thresholds (from the figures recorded then), so a change of thresholds is no progress."""

    department: Department
    started: date | None  # the day it joined the pilot (audit log); None: not recorded
    then_day: date | None  # the day of the record compared with now; None: nothing recorded
    then: int | None
    now: int
    rest_then: float | None
    rest_now: float | None
    # The record compared is the first one after the start: nothing was recorded before.
    first_record: bool = False

    @property
    def change(self) -> int | None:
        return None if self.then is None else self.now - self.then

    @property
    def rest_change(self) -> float | None:
        if self.rest_then is None or self.rest_now is None:
            return None
        return round(self.rest_now - self.rest_then, 1)


def pilot_starts() -> dict[int, date]:
    """{department id: the day (TIME_ZONE) it first joined a running pilot}, read from the
    governance audit log ("pilot.changed": before and after, written by set_pilot). One
    query over the pilot's entries only."""
    from intranet.governance.models import AuditEntry

    found: dict[int, date] = {}
    for before, after, at in (
        AuditEntry.objects.filter(action="pilot.changed")
        .order_by("created_at", "pk")
        .values_list("before", "after", "created_at")
    ):

        def running(state) -> set:
            state = state if isinstance(state, dict) else {}
            return set(state.get("departments") or []) if state.get("enabled") else set()

        for department_id in running(after) - running(before):
            found.setdefault(department_id, timezone.localdate(at))
    return found


def _records_at(*, pairs: set[tuple[date, int]], how: str) -> dict[tuple[date, int], tuple]:
    """{(day, department): (record day, figures)} of one PhaseRecord per pair: the latest
    before the day ("before"), the latest on or before it ("on"), or the first on or after it
    ("after"). One query (a lateral join on the (department, day) index) for any number of
    pairs."""
    if not pairs:
        return {}
    condition, order = {
        "before": ("r.day < p.day", "DESC"),
        "on": ("r.day <= p.day", "DESC"),
        "after": ("r.day >= p.day", "ASC"),
    }[how]
    table = PhaseRecord._meta.db_table
    days, departments = zip(*sorted(pairs), strict=True)
    sql = f"""
        SELECT p.day, p.department, r.day, r.figures
          FROM unnest(%s::date[], %s::bigint[]) AS p(day, department)
          JOIN LATERAL (SELECT r.day, r.figures FROM {table} r
                         WHERE r.department_id = p.department AND {condition}
                         ORDER BY r.day {order} LIMIT 1) r ON TRUE"""  # noqa: S608 - no input
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(days), list(departments)])
        # Django leaves jsonb from a raw cursor as text.
        return {
            (day, dept): (on, json.loads(figures) if isinstance(figures, str) else figures)
            for day, dept, on, figures in cursor.fetchall()
        }


def pilot_before_after(rows: list[DepartmentPhase], *, today: date | None = None) -> list:
    """Per pilot department of `rows` (phase_table: departments large enough to show): its
    phase before it joined the pilot (the last record before that day; if nothing was
    recorded before, the first record after it) and now, next to the other departments'
    average phase on the same day and now. Without a start in the audit log the comparison
    starts PILOT_FALLBACK_DAYS ago. At most four queries, whatever the number of departments
    and records."""
    pilots = [r for r in rows if r.pilot]
    if not pilots:
        return []
    rest = [r for r in rows if not r.pilot]
    thresholds = insight_settings().thresholds
    today = today or timezone.localdate()
    starts = pilot_starts()
    fallback = today - timedelta(days=PILOT_FALLBACK_DAYS)
    start_of = {r.department.pk: starts.get(r.department.pk) for r in pilots}
    wanted = {(start or fallback, pk) for pk, start in start_of.items()}
    before = _records_at(pairs=wanted, how="before")
    after = _records_at(pairs={pair for pair in wanted if pair not in before}, how="after")

    def phase(figures: dict) -> int:
        return phases.evaluate(figures, thresholds)[0]

    then_of: dict[int, tuple[date, int, bool]] = {}
    for pair in wanted:
        if pair in before:
            on, figures = before[pair]
            then_of[pair[1]] = (on, phase(figures), False)
        elif pair in after:
            on, figures = after[pair]
            then_of[pair[1]] = (on, phase(figures), True)
    rest_days = {on for on, _phase, _first in then_of.values()}
    rest_records = _records_at(
        pairs={(day, r.department.pk) for day in rest_days for r in rest}, how="on"
    )

    def rest_average(day: date) -> float | None:
        found = [
            phase(rest_records[(day, r.department.pk)][1])
            for r in rest
            if (day, r.department.pk) in rest_records
        ]
        return round(sum(found) / len(found), 1) if found else None

    rest_now = round(sum(r.phase for r in rest) / len(rest), 1) if rest else None
    changes = []
    for row in pilots:
        then = then_of.get(row.department.pk)
        changes.append(
            PilotChange(
                department=row.department,
                started=start_of[row.department.pk],
                then_day=then[0] if then else None,
                then=then[1] if then else None,
                now=row.phase,
                rest_then=rest_average(then[0]) if then else None,
                rest_now=rest_now,
                first_record=bool(then and then[2]),
            )
        )
    return changes


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


# --- Leadership participation -----------------------------------------------------------------


@dataclass
class LayerRow:
    """One layer's latest figures, or none when it is smaller than the minimum group then
    (`small`) or nothing was recorded yet: never a number for a group that small."""

    layer: str
    label: str
    day: date | None = None
    members: int | None = None
    posting: float | None = None
    small: bool = False


@dataclass
class LayerHistory:
    rows: list[LayerRow]
    start: date
    end: date
    # [(layer, label, [(day, share)])] for every layer in order (so each keeps its line
    # style): only the days the layer was at least the minimum group.
    series: list[tuple[str, str, list[tuple[date, float]]]]
    # [(day, layer, share or None when too small)]: the CSV.
    points: list[tuple[date, str, float | None]]


def layer_history(*, min_group: int, days: int = 180) -> LayerHistory:
    """How much of each layer (insights.layers) posted, asked, answered or commented in the
    open, as recorded each day over the last `days`: the latest per layer for the table and
    the days for the chart. A layer smaller than `min_group` on a day has no figure that day.
    One query."""
    from insights.models import Layer, LayerRecord

    end = timezone.localdate()
    start = end - timedelta(days=days)
    latest: dict[str, LayerRow] = {}
    series: dict[str, list[tuple[date, float]]] = {layer: [] for layer in Layer.values}
    points = []
    order = {layer: n for n, layer in enumerate(Layer.values)}
    found = LayerRecord.objects.filter(day__gte=start, layer__in=order).values_list(
        "day", "layer", "members", "figures"
    )
    # Day by day, each day's layers in their order (not the alphabet's): the CSV's rows.
    for day, layer, members, figures in sorted(found, key=lambda r: (r[0], order[r[1]])):
        share = (figures or {}).get("posting")
        small = members < min_group
        shown = None if small else share
        points.append((day, layer, shown))
        latest[layer] = LayerRow(
            layer=layer, label=str(Layer(layer).label), day=day,
            members=None if small else members, posting=shown, small=small,
        )  # fmt: skip
        if shown is not None:
            series[layer].append((day, shown))
    rows = [
        latest.get(layer) or LayerRow(layer=layer, label=str(Layer(layer).label))
        for layer in Layer.values
    ]
    return LayerHistory(
        rows=rows, start=start, end=end, points=points,
        series=[(layer, str(Layer(layer).label), values) for layer, values in series.items()],
    )  # fmt: skip


@dataclass
class LeaderRow:
    """A department's leaders' own activity in the open over the window (counts for the
    leader role, never names), from its latest phase record."""

    department: Department
    leaders: int | None  # None: recorded before leaders were counted
    posts: int
    answers: int
    signals_due: int
    signals_in_time: int
    check: phases.Check | None  # the rule "leaders take part"


def leader_rows(rows: list[DepartmentPhase]) -> list[LeaderRow]:
    """Per department of `rows` (phase_table: only departments of at least the minimum group),
    what its leaders did themselves: read from the figures already loaded, no query."""
    found = []
    for row in rows:
        figures = row.figures
        found.append(
            LeaderRow(
                department=row.department,
                leaders=figures.get("leaders"),
                posts=figures.get("leader_posts") or 0,
                answers=figures.get("leader_answers") or 0,
                signals_due=figures.get("leader_signals_due") or 0,
                signals_in_time=figures.get("leader_signals_in_time") or 0,
                check=next((c for c in row.checks if c.rule.key == "leaders_posting"), None),
            )
        )
    return found


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
    """Every signal `user` may see (the platform's signals from the floor, of every source):
    overdue first (longest overdue on top), then the open ones by deadline, then the answered
    ones, latest answer first. One query."""
    from django.db.models import Case, IntegerField, Value, When

    from intranet.signals.access import signals_readable_by

    now = timezone.now()
    rank = Case(
        When(responded_at__isnull=False, then=Value(2)),
        When(due_at__lt=now, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    deadline = Case(When(responded_at__isnull=True, then=F("due_at")))
    return list(
        signals_readable_by(user)
        .select_related("owner", "owner__department", "space")
        .only(
            "status", "due_at", "responded_at", "created_at", "response", "title", "source",
            "owner__first_name", "owner__last_name", "owner__email", "owner__department__name",
            "space__name", "space__slug",
        )
        .alias(rank=rank, deadline=deadline)
        .order_by("rank", F("deadline").asc(nulls_last=True),
                  F("responded_at").desc(nulls_last=True), "pk")[:limit]
    )  # fmt: skip


def follow_up_counts(*, user) -> dict:
    """How many signals (and of those overdue) and pain points `user` may see: the page
    lists the first ones, the CSV all."""
    from django.db.models import Count

    from intranet.signals.access import signals_readable_by
    from processes.models import PainPoint

    boards = _board_ids(user)
    found = signals_readable_by(user).aggregate(
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
    now, of the signals `user` may see. One grouped query, however many signals there are."""
    from django.db.models import Count, Func

    from intranet.signals.access import signals_readable_by

    now = timezone.now()
    days = Func(
        F("responded_at") - F("created_at"),
        template="EXTRACT(EPOCH FROM %(expressions)s) / 86400.0",
        output_field=FloatField(),
    )
    rows = (
        signals_readable_by(user)
        .filter(owner__isnull=False)
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
