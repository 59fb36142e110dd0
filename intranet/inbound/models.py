from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    """Why a message was refused (or "posted")."""

    POSTED = "posted", _("Posted")
    OFF = "off", _("Replying by email is not set up")
    TOO_LARGE = "too_large", _("The message is too large")
    UNREADABLE = "unreadable", _("Not a readable email message")
    AUTOMATIC = "automatic", _("An automatic reply (out of office, delivery report)")
    NO_ADDRESS = "no_address", _("Not sent to a reply address")
    FORGED = "forged", _("The reply address is not genuine")
    EXPIRED = "expired", _("The reply address has expired")
    SENDER = "sender", _("Sent from an address other than the recipient's")
    UNKNOWN_TARGET = "unknown_target", _("Nothing to reply to")
    DUPLICATE = "duplicate", _("Already posted")
    EMPTY = "empty", _("No new text in the reply")
    NO_ACCESS = "no_access", _("No longer allowed to reply there")
    RATE_LIMITED = "rate_limited", _("Too many posts in a short time")
    INVALID = "invalid", _("Refused by the app")


class InboundMessage(models.Model):
    """One message received by email: posted, or refused and why. Kept for administrators
    (Django admin); the message itself is not stored."""

    received_at = models.DateTimeField(auto_now_add=True)
    posted = models.BooleanField(default=False)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    kind = models.CharField(max_length=10, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    url = models.CharField(max_length=300, blank=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            # A message delivered twice (an MTA retrying) is posted once.
            models.UniqueConstraint(
                fields=["user", "message_id"],
                condition=Q(posted=True) & ~Q(message_id=""),
                name="inbound_posted_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.received_at:%Y-%m-%d %H:%M})"
