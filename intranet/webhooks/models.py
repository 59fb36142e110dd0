"""Outgoing webhooks: a subscription sends signed messages about events in one space (or, for
administrators, the open part of the organisation) to an address outside Plein; every attempt
is in its delivery log.

The secret is kept as written: the HMAC that signs each message needs it (a digest would not
do). It is shown to the owner once, when made or renewed, and appears in no list or API answer
after that."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    GENERIC = "generic", _("JSON (your own receiver)")
    TEAMS = "teams", _("Microsoft Teams (incoming webhook)")
    SLACK = "slack", _("Slack (incoming webhook)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RETRYING = "retrying", _("Trying again")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    # Not sent on purpose: paused, the owner may no longer see it, the source was hidden.
    SKIPPED = "skipped", _("Not sent")


class Subscription(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    # None: the whole organisation (administrators only; open spaces and organisation-wide
    # news, never a private or secret space: services.may_send).
    space = models.ForeignKey(
        "governance.Space",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("space"),
    )
    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(_("address"), max_length=500)
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.GENERIC
    )
    kinds = ArrayField(models.CharField(max_length=40), verbose_name=_("events"))
    secret = models.CharField(max_length=64)
    active = models.BooleanField(_("active"), default=True)
    # Failed attempts in a row; the first success sets it back to 0.
    failure_count = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=Format.values), name="webhooks_subscription_format"
            ),
        ]
        indexes = [
            # Matching an event: the active subscriptions of its space (and organisation-wide).
            models.Index(fields=["space", "active"], name="webhooks_sub_space_active"),
            models.Index(fields=["owner", "-created_at"], name="webhooks_sub_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One event sent (or to be sent) to one subscription; a test message has no activity."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    activity = models.ForeignKey(
        "activity.Activity", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            # One delivery per event and subscription: a task queued twice sends once.
            models.UniqueConstraint(
                fields=["subscription", "activity"],
                condition=Q(activity__isnull=False),
                name="webhooks_one_delivery_per_event",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhooks_delivery_status"
            ),
        ]
        indexes = [
            # The log page: the newest deliveries of one subscription.
            models.Index(fields=["subscription", "-id"], name="webhooks_delivery_log"),
            # Deliveries waiting for another try (a sweeper can find those whose task was lost).
            models.Index(
                fields=["next_try_at"],
                name="webhooks_delivery_due",
                condition=Q(status__in=["pending", "retrying"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
