"""Webhook writes: subscribe, pause and resume, delete, renew the secret, test; and delivery
(match an event to subscriptions, send each, retry with backoff, disable after failures).

What may be sent is decided at sending time, not when the event happened: the owner must still
be able to use webhooks, still manage the space, and still see the event (the same
visible_filter as their feed) and what it is about (a hidden or deleted topic is not sent).
Organisation-wide webhooks (administrators only) carry events of open spaces and
organisation-wide news only: a private or secret space's events go out only through a webhook
of that space, which its owner chose to make."""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitedTooLong
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intranet.activity import targets
from intranet.activity.models import Activity
from intranet.activity.selectors import visible_filter
from intranet.governance import audit, permissions
from intranet.governance.models import Space
from intranet.webhooks import addresses, payloads, selectors
from intranet.webhooks.models import Delivery, DeliveryStatus, Format, Subscription

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd ... 6th attempt: a receiver that is down for a deploy, an hour or
# a night still gets the event; after the last, the delivery has failed.
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60, 12 * 60 * 60)
MAX_ACTIVE_PER_OWNER = 50
PING_SECONDS = 10  # at most one test message per webhook this often
PING_TIMEOUT = 5  # the test is sent while the person waits
SUBSCRIBE_RESOLVE_SECONDS = 3
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
SUBSCRIPTION_TOUCH_SECONDS = 5


def disable_after() -> int:
    """Failed attempts in a row after which a webhook switches itself off."""
    return int(getattr(settings, "PLEIN_WEBHOOKS_DISABLE_AFTER", 10))


# --- Subscribing --------------------------------------------------------------------------------


def _check_destination(url: str) -> str:
    """The address, refused when it is not http(s), carries credentials, or leads (now) to a
    forbidden address. A name that cannot be resolved now is accepted: delivery resolves it
    again and logs what it finds."""
    target = addresses.check_url(url)
    # The lookup runs in its own thread, where no language is active: carry the person's.
    language = translation.get_language()

    def resolve():
        try:
            with translation.override(language):
                addresses.resolve(target)
        except ValidationError as error:
            if error.code != "not_found":
                raise

    pool = ThreadPoolExecutor(max_workers=1)
    try:
        pool.submit(resolve).result(timeout=SUBSCRIBE_RESOLVE_SECONDS)
    except WaitedTooLong:
        pass  # a slow resolver is not a reason to refuse; delivery checks again
    finally:
        pool.shutdown(wait=False)
    return url.strip()


def _validated(*, name: str, url: str, format: str, kinds) -> tuple[str, str, str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [_("Give the webhook a name, so you know later where it sends to.")]
    elif len(name) > 80:
        errors["name"] = [_("Keep the name to 80 characters.")]
    try:
        url = _check_destination(url)
    except ValidationError as error:
        errors["url"] = error.messages
    if format not in Format.values:
        errors["format"] = [_("Choose one of the formats.")]
    known = {kind for kind, _label in payloads.event_kinds()}
    kinds = sorted({str(kind) for kind in kinds or []})
    if not kinds:
        errors["kinds"] = [_("Choose at least one kind of event.")]
    elif set(kinds) - known:
        errors["kinds"] = [
            _("Unknown kinds of event: %(kinds)s.")
            % {"kinds": ", ".join(sorted(set(kinds) - known))}
        ]
    if errors:
        raise ValidationError(errors)
    return name, url, format, kinds


def _state(subscription: Subscription) -> dict:
    return {
        "name": subscription.name,
        "space": subscription.space_id,
        "url": subscription.url,
        "format": subscription.format,
        "kinds": subscription.kinds,
        "active": subscription.active,
    }


def create_subscription(
    *, actor, space: Space | None, name: str, url: str, format: str, kinds: list[str]
) -> tuple[Subscription, str]:
    """A webhook for `space` (None: the organisation, administrators only). Returns it and its
    signing secret, which the owner sees now (and only again by renewing it)."""
    if not selectors.manages(user=actor, space_id=space.pk if space else None):
        raise PermissionDenied
    name, url, format, kinds = _validated(name=name, url=url, format=format, kinds=kinds)
    with transaction.atomic():
        if (
            Subscription.objects.select_for_update().filter(owner=actor, active=True).count()
            >= MAX_ACTIVE_PER_OWNER
        ):
            raise ValidationError(
                _("You have %(n)d active webhooks; delete one you no longer need first.")
                % {"n": MAX_ACTIVE_PER_OWNER}
            )
        plain = "whsec_" + secrets.token_urlsafe(32)
        subscription = Subscription.objects.create(
            owner=actor, space=space, name=name, url=url, format=format, kinds=kinds, secret=plain
        )
        audit.record(
            actor=actor, action="webhook.created", target=subscription, after=_state(subscription)
        )
    return subscription, plain


def set_active(*, actor, subscription_id, active: bool) -> Subscription:
    """Pause or resume. Resuming starts the failure count afresh."""
    with transaction.atomic():
        subscription = selectors.access_subscription(
            user=actor, subscription_id=subscription_id, lock=True
        )
        if subscription.active == active:
            return subscription
        before = _state(subscription)
        subscription.active = active
        fields = ["active"]
        if active:
            subscription.failure_count = 0
            subscription.disabled_at = None
            subscription.disabled_reason = ""
            fields += ["failure_count", "disabled_at", "disabled_reason"]
        subscription.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="webhook.resumed" if active else "webhook.paused",
            target=subscription,
            before=before,
            after=_state(subscription),
        )
    return subscription


