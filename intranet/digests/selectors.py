"""Composing a digest: per section what the person may see now, ranked and capped; nothing at
all means no email. A section that fails is left out and reported, the rest still goes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation

from intranet.digests import registry
from intranet.digests.models import (
    DEFAULT_TIME_ZONE,
    DigestPreference,
    DigestSend,
    Frequency,
    SendStatus,
)

logger = logging.getLogger(__name__)

PER_SECTION = 5
TOTAL = 25


@dataclass
class Digest:
    since: datetime
    until: datetime
    sections: list[tuple[registry.Section, list[registry.Item]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(items) for _section, items in self.sections)


def preference_of(user) -> DigestPreference:
    """The stored choice, or the default (weekly, Monday 08:00, Amsterdam) unsaved."""
    found = DigestPreference.objects.filter(user=user).first()
    return found or DigestPreference(user=user)


def window_start(*, user, until: datetime) -> datetime:
    """Since the last digest that went out; for a first digest, the last week (never before
    the person joined)."""
    last = (
        DigestSend.objects.filter(user=user, status__in=[SendStatus.SENT, SendStatus.EMPTY])
        .exclude(due_at__gte=until)
        .order_by("-due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    if last is not None:
        return last
    return max(until - timedelta(days=7), user.date_joined)


def compose(*, user, since: datetime, until: datetime) -> Digest:
    """In the reader's language: the sections write their lines (a notification, "you earned
    40 points") as they collect them."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return _compose(user=user, since=since, until=until)


def _compose(*, user, since: datetime, until: datetime) -> Digest:
    digest = Digest(since=since, until=until)
    found = []
    for section in registry.sections():
        try:
            items = section.collect(user=user, since=since, until=until, limit=PER_SECTION)
        except Exception as error:
            # One broken section must not cost the person their digest, nor anyone else theirs.
            logger.exception("digest section %s failed for user %s", section.key, user.pk)
            digest.errors.append(f"{section.key}: {type(error).__name__}: {error}")
            continue
        items = sorted(items, key=lambda item: -item.score)[:PER_SECTION]
        if items:
            found.append((section, items))
    # Cap the whole: sections come in their order, the last ones give way first.
    budget = TOTAL
    for section, items in found:
        kept = items[: max(budget, 0)]
        budget -= len(kept)
        if kept:
            digest.sections.append((section, kept))
    return digest


def is_off(user) -> bool:
    return preference_of(user).frequency == Frequency.OFF


def time_zone_of(preference: DigestPreference) -> str:
    return preference.time_zone or DEFAULT_TIME_ZONE


def recent_sends(*, limit: int = 50):
    return DigestSend.objects.select_related("user").order_by("-created_at")[:limit]


def failed_sends(*, limit: int = 100):
    return (
        DigestSend.objects.filter(status=SendStatus.FAILED)
        .select_related("user")
        .order_by("-due_at")[:limit]
    )


def status_counts(*, days: int = 7) -> dict[str, int]:
    from django.db.models import Count

    since = timezone.now() - timedelta(days=days)
    return dict(
        DigestSend.objects.filter(due_at__gte=since)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
