"""Digest writes: preferences, the one-click unsubscribe, planning who is due (beat), and
sending one person's digest exactly once.

Exactly once: planning inserts one DigestSend row per person and period (unique), however many
beats run at once. Sending first claims the row in one UPDATE that only a pending row (or one
whose sender vanished SENDING_LEASE ago) passes, so a duplicate task finds nothing to do; the
row is marked sent in the same breath as the SMTP server accepts the message. A row that is
still pending later is queued again by the next beat, so nobody is skipped."""

from __future__ import annotations

import datetime
import logging
import smtplib
import zoneinfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intranet.digests import selectors
from intranet.digests.models import (
    DEFAULT_TIME_ZONE,
    DigestPreference,
    DigestSend,
    Frequency,
    SendStatus,
)
from intranet.governance import audit, permissions

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "plein.digests.unsubscribe"
SENDING_LEASE = datetime.timedelta(minutes=10)
# A beat that was down catches up with slots this far back; older ones are skipped.
CATCH_UP = datetime.timedelta(hours=20)
REQUEUE_AFTER = datetime.timedelta(minutes=10)
BATCH = 200


# --- Preferences and unsubscribe ---------------------------------------------------------------


def set_preferences(*, user, frequency: str, weekday, hour, time_zone: str) -> DigestPreference:
    errors = {}
    if frequency not in Frequency.values:
        errors["frequency"] = _("Choose off, daily or weekly.")
    try:
        weekday, hour = int(weekday), int(hour)
        if not 0 <= weekday <= 6 or not 0 <= hour <= 23:
            raise ValueError
    except (TypeError, ValueError):
        errors["hour"] = _("Choose a day of the week and an hour from 0 to 23.")
    if time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = _("Choose a time zone from the list.")
    if errors:
        raise ValidationError(errors)
    found, _created = DigestPreference.objects.update_or_create(
        user=user,
        defaults={"frequency": frequency, "weekday": weekday, "hour": hour,
                  "time_zone": time_zone},
    )  # fmt: skip
    return found


def unsubscribe_token(*, user) -> str:
    version = (
        DigestPreference.objects.filter(user=user).values_list("token_version", flat=True).first()
        or 0
    )
    return signing.dumps({"u": user.pk, "v": version}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, user) -> str:
    token = unsubscribe_token(user=user)
    return settings.SITE_URL.rstrip("/") + reverse("digests:unsubscribe", args=[token])


def read_token(token: str) -> tuple[int, int]:
    """(user id, version) of a genuine token; ValidationError for anything else."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["u"]), int(data["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise ValidationError(_("This unsubscribe link is not valid.")) from error


def unsubscribe(*, token: str):
    """Switch the digest off for the person the link was made for, and nothing else. The
    link works once: the version it carries is bumped, so replaying it is refused."""
    from django.contrib.auth import get_user_model

    user_id, version = read_token(token)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError(_("This unsubscribe link is not valid."))
    with transaction.atomic():
        found, _created = DigestPreference.objects.select_for_update().get_or_create(user=user)
        if found.token_version != version:
            raise ValidationError(
                _("This link has been used already. Change your digest in your preferences.")
            )
        found.frequency = Frequency.OFF
        found.token_version = F("token_version") + 1
        found.save(update_fields=["frequency", "token_version", "updated_at"])
    return user


# --- Planning ------------------------------------------------------------------------------------


def slot(*, preference: DigestPreference, now: datetime.datetime) -> datetime.datetime | None:
    """The latest moment at or before `now` this person's digest was due, in UTC."""
    if preference.frequency == Frequency.OFF:
        return None
    try:
        zone = zoneinfo.ZoneInfo(preference.time_zone or DEFAULT_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)
    local = now.astimezone(zone)
    due = local.replace(hour=preference.hour, minute=0, second=0, microsecond=0)
    if preference.frequency == Frequency.WEEKLY:
        due -= datetime.timedelta(days=(local.weekday() - preference.weekday) % 7)
    if due > local:
        due -= datetime.timedelta(days=7 if preference.frequency == Frequency.WEEKLY else 1)
    # Build the wall-clock time again in the zone: across a DST change the offset differs.
    due = due.replace(tzinfo=None).replace(tzinfo=zone)
    return due.astimezone(datetime.UTC)


def period_key(*, preference: DigestPreference, due: datetime.datetime) -> str:
    return f"{preference.frequency}:{due.strftime('%Y-%m-%dT%H')}"


