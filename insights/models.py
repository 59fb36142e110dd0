"""Insights for leaders: snapshots of the interaction network (computed by a Celery task, so a
page never computes a graph), adoption phases per department and their timeline, and the
privacy settings that a works council can check: a minimum group size, person-level views off
by default and only with a recorded purpose for people granted them, and an opt-out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WINDOWS = (30, 90, 365)


class Phase(models.IntegerChoices):
    NONE = 0, _("Not started")
    PRESENCE = 1, _("Presence")
    DIALOGUE = 2, _("Dialogue")
    ENGAGEMENT = 3, _("Engagement")
    SOCIAL_BUSINESS = 4, _("Social business")


def default_thresholds() -> dict:
    from insights.phases import DEFAULTS

    return dict(DEFAULTS)


class InsightSettings(models.Model):
    """The one row of insight settings (pk=1)."""

    min_group = models.PositiveSmallIntegerField(_("smallest group shown"), default=5)
    person_level = models.BooleanField(_("person-level views"), default=False)
    purpose = models.TextField(_("purpose of person-level views"), blank=True, max_length=2000)
    changed_at = models.DateTimeField(null=True, blank=True)
    thresholds = models.JSONField(default=default_thresholds)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="insights_one_settings"),
            models.CheckConstraint(condition=Q(min_group__gte=3), name="insights_min_group_3"),
        ]

    def __str__(self) -> str:
        return str(_("Insight settings"))


class Analyst(models.Model):
    """Someone an administrator granted the person-level views (HR analytics, say)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="insight_grant"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}"


class OptOut(models.Model):
    """A person who does not want to appear in person-level views."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="insight_opt_out"
    )
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}"


class Snapshot(models.Model):
    """The interaction network of one window, as computed at `computed_at`. Departments and
    their ties are small and kept as JSON; people are rows (PersonScore) to sort and page."""

    window_days = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField(default=timezone.now, db_index=True)
    people = models.PositiveIntegerField(default=0)
    interactions = models.PositiveIntegerField(default=0)
    ties = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    # [{"id", "name", "members", "active", "internal", "external", "partners", "outside_share",
    #   "betweenness", "silo", "bridge"}]
    departments = models.JSONField(default=list)
    # [[department a, department b, weight]]
    department_ties = models.JSONField(default=list)

    class Meta:
        ordering = ["-computed_at"]
        indexes = [models.Index(fields=["window_days", "-computed_at"])]

    def __str__(self) -> str:
        return f"{self.window_days}d {self.computed_at:%Y-%m-%d %H:%M}"


class PersonScore(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="scores")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "governance.Department", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ties = models.PositiveIntegerField(default=0)
    weight = models.FloatField(default=0)
    outside_ties = models.PositiveIntegerField(default=0)
    pagerank = models.FloatField(default=0)
    betweenness = models.FloatField(default=0)
    spread_hours = models.FloatField(null=True)  # median, across departments
    newcomer = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "user"], name="insights_one_score")
        ]
        indexes = [
            models.Index(fields=["snapshot", "-pagerank"]),
            models.Index(fields=["snapshot", "-betweenness"]),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}: {self.user_id}"


class PhaseRecord(models.Model):
    """Where a department stood on a day, with the figures the rules read: the timeline."""

    department = models.ForeignKey(
        "governance.Department", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    phase = models.PositiveSmallIntegerField(choices=Phase.choices)
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["day", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "day"], name="insights_one_phase_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.day}: {self.phase}"


class Layer(models.TextChoices):
    """The layers of the organisation that the leadership view compares; who is in which is
    decided in one place, insights.layers."""

    DIRECTORS = "directors", _("Directors")
    MANAGERS = "managers", _("Managers")
    FLOOR = "floor", _("The floor")


class LayerRecord(models.Model):
    """How much of one layer took part in the open on a day, with the figures the page reads
    (insights.phases.layer_figures): the leadership timeline. The size is kept for every layer
    so the page can leave out, on each day, a layer smaller than the minimum group."""

    layer = models.CharField(max_length=20, choices=Layer.choices)
    day = models.DateField()
    members = models.PositiveIntegerField(default=0)
    # {"posting": share of the layer who posted, asked, answered or commented, or None}
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["day", "layer"]
        constraints = [
            models.UniqueConstraint(fields=["layer", "day"], name="insights_one_layer_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.layer} {self.day}"
