"""Celery tasks take ids and call a service (DESIGN.md)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
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
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = {"n": notification, "site_url": settings.SITE_URL}
        subject = render_to_string("activity/email/notification_subject.txt", context).strip()
        body = render_to_string("activity/email/notification.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