def plan(*, now: datetime.datetime | None = None) -> list[int]:
    """Who is due now: insert their DigestSend rows (once, whatever runs at the same time) and
    return the rows to send: new ones, and earlier ones still waiting (a task lost with a
    worker) or stuck sending past the lease. People are grouped by their choice, so this costs
    a few queries per distinct (frequency, day, hour, time zone), not per person."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    # Service accounts have a made-up address (….invalid): an integration reads no digest.
    users = get_user_model().objects.listed().exclude(email="")
    choices = {
        (p.frequency, p.weekday, p.hour, p.time_zone): p
        for p in DigestPreference.objects.exclude(frequency=Frequency.OFF).distinct(
            "frequency", "weekday", "hour", "time_zone"
        ).order_by("frequency", "weekday", "hour", "time_zone")
    }  # fmt: skip
    default = DigestPreference()
    rows = []
    for key, preference in [*choices.items(), (None, default)]:
        due = slot(preference=preference, now=now)
        if due is None or now - due > CATCH_UP:
            continue
        if key is None:
            group = users.filter(digest_preference__isnull=True)
        else:
            frequency, weekday, hour, zone = key
            group = users.filter(
                digest_preference__frequency=frequency,
                digest_preference__weekday=weekday,
                digest_preference__hour=hour,
                digest_preference__time_zone=zone,
            )
        period = period_key(preference=preference, due=due)
        rows.extend(
            DigestSend(user_id=user_id, period=period, due_at=due)
            for user_id in group.values_list("pk", flat=True)
        )
    if rows:
        DigestSend.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    waiting = DigestSend.objects.filter(due_at__gt=now - CATCH_UP, due_at__lte=now).filter(
        models_q_waiting(now)
    )
    ids = list(waiting.values_list("pk", flat=True))
    DigestSend.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


def models_q_waiting(now):
    from django.db.models import Q

    return (
        Q(status=SendStatus.PENDING, queued_at__isnull=True)
        | Q(status=SendStatus.PENDING, queued_at__lt=now - REQUEUE_AFTER)
        | Q(status=SendStatus.SENDING, claimed_at__lt=now - SENDING_LEASE)
    )


# --- Sending -------------------------------------------------------------------------------------


def claim(*, send_id: int) -> DigestSend | None:
    """Take the row for this worker, or None when someone else has it or it is done."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE digests_digestsend
               SET status = 'sending', claimed_at = %s, attempts = attempts + 1
             WHERE id = %s
               AND (status = 'pending' OR (status = 'sending' AND claimed_at < %s))
            RETURNING id
            """,
            [now, send_id, now - SENDING_LEASE],
        )
        if cursor.fetchone() is None:
            return None
    return DigestSend.objects.select_related("user").get(pk=send_id)


def render(*, user, digest: selectors.Digest, unsubscribe: str) -> tuple[str, str, str]:
    """(subject, text, html) in the person's language and time zone."""
    preference = selectors.preference_of(user)
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(selectors.time_zone_of(preference)):
        context = {
            "user": user,
            "digest": digest,
            "site_url": settings.SITE_URL.rstrip("/"),
            "unsubscribe_url": unsubscribe,
            "preferences_url": settings.SITE_URL.rstrip("/") + reverse("digests:preferences"),
            "weekly": preference.frequency == Frequency.WEEKLY,
        }
        subject = render_to_string("digests/email/subject.txt", context).strip()
        text = render_to_string("digests/email/digest.txt", context)
        html = render_to_string("digests/email/digest.html", context)
    return subject, text, html


def message_for(*, user, digest: selectors.Digest):
    from django.core.mail import EmailMultiAlternatives

    unsubscribe = unsubscribe_url(user=user)
    subject, text, html = render(user=user, digest=digest, unsubscribe=unsubscribe)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            # RFC 8058: mail clients offer "unsubscribe" and POST to the link, no sign-in.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


class RetryLater(Exception):
    """The mail server could not take the message now: the task retries with backoff."""


def deliver(*, send_id: int, final_attempt: bool = False) -> str:
    """Compose and send one claimed row; returns the status it ends in. The SMTP server
    refusing the address fails the row at once (retrying will not help); a server that is
    down or drops the connection puts it back to pending and asks for a retry (RetryLater),
    unless this was the last attempt."""
    row = claim(send_id=send_id)
    if row is None:
        return "skipped"
    user = row.user
    since = row.since or selectors.window_start(user=user, until=row.due_at)
    if not user.is_active or selectors.is_off(user):
        return _finish(row, SendStatus.EMPTY, since=since)
    digest = selectors.compose(user=user, since=since, until=row.due_at)
    errors = "\n".join(digest.errors)
    if digest.count == 0:
        return _finish(row, SendStatus.EMPTY, since=since, error=errors)
    try:
        message = message_for(user=user, digest=digest)
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        return _finish(row, SendStatus.FAILED, since=since, error=f"refused: {error}")
    except (smtplib.SMTPException, OSError) as error:
        if final_attempt:
            return _finish(row, SendStatus.FAILED, since=since, error=f"{error!r}")
        _finish(row, SendStatus.PENDING, since=since, error=f"{error!r}")
        raise RetryLater(str(error)) from error
    except Exception as error:
        # A template error, say: report it on the row for administrators.
        logger.exception("digest %s for user %s failed", row.pk, user.pk)
        return _finish(row, SendStatus.FAILED, since=since, error=f"{error!r}")
    return _finish(row, SendStatus.SENT, since=since, count=digest.count, error=errors)


def _finish(row, status: str, *, since, count: int = 0, error: str = "") -> str:
    DigestSend.objects.filter(pk=row.pk).update(
        status=status,
        since=since,
        item_count=count,
        error=error[:4000],
        sent_at=timezone.now() if status == SendStatus.SENT else None,
        queued_at=None if status == SendStatus.PENDING else F("queued_at"),
    )
    return status


# --- Administrators ------------------------------------------------------------------------------


def preview(*, actor, user) -> tuple[selectors.Digest, str, str, str]:
    """What `user` would get now: administrators only, and each look is in the audit log
    (a digest shows what someone may see)."""
    if not permissions.is_administrator(actor):
        raise PermissionDenied
    now = timezone.now()
    digest = selectors.compose(
        user=user, since=selectors.window_start(user=user, until=now), until=now
    )
    subject, text, html = render(user=user, digest=digest, unsubscribe="#")
    audit.record(actor=actor, action="digest.preview", target=user, before=None, after=None)
    return digest, subject, text, html


def send_test(*, actor) -> int:
    """Send my own next digest to me now (empty or not: the test is the email); not counted as
    a period's digest."""
    if not permissions.is_active(actor) or not actor.email:
        raise PermissionDenied
    now = timezone.now()
    digest = selectors.compose(
        user=actor, since=selectors.window_start(user=actor, until=now), until=now
    )
    message_for(user=actor, digest=digest).send()
    return digest.count