def delete_subscription(*, actor, subscription_id) -> None:
    with transaction.atomic():
        subscription = selectors.access_subscription(
            user=actor, subscription_id=subscription_id, lock=True
        )
        audit.record(
            actor=actor, action="webhook.deleted", target=subscription, before=_state(subscription)
        )
        subscription.delete()


def renew_secret(*, actor, subscription_id) -> tuple[Subscription, str]:
    """A new signing secret, shown once; the old one stops working at once."""
    with transaction.atomic():
        subscription = selectors.access_subscription(
            user=actor, subscription_id=subscription_id, lock=True
        )
        subscription.secret = "whsec_" + secrets.token_urlsafe(32)
        subscription.save(update_fields=["secret"])
        audit.record(actor=actor, action="webhook.secret_renewed", target=subscription)
    return subscription, subscription.secret


# --- What is sent -------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _language(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def compose(*, subscription: Subscription, activity_id: int) -> tuple[payloads.Message | None, str]:
    """The message about one event for this subscription, or (None, why it is not sent).
    Everything is checked now, as the subscription's owner."""
    owner = subscription.owner
    if not selectors.may_use_webhooks(owner):
        return None, _("The owner of this webhook can no longer use webhooks.")
    if not selectors.manages(user=owner, space_id=subscription.space_id):
        return None, _("The owner of this webhook no longer manages its space.")
    rows = Activity.objects.filter(visible_filter(owner), pk=activity_id)
    if subscription.space_id is not None:
        rows = rows.filter(space_id=subscription.space_id)
    else:
        open_spaces = Space.objects.filter(permissions.in_the_open_filter()).values("pk")
        rows = rows.filter(
            Q(space__isnull=True, department__isnull=True) | Q(space_id__in=open_spaces)
        )
    activity = rows.select_related("actor", "space").first()
    if activity is None:
        return None, _("The owner of this webhook may not see this event (any more).")
    targets.load([activity])
    target = activity.target
    if activity.target_spec is not None and target is None:
        return None, _("What this event is about is gone or hidden.")
    space = activity.space
    actor = activity.actor.display_name if activity.actor else ""
    summary = (
        f"{actor} {payloads.phrase_for(activity.verb, space_name=space.name if space else '')}"
    )
    title = ""
    if target is not None:
        topic = getattr(target, "topic", None)
        title = getattr(target, "title", None) or getattr(topic, "title", None) or str(target)
    url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else None
    if url is None:
        url = space.get_absolute_url() if space else "/"
    return (
        payloads.Message(
            id=activity.pk,
            kind=activity.verb,
            occurred_at=activity.created_at,
            space_slug=space.slug if space else None,
            space_name=space.name if space else "",
            actor=actor,
            title=payloads.cut(title or (space.name if space else summary), payloads.TITLE_LIMIT),
            summary=payloads.cut(summary.strip(), payloads.SUMMARY_LIMIT),
            url=_absolute(url),
        ),
        "",
    )


def ping_message(*, subscription: Subscription) -> payloads.Message:
    space = subscription.space
    return payloads.Message(
        id=None,
        kind=payloads.PING,
        occurred_at=timezone.now(),
        space_slug=space.slug if space else None,
        space_name=space.name if space else "",
        actor=subscription.owner.display_name,
        title=_("Test message from Plein"),
        summary=_("If you can read this, the webhook “%(name)s” works.")
        % {"name": subscription.name},
        url=_absolute(space.get_absolute_url() if space else "/"),
    )


