"""Celery: one task per (subscription, event); each attempt that fails schedules the next with
a growing wait (services.RETRY_DELAYS). A task queued twice, or redelivered by the broker,
sends once: services.attempt_delivery claims the attempt first."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from intranet.webhooks import services
from intranet.webhooks.models import Subscription


def _run(delivery_id: int) -> str:
    outcome = services.attempt_delivery(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        deliver.apply_async(args=[delivery_id], countdown=outcome.retry_in)
    return outcome.status or "claimed elsewhere"


@shared_task
def deliver_event(subscription_id: int, activity_id: int) -> str:
    delivery_id = services.start_delivery(subscription_id=subscription_id, activity_id=activity_id)
    return "gone" if delivery_id is None else _run(delivery_id)


@shared_task
def deliver(delivery_id: int) -> str:
    return _run(delivery_id)


@shared_task
def requeue_due() -> int:
    """Deliveries whose next try is long past (their task was lost): queue them again. Meant
    for beat, every few minutes."""
    ids = services.due_deliveries()
    for delivery_id in ids:
        deliver.delay(delivery_id)
    return len(ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_disabled(subscription_id: int) -> None:
    """Tell the owner their webhook switched itself off, in their language."""
    subscription = (
        Subscription.objects.select_related("owner", "space").filter(pk=subscription_id).first()
    )
    if subscription is None or subscription.active or not subscription.owner.is_active:
        return
    owner = subscription.owner
    with translation.override(owner.language or settings.LANGUAGE_CODE):
        context = {
            "subscription": subscription,
            "url": settings.SITE_URL.rstrip("/")
            + reverse("webhooks:detail", args=[subscription.pk]),
        }
        subject = render_to_string("webhooks/email/disabled_subject.txt", context).strip()
        body = render_to_string("webhooks/email/disabled.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email]).send()
