"""New accounts post at a limited pace: a fresh account cannot flood the intranet, while a
colleague who has been here a while never meets the limit. Counted in Redis (the cache), per
clock hour."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _


def _limits() -> tuple[int, int]:
    return settings.PLEIN_NEW_ACCOUNT_DAYS, settings.PLEIN_NEW_ACCOUNT_POSTS_PER_HOUR


def _is_new(user) -> bool:
    days, _per_hour = _limits()
    joined = getattr(user, "date_joined", None)
    return joined is not None and joined > timezone.now() - timedelta(days=days)


def _key(user, now) -> str:
    return f"ratelimit:post:{user.pk}:{now:%Y%m%d%H}"


def guard_post(*, user, field: str = "body") -> None:
    """Refuse a post by a new account that has used up this hour's posts; otherwise count it
    once the caller's transaction commits (a refused or failed post costs nothing)."""
    if not _is_new(user):
        return
    _days, per_hour = _limits()
    now = timezone.now()
    key = _key(user, now)
    if (cache.get(key) or 0) >= per_hour:
        minutes = 60 - now.minute
        raise ValidationError(
            {
                field: _(
                    "New accounts may post %(n)d times an hour. Try again in %(minutes)d minutes."
                )
                % {"n": per_hour, "minutes": minutes}
            }
        )

    def count() -> None:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=3600)

    transaction.on_commit(count)
