"""Signals from the floor: a complaint, suggestion or idea that leaders must answer, raised on
any content (a post, a question, a comment, a pain point, an idea in a space's idea box, or a
group of recurring exceptions on a process board). Each has an owner, a deadline from the
policy and a public answer every supporter is told of ("you said, we did").

The platform owns signals; the apps whose content can become one register a source
(intranet.signals.sources) in AppConfig.ready(), so this module never imports them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignalStatus(models.TextChoices):
    NEW = "new", _("New")
    REVIEW = "review", _("Under review")
    EXPERIMENT = "experiment", _("Experiment")
    ADOPTED = "adopted", _("Adopted")
    DECLINED = "declined", _("Declined")


CLOSED = (SignalStatus.ADOPTED, SignalStatus.DECLINED)


class RaisedHow(models.TextChoices):
    AUTHOR = "author", _("By its author")
    MODERATOR = "moderator", _("By a moderator")
    SUPPORT = "support", _("Enough colleagues support it")
    EXCEPTIONS = "exceptions", _("Recurring exceptions")


class Policy(models.Model):
    """One row, set by administrators: how long the owner has to answer, and how much support
    raises an idea or a pain point as a signal by itself."""

    response_days = models.PositiveIntegerField(_("answer within days"), default=14)
    support_threshold = models.PositiveIntegerField(
        _("support that raises a signal by itself"), default=10
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("signal policy")

    def __str__(self) -> str:
        return f"{self.response_days} days, {self.support_threshold} supporters"


class IdeaKind(models.TextChoices):
    IDEA = "idea", _("Idea")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")


class IdeaQuerySet(models.QuerySet):
    def readable_by(self, user) -> IdeaQuerySet:
        """Ideas in spaces the user may read, not hidden by a moderator."""
        from intranet.governance.selectors import readable_space_ids

        return self.filter(space_id__in=readable_space_ids(user=user), hidden_at__isnull=True)


class Idea(models.Model):
    """An entry in a space's idea box. Colleagues say "me too"; enough of them raise it as a
    signal."""

    space = models.ForeignKey("governance.Space", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=IdeaKind.choices)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("explanation"), max_length=5000, blank=True)
    body_html = models.TextField(blank=True)
    support_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-support_count", "-created_at", "-pk"]
        indexes = [models.Index(fields=["space", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("signals:idea", args=[self.pk])


class IdeaSupport(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="signals_idea_support_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} supports idea {self.idea_id}"


class Signal(models.Model):
    source = models.CharField(max_length=20)  # a registered source's key: "post", "topic" ...
    object_id = models.BigIntegerField()
    # Where the content lives (the space whose readers may see the signal; for content read
    # through more spaces, such as a shared board, the source decides) and the department the
    # signal concerns (its manager owns it by default).
    space = models.ForeignKey(
        "governance.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "governance.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The module of the content (a question: forums; a pain point: boards; "" for content
    # every space has): its signal is seen only where that module is switched on.
    module = models.CharField(max_length=20, blank=True)
    # The content's title when raised: lists and the feed show it without loading the source.
    title = models.CharField(_("title"), max_length=200)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    how = models.CharField(max_length=12, choices=RaisedHow.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SignalStatus.choices, default=SignalStatus.NEW
    )
    response = models.TextField(_("answer"), blank=True, max_length=3000)
    response_html = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("deadline"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    support_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id"], name="signals_once_per_content")
        ]
        indexes = [
            models.Index(fields=["owner", "due_at"]),
            models.Index(fields=["space", "due_at"]),
            models.Index(
                fields=["due_at"], name="signals_open_due", condition=Q(responded_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("signals:detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.responded_at is None and self.due_at < timezone.now()

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED


class Support(models.Model):
    """ "Me too" on a signal: supporters are told of every answer."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signal", "user"], name="signals_support_once")
        ]
        indexes = [models.Index(fields=["user", "signal"])]

    def __str__(self) -> str:
        return f"{self.user_id} supports signal {self.signal_id}"