def _headers(*, subscription: Subscription, body: bytes, delivery: Delivery) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Plein-Webhooks/1",
        "Plein-Event": delivery.kind,
        "Plein-Delivery": str(delivery.pk),
        payloads.SIGNATURE_HEADER: payloads.signature(secret=subscription.secret, body=body),
    }


# --- Delivering ---------------------------------------------------------------------------------


def dispatch(*, activity_id: int, space_id: int | None, verb: str) -> list[int]:
    """After an event committed: the active subscriptions that want it, one task each. Only
    ids travel; what is sent is decided when it is sent."""
    from intranet.webhooks import tasks

    wanted = (
        Q(space__isnull=True) if space_id is None else Q(space_id=space_id) | Q(space__isnull=True)
    )
    ids = list(
        Subscription.objects.filter(wanted, active=True, kinds__contains=[verb]).values_list(
            "pk", flat=True
        )
    )
    for subscription_id in ids:
        tasks.deliver_event.delay(subscription_id, activity_id)
    return ids


def start_delivery(*, subscription_id: int, activity_id: int) -> int | None:
    """The delivery row of an event for a subscription (made once; a task run twice finds
    it), or None when the subscription or the event is gone."""
    activity = Activity.objects.filter(pk=activity_id).values_list("verb", flat=True).first()
    if activity is None or not Subscription.objects.filter(pk=subscription_id).exists():
        return None
    delivery, _created = Delivery.objects.get_or_create(
        subscription_id=subscription_id,
        activity_id=activity_id,
        defaults={"kind": activity, "next_try_at": timezone.now()},
    )
    return delivery.pk


@dataclass(frozen=True)
class Outcome:
    status: str  # a DeliveryStatus, or "" when another worker had it
    retry_in: int | None = None  # seconds until the next attempt
    attempt: int = 0


def _finish(delivery: Delivery, **changes) -> None:
    for name, value in changes.items():
        setattr(delivery, name, value)
    delivery.save(update_fields=list(changes))


