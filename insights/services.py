"""Insight writes: snapshots (from the Celery task), phase records, the privacy settings,
grants and opt-outs, and opening a person-level view (which is itself written down: every
look at named people is in the audit log)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insights import access, graph, layers, phases, selectors, sources
from insights.models import (
    WINDOWS,
    Analyst,
    InsightSettings,
    LayerRecord,
    OptOut,
    PersonScore,
    PhaseRecord,
    Snapshot,
)
from intranet.governance import audit, permissions

KEEP_SNAPSHOTS = 10  # per window: enough for "what changed", not a history of everyone
NEWCOMER_DAYS = 90
NEWCOMER_MAX_TIES = 1


def take_snapshot(*, window: int, now: datetime | None = None) -> Snapshot:
    """Compute the interaction network of the last `window` days and store it."""
    if window not in WINDOWS:
        raise ValidationError({"window": _("Choose 30, 90 or 365 days.")})
    started = time.perf_counter()
    now = now or timezone.now()
    since = now - timedelta(days=window)
    ties, interactions = sources.ties(since=since, until=now)
    # The network is between people: a tie to an integration (an HR system that posts, a
    # service desk that opens questions) would make it a hub and a bridge between departments.
    service = set(
        get_user_model().objects.filter(service_account__isnull=False).values_list("pk", flat=True)
    )
    if service:
        ties = [tie for tie in ties if tie[0] not in service and tie[1] not in service]
    network = graph.build(ties)
    person = graph.people(network)
    spread = sources.spread_hours(since=since, until=now)
    people = list(
        get_user_model().objects.listed().values_list("pk", "department_id", "date_joined")
    )
    department_of = {pk: dept for pk, dept, _joined in people}
    by_department, pairs = graph.departments(
        network,
        department_of=department_of,
        handoffs=sources.handoffs(since=since, until=now),
    )
    silos, bridges = graph.silos_and_bridges(by_department)
    from intranet.governance.models import Department

    members: dict[int, int] = {}
    active: dict[int, int] = {}
    for pk, dept, _joined in people:
        if dept is not None:
            members[dept] = members.get(dept, 0) + 1
            active[dept] = active.get(dept, 0) + (pk in person)
    departments = []
    for dept in Department.objects.filter(pk__in=members).only("name"):
        m = by_department.get(dept.pk, graph.DepartmentMeasures())
        share = m.outside_share
        departments.append(
            {"id": dept.pk, "name": dept.name, "members": members[dept.pk],
             "active": active[dept.pk], "internal": round(m.internal, 1),
             "external": round(m.external, 1), "partners": m.partners,
             "outside_share": None if share is None else round(share, 3),
             "betweenness": round(m.betweenness, 4), "silo": dept.pk in silos,
             "bridge": dept.pk in bridges}
        )  # fmt: skip
    recent = now - timedelta(days=NEWCOMER_DAYS)
    scores = []
    for pk, dept, joined in people:
        m = person.get(pk)
        ties_of = m.ties if m else 0
        outside = (
            sum(1 for other in network.neighbors(pk) if department_of.get(other) != dept)
            if m
            else 0
        )
        scores.append(
            PersonScore(user_id=pk, department_id=dept, ties=ties_of,
                        weight=m.weight if m else 0, outside_ties=outside,
                        pagerank=m.pagerank if m else 0, betweenness=m.betweenness if m else 0,
                        spread_hours=spread.get(pk),
                        newcomer=joined >= recent and ties_of <= NEWCOMER_MAX_TIES)
        )  # fmt: skip
    with transaction.atomic():
        snapshot = Snapshot.objects.create(
            window_days=window,
            computed_at=now,
            people=network.number_of_nodes(),
            interactions=interactions,
            ties=network.number_of_edges(),
            departments=departments,
            department_ties=[[a, b, round(w, 1)] for (a, b), w in sorted(pairs.items())],
        )
        for score in scores:
            score.snapshot = snapshot
        PersonScore.objects.bulk_create(scores, batch_size=2000)
        # Fresh statistics for the rows just written: the person pages' top-50 queries are
        # planned on them (autovacuum would get there, but not before the first page view).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {PersonScore._meta.db_table}")
        old = Snapshot.objects.filter(window_days=window).order_by("-computed_at")[KEEP_SNAPSHOTS:]
        Snapshot.objects.filter(pk__in=[s.pk for s in old]).delete()
        snapshot.seconds = round(time.perf_counter() - started, 2)
        snapshot.save(update_fields=["seconds"])
        _changed()
    return snapshot


def record_phases(*, now: datetime | None = None, window: int = 90) -> int:
    """Today's figures and phase per department (one row per department and day, replaced
    when run again the same day), and how much of each layer of the organisation took part
    (insights.layers; one row per layer and day): the timelines. Who leads is read once, so
    both describe the same organisation."""
    now = now or timezone.now()
    since = now - timedelta(days=window)
    leadership = layers.leadership()
    found = phases.figures(since=since, until=now, leadership=leadership)
    by_layer = phases.layer_figures(since=since, until=now, leadership=leadership)
    thresholds = selectors.insight_settings().thresholds
    day = timezone.localdate(now)
    with transaction.atomic():
        for department_id, figures in found.items():
            phase, _checks = phases.evaluate(figures, thresholds)
            PhaseRecord.objects.update_or_create(
                department_id=department_id,
                day=day,
                defaults={"phase": phase, "figures": figures},
            )
        for layer, figures in by_layer.items():
            LayerRecord.objects.update_or_create(
                layer=layer,
                day=day,
                defaults={
                    "members": figures["members"],
                    "figures": {"posting": figures["posting"]},
                },
            )
        _changed()
    return len(found)


def refresh(*, now: datetime | None = None) -> list[Snapshot]:
    """What the periodic task does: every window's snapshot, then today's phases."""
    snapshots = [take_snapshot(window=window, now=now) for window in WINDOWS]
    record_phases(now=now)
    return snapshots


# --- Settings, grants, opt-out ---------------------------------------------------------------


def _settings_for_update() -> InsightSettings:
    InsightSettings.objects.get_or_create(pk=1)
    _forget_settings()
    return InsightSettings.objects.select_for_update().get(pk=1)


def _forget_settings() -> None:
    """Drop the cached copy now and again after commit (a reader between the two would
    have cached the old row)."""
    from django.core.cache import cache

    cache.delete(selectors.SETTINGS_KEY)
    transaction.on_commit(lambda: cache.delete(selectors.SETTINGS_KEY))
    _changed()


def _changed() -> None:
    """Pages show something new: cached page parts are not served again."""
    selectors.pages.changing(0)


def save_settings(*, actor, min_group, person_level: bool, purpose: str) -> InsightSettings:
    if not access.may_configure(actor):
        raise PermissionDenied
    errors = {}
    try:
        min_group = int(min_group)
    except (TypeError, ValueError):
        min_group = None
    if min_group is None or not 3 <= min_group <= 1000:
        errors["min_group"] = _("The smallest group must be a whole number from 3 to 1000.")
    purpose = (purpose or "").strip()
    if person_level and len(purpose) < 20:
        errors["purpose"] = _(
            "Person-level views need a purpose that people can read (at least 20 characters)."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        found = _settings_for_update()
        before = {"min_group": found.min_group, "person_level": found.person_level,
                  "purpose": found.purpose}  # fmt: skip
        found.min_group, found.person_level, found.purpose = min_group, person_level, purpose
        found.changed_at = timezone.now()
        found.save(update_fields=["min_group", "person_level", "purpose", "changed_at"])
        audit.record(
            actor=actor,
            action="insights.settings",
            target=found,
            before=before,
            after={"min_group": min_group, "person_level": person_level, "purpose": purpose},
        )
    return found


def save_thresholds(*, actor, values: dict) -> InsightSettings:
    """Every rule's threshold at once: a share from 0 to 1 (entered as a percentage by the
    form) or a count from 0; anything else refuses the whole set."""
    if not access.may_configure(actor):
        raise PermissionDenied
    clean, errors = {}, {}
    for rule in phases.RULES:
        raw = values.get(rule.key)
        try:
            value = float(str(raw).replace(",", "."))
        except (TypeError, ValueError):
            errors[rule.key] = _("Enter a number.")
            continue
        if rule.share and not 0 <= value <= 1:
            errors[rule.key] = _("Enter a percentage from 0 to 100.")
        elif not rule.share and (value < 0 or value != int(value)):
            errors[rule.key] = _("Enter a whole number, 0 or more.")
        else:
            clean[rule.key] = value if rule.share else int(value)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        found = _settings_for_update()
        before = dict(found.thresholds)
        found.thresholds = clean
        found.save(update_fields=["thresholds"])
        audit.record(
            actor=actor, action="insights.thresholds", target=found, before=before, after=clean
        )
    return found


def grant(*, actor, user) -> Analyst:
    if not access.may_configure(actor):
        raise PermissionDenied
    if not permissions.is_colleague(user):
        raise ValidationError({"user": _("Only active employees can be granted this.")})
    with transaction.atomic():
        found, created = Analyst.objects.get_or_create(user=user, defaults={"granted_by": actor})
        if created:
            audit.record(actor=actor, action="insights.grant", target=user,
                         after={"person_level": True})  # fmt: skip
    return found


def revoke(*, actor, user) -> None:
    if not access.may_configure(actor):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _n = Analyst.objects.filter(user=user).delete()
        if deleted:
            audit.record(actor=actor, action="insights.revoke", target=user,
                         before={"person_level": True})  # fmt: skip


def set_opt_out(*, user, out: bool) -> None:
    """Anyone may leave (or rejoin) the person-level views; it applies at once."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    with transaction.atomic():
        if out:
            OptOut.objects.get_or_create(user=user)
        else:
            OptOut.objects.filter(user=user).delete()
        _changed()


def open_person_view(*, actor, window: int, measure: str, export: bool = False,
                     limit: int = 25) -> list:  # fmt: skip
    """The named people for one measure, for someone who may see them; the look itself goes
    into the audit log (who, which view, which window, how many people were shown)."""
    _check_person_view(actor=actor, measure=measure)
    rows = selectors.named_people(window=window, measure=measure, limit=limit)
    record_person_view(actor=actor, window=window, measure=measure, shown=len(rows),
                       export=export)  # fmt: skip
    return rows


def _check_person_view(*, actor, measure: str) -> None:
    if not access.may_view_people(actor):
        raise PermissionDenied
    if measure not in selectors.MEASURES:
        raise ValidationError({"measure": _("Unknown measure.")})


def record_person_view(*, actor, window: int, measure: str, shown: int,
                       export: bool = False) -> None:  # fmt: skip
    """Write down that `actor` looked at `shown` named people (the page renders its rows from
    a cached part, but every look is recorded)."""
    _check_person_view(actor=actor, measure=measure)
    audit.record(
        actor=actor,
        action="insights.person_view",
        target=actor,
        after={"measure": measure, "window": window, "shown": shown, "export": export,
               "purpose": selectors.insight_settings().purpose},
    )  # fmt: skip
