"""Celery tasks take ids and call a service (DESIGN.md)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from intranet.activity.models import Notification


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_notification(notification_id: int) -> None:
    """Send one notification by email, once: emailed_at guards against a retried task."""
    notification = (
        Notification.objects.select_related("recipient", "actor")
        .filter(pk=notification_id, emailed_at__isnull=True, read_at__isnull=True)
        .first()
    )
    if notification is None:
        return
    recipient = notification.recipient
    if (
        not recipient.is_active
        or not Notification.objects.readable_by(recipient).filter(pk=notification.pk).exists()
    ):
        return  # what it tells of is no longer theirs to read
    from intranet.inbound import replies

    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        # Something one can answer or comment on: a signed Reply-To posts the reply (inbound).
        reply_to, hint = replies.for_notification(user=recipient, notification=notification)
        context = {"n": notification, "site_url": settings.SITE_URL}
        subject = render_to_string("activity/email/notification_subject.txt", context).strip()
        body = render_to_string("activity/email/notification.txt", context)
        if reply_to and hint:
            body = f"{hint}\n\n{body}"
    EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        reply_to=[reply_to] if reply_to else None,
        headers={"Auto-Submitted": "auto-generated"},
    ).send()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
