"""Process boards: a space's cross-department process as steps (each owned by a department),
cards moving through them, and the pain points colleagues flag on steps and cards."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Board(models.Model):
    space = models.ForeignKey("governance.Space", on_delete=models.CASCADE, related_name="boards")
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=500, blank=True)
    # The other departments' spaces that take part: their members see and work the board too.
    shared_with = models.ManyToManyField(
        "governance.Space", blank=True, related_name="shared_boards", verbose_name=_("shared with")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("process board")
        verbose_name_plural = _("process boards")

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    """A column: one step of the process, owned by a department, with an optional WIP limit."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField()
    department = models.ForeignKey(
        "governance.Department", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("department"),
    )  # fmt: skip
    wip_limit = models.PositiveIntegerField(_("work-in-progress limit"), null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["board", "position"], name="processes_step_position")
        ]

    def __str__(self) -> str:
        return self.name


class Card(models.Model):
    """A case or work item travelling through the steps."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="cards")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="cards")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("owner"),
    )  # fmt: skip
    due_date = models.DateField(_("due date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    entered_step_at = models.DateTimeField(default=timezone.now)
    watchers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["entered_step_at", "pk"]
        indexes = [models.Index(fields=["board", "step"])]

    def __str__(self) -> str:
        return self.title


class Move(models.Model):
    """A card went from one step to another: the history that flow metrics and hand-offs
    are read from."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="moves")
    from_step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+")
    to_step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # Set when the step changes hands: from one department to another.
    from_department = models.ForeignKey(
        "governance.Department", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_department = models.ForeignKey(
        "governance.Department", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.card_id}: {self.from_step_id} -> {self.to_step_id}"

    @property
    def is_handoff(self) -> bool:
        return self.from_department_id != self.to_department_id


class PainPoint(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        RARELY = "rarely", _("Now and then")

    class Impact(models.TextChoices):
        LOW = "low", _("Annoying")
        MEDIUM = "medium", _("Costs real time")
        HIGH = "high", _("Customers or money suffer")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        SOLVING = "solving", _("Being solved")
        SOLVED = "solved", _("Solved")

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="pain_points")
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.CASCADE, related_name="pain_points"
    )
    card = models.ForeignKey(
        Card, null=True, blank=True, on_delete=models.CASCADE, related_name="pain_points"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    what = models.CharField(_("what hurts"), max_length=500)
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices)
    impact = models.CharField(_("impact"), max_length=10, choices=Impact.choices)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.OPEN)
    me_too_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-me_too_count", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(step__isnull=False) | Q(card__isnull=False),
                name="processes_pain_on_step_or_card",
            )
        ]

    def __str__(self) -> str:
        return self.what[:60]


class MeToo(models.Model):
    pain_point = models.ForeignKey(PainPoint, on_delete=models.CASCADE, related_name="me_toos")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pain_point", "user"], name="processes_me_too_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} too on {self.pain_point_id}"


class SignalPolicy(models.Model):
    """When recurring exceptions become a signal leaders must answer: one row, set by
    administrators."""

    min_reports = models.PositiveIntegerField(_("reports"), default=5)
    min_people = models.PositiveIntegerField(_("different people"), default=3)
    window_days = models.PositiveIntegerField(_("within days"), default=90)
    response_days = models.PositiveIntegerField(_("answer within days"), default=14)
    # How alike two reports must be (pg_trgm similarity, 0..1) to be grouped.
    similarity = models.FloatField(_("similarity"), default=0.4)

    def __str__(self) -> str:
        return f"{self.min_reports} by {self.min_people} in {self.window_days} days"


class ExceptionGroup(models.Model):
    """Reports of the same exception. Plein groups them; a person can confirm or split."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="exception_groups")
    title = models.CharField(max_length=200)
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class ExceptionReport(models.Model):
    class Category(models.TextChoices):
        CUSTOMER_WISH = "customer_wish", _("A customer wanted something we do not offer")
        RULE = "rule", _("A rule did not fit the case")
        SYSTEM = "system", _("The system could not do it")
        OTHER = "other", _("Something else")

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="exceptions")
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    text = models.CharField(_("what happened"), max_length=1000)
    group = models.ForeignKey(
        ExceptionGroup, null=True, on_delete=models.SET_NULL, related_name="reports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["board", "-created_at"])]

    def __str__(self) -> str:
        return self.text[:60]


class Signal(models.Model):
    """A group of exceptions that keeps coming back: a new need leaders must answer."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        REVIEW = "review", _("Under review")
        EXPERIMENT = "experiment", _("Experiment")
        ADOPTED = "adopted", _("Adopted")
        DECLINED = "declined", _("Declined")

    group = models.OneToOneField(ExceptionGroup, on_delete=models.CASCADE, related_name="signal")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("owner"),
    )  # fmt: skip
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    response = models.TextField(_("response"), blank=True, max_length=3000)
    responded_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return f"signal {self.pk}: {self.group.title}"

    @property
    def is_overdue(self) -> bool:
        return self.responded_at is None and self.due_at < timezone.now()