def attempt_delivery(*, delivery_id: int) -> Outcome:
    """One attempt at one delivery. Claims it first (a duplicate task finds it claimed), checks
    what may be sent, sends outside any transaction, then records the answer, schedules the
    next try or gives up, and counts the failure against the subscription."""
    delivery = (
        Delivery.objects.select_related("subscription__owner", "subscription__space")
        .filter(pk=delivery_id, status__in=OPEN)
        .first()
    )
    if delivery is None:
        return Outcome("")
    now = timezone.now()
    # The claim: only the worker that moves `attempts` on from what it read sends.
    claimed = Delivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, status__in=OPEN
    ).update(attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return Outcome("")
    delivery.attempts += 1
    delivery.last_attempt_at = now
    subscription = delivery.subscription
    if not subscription.active:
        _finish(
            delivery,
            status=DeliveryStatus.SKIPPED,
            error=_("The webhook was paused or switched off."),
            next_try_at=None,
        )
        return Outcome(DeliveryStatus.SKIPPED, attempt=delivery.attempts)
    with translation.override(_language(subscription.owner)):
        message, reason = compose(subscription=subscription, activity_id=delivery.activity_id)
        if message is None:
            _finish(delivery, status=DeliveryStatus.SKIPPED, error=reason[:300], next_try_at=None)
            return Outcome(DeliveryStatus.SKIPPED, attempt=delivery.attempts)
        try:
            body = payloads.render(
                message,
                format=subscription.format,
                delivery_id=delivery.pk,
                attempt=delivery.attempts,
            )
        except ValidationError as too_large:
            _finish(
                delivery,
                status=DeliveryStatus.FAILED,
                error=" ".join(too_large.messages)[:300],
                next_try_at=None,
            )
            return Outcome(DeliveryStatus.FAILED, attempt=delivery.attempts)
        answer = addresses.post(
            subscription.url,
            body=body,
            headers=_headers(subscription=subscription, body=body, delivery=delivery),
        )
    return _record(delivery=delivery, answer=answer)


def _record(*, delivery: Delivery, answer: addresses.Answer) -> Outcome:
    now = timezone.now()
    subscription = delivery.subscription
    common = {
        "status_code": answer.status,
        "response_excerpt": answer.excerpt[:500],
        "error": answer.error[:300],
        "duration_ms": answer.duration_ms,
    }
    if answer.ok:
        _finish(
            delivery, status=DeliveryStatus.DELIVERED, delivered_at=now, next_try_at=None, **common
        )
        # Every delivery of a burst would write the same row (and queue on its lock): write
        # it only when it says something new, or at most every few seconds.
        stale = subscription.last_attempt_at is None or (
            now - subscription.last_attempt_at > timedelta(seconds=SUBSCRIPTION_TOUCH_SECONDS)
        )
        if subscription.failure_count or subscription.last_status_code != answer.status or stale:
            Subscription.objects.filter(pk=subscription.pk).update(
                failure_count=0, last_attempt_at=now, last_status_code=answer.status
            )
        return Outcome(DeliveryStatus.DELIVERED, attempt=delivery.attempts)
    disabled = _count_failure(subscription_id=subscription.pk, answer=answer, now=now)
    if delivery.attempts <= len(RETRY_DELAYS) and not disabled:
        wait = RETRY_DELAYS[delivery.attempts - 1]
        _finish(
            delivery,
            status=DeliveryStatus.RETRYING,
            next_try_at=now + timedelta(seconds=wait),
            **common,
        )
        return Outcome(DeliveryStatus.RETRYING, retry_in=wait, attempt=delivery.attempts)
    _finish(delivery, status=DeliveryStatus.FAILED, next_try_at=None, **common)
    return Outcome(DeliveryStatus.FAILED, attempt=delivery.attempts)


def _failure_text(answer: addresses.Answer) -> str:
    if answer.status is not None:
        return _("HTTP %(code)d") % {"code": answer.status}
    return answer.error


def _count_failure(*, subscription_id: int, answer: addresses.Answer, now) -> bool:
    """One more failed attempt in a row; at the limit the webhook switches itself off (audited,
    the owner is told by email). Returns whether it is off now."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .select_related("owner")
            .filter(pk=subscription_id)
            .first()
        )
        if subscription is None:
            return True
        subscription.failure_count += 1
        subscription.last_attempt_at = now
        subscription.last_status_code = answer.status
        fields = ["failure_count", "last_attempt_at", "last_status_code"]
        if subscription.active and subscription.failure_count >= disable_after():
            subscription.active = False
            subscription.disabled_at = now
            with translation.override(_language(subscription.owner)):
                subscription.disabled_reason = (
                    _("Switched off after %(n)d failed attempts in a row (last: %(last)s).")
                    % {"n": subscription.failure_count, "last": _failure_text(answer)}
                )[:300]
            fields += ["active", "disabled_at", "disabled_reason"]
            audit.record(
                actor=None,
                action="webhook.disabled",
                target=subscription,
                after={"failures": subscription.failure_count, "status": answer.status},
                reason=subscription.disabled_reason,
            )
            pk = subscription.pk
            transaction.on_commit(lambda: _tell_owner(pk), robust=True)
        subscription.save(update_fields=fields)
        return not subscription.active


def _tell_owner(subscription_id: int) -> None:
    from intranet.webhooks import tasks

    tasks.email_disabled.delay(subscription_id)


def send_ping(*, actor, subscription_id) -> Delivery:
    """Send a test message now, while the person waits (a shorter timeout), paused or not;
    it shows in the log and does not count towards switching the webhook off."""
    subscription = selectors.access_subscription(user=actor, subscription_id=subscription_id)
    if not cache.add(f"webhooks:ping:{subscription.pk}", 1, timeout=PING_SECONDS):
        raise ValidationError(_("A test was just sent; wait a few seconds before the next."))
    delivery = Delivery.objects.create(
        subscription=subscription, kind=payloads.PING, attempts=1, last_attempt_at=timezone.now()
    )
    with translation.override(_language(subscription.owner)):
        body = payloads.render(
            ping_message(subscription=subscription),
            format=subscription.format,
            delivery_id=delivery.pk,
            attempt=1,
        )
        answer = addresses.post(
            subscription.url,
            body=body,
            headers=_headers(subscription=subscription, body=body, delivery=delivery),
            wait=PING_TIMEOUT,
        )
    _finish(
        delivery,
        status=DeliveryStatus.DELIVERED if answer.ok else DeliveryStatus.FAILED,
        delivered_at=timezone.now() if answer.ok else None,
        status_code=answer.status,
        response_excerpt=answer.excerpt[:500],
        error=answer.error[:300],
        duration_ms=answer.duration_ms,
    )
    return delivery


def due_deliveries(*, limit: int = 1000) -> list[int]:
    """Deliveries whose next try is due (their task may have been lost: a broker restart)."""
    cutoff = timezone.now() - timedelta(minutes=5)
    return list(
        Delivery.objects.filter(status__in=OPEN, next_try_at__lte=cutoff)
        .order_by("next_try_at")
        .values_list("pk", flat=True)[:limit]
    )
