"""Moderation shared by every kind of content (forum posts, comments, articles, stories):
reports from readers, and hiding with a reason the author is shown."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Moderated(models.Model):
    """Content a moderator can hide. Hidden content stays in the database (moderators still
    see it, the author sees why); everyone else no longer does."""

    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # A database default too: bulk loads (bench, imports) insert rows without it.
    hidden_reason = models.CharField(
        max_length=500, blank=True, default="", db_default="", editable=False
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        UNKIND = "unkind", _("Unkind, abusive or discriminating")
        PRIVACY = "privacy", _("Personal or confidential information")
        WRONG = "wrong", _("Wrong or dangerous advice")
        OFF_TOPIC = "off_topic", _("Off topic or in the wrong space")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HIDDEN = "hidden", _("Content hidden")
        DISMISSED = "dismissed", _("Dismissed")

    # The registered kind of content ("forums.answer") and its id: see moderation.registry.
    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    space = models.ForeignKey("governance.Space", on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("explanation"), max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # One open report per reader per item: reporting twice does not count twice.
            models.UniqueConstraint(
                fields=["kind", "object_id", "reporter"],
                condition=Q(status="open"),
                name="moderation_one_open_report",
            )
        ]
        indexes = [
            models.Index(
                fields=["space", "created_at"],
                condition=Q(status="open"),
                name="moderation_open_queue",
            ),
            models.Index(fields=["kind", "object_id"], name="moderation_report_target"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} on {self.kind}#{self.object_id}"
