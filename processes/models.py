"""Process boards: a space's cross-department process as steps (each owned by a department),
cards moving through them, and the pain points colleagues flag on steps and cards."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.core.models import StoredFile


class BoardRowQuerySet(models.QuerySet):
    """`readable_by(user)`: the rows of boards `user` may read. Unlike most content
    (governance.access.ReadableQuerySet) a board is read through its own space or any space
    it is shared with, so processes.access decides (the module switch and the space's
    effective View count)."""

    board_path = "board"

    def readable_by(self, user):
        from processes.access import readable_board_ids

        return self.filter(**{f"{self.board_path}__in": readable_board_ids(user)})


class BoardQuerySet(BoardRowQuerySet):
    board_path = "pk"


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

    objects = BoardQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("process board")
        verbose_name_plural = _("process boards")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("processes:board", args=[self.pk])


# Lane colours for the departments that own steps: picked by department id, so a department
# keeps its colour on every board. Each pairs with dark text (contrast >= 4.5:1).
LANE_COLOURS = ["#dbeafe", "#dcfce7", "#fef3c7", "#fce7f3", "#e0e7ff", "#ccfbf1", "#ffedd5",
                "#ede9fe"]  # fmt: skip


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

    @property
    def colour(self) -> str:
        if self.department_id is None:
            return "#f1f5f9"
        return LANE_COLOURS[self.department_id % len(LANE_COLOURS)]


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
    labels = ArrayField(models.CharField(max_length=30), default=list, blank=True, size=8)
    # Done with: off the board, kept with its history (flow metrics still count its moves).
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = BoardRowQuerySet.as_manager()

    class Meta:
        ordering = ["entered_step_at", "pk"]
        indexes = [models.Index(fields=["board", "step"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("processes:card", args=[self.pk])

    @property
    def space(self):
        """Comments on a card follow the rights of the space through which the commenter
        takes part (services.comment sets it), else of the board's own space."""
        return getattr(self, "acting_space", None) or self.board.space

    @property
    def is_late(self) -> bool:
        return self.due_date is not None and self.due_date < timezone.localdate()


class ChecklistItem(models.Model):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("item"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


def _card_file_path(instance, filename: str) -> str:
    import secrets

    return f"cards/{instance.card_id}/{secrets.token_hex(8)}/{filename}"


class CardAttachment(StoredFile):
    """A file with a card, served only to those who may see the board."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_card_file_path, max_length=300)

    class Meta(StoredFile.Meta):
        pass

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("processes:file", args=[self.card_id, self.pk, self.name])


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
    # When the owning department last changed the status (digests tell who takes part).
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = BoardRowQuerySet.as_manager()

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

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("processes:pain", args=[self.pk])

    @property
    def space(self):
        return getattr(self, "acting_space", None) or self.board.space


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

    objects = BoardRowQuerySet.as_manager()

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

    objects = BoardRowQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["board", "-created_at"]),
            # Grouping asks "which recent reports are like this one": the trigram index
            # answers that without comparing against every report.
            GinIndex(fields=["text"], opclasses=["gin_trgm_ops"], name="processes_exc_text_trgm"),
        ]

    def __str__(self) -> str:
        return self.text[:60]
