"""One rate limit for every write and for the API (README, "Rate limits").

A service calls `guard(user=..., action=...)` right before it writes; the API counts every
request through `ApiThrottle`. Both ask the same limiter: a moving window per person and budget
in Redis, counted by the `limits` library with one Lua script that checks and counts in a single
step, so two requests at the same moment can never both take the last place (the old
check-then-count after commit could).

Limits depend on who is writing (settings.PLEIN_RATE_LIMITS): a budget (`write`, `reaction`,
`report`, ...) has a limit per tier, and a person's tier is the first that applies of
`staff` (administrators, community managers, moderators), `new` (joined less than
PLEIN_NEW_ACCOUNT_DAYS ago), `guest` and `member`. A tier left out of a budget, or a budget set
to {}, is not limited. A refused write raises `RateLimited`, a ValidationError: forms show its
message where they show other refusals, the API answers 429, and `RetryAfterMiddleware` adds
Retry-After to whatever response carries the refusal.

A refusal costs the write nothing, but a counted write that fails afterwards still counts:
services call `guard` after their own checks, so that is rare (a database error)."""

from __future__ import annotations

import contextvars
import math
import time
from contextlib import contextmanager
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter
from rest_framework.throttling import BaseThrottle

from intranet.core.client_ip import client_ip

# What each write counts against. Content others read shares one budget, so a flood cannot
# move from questions to comments to cards; the smaller acts have budgets of their own.
ACTIONS = {
    "topic": "write",
    "answer": "write",
    "comment": "write",
    "post": "write",
    "article": "write",
    "suggestion": "write",
    "story": "write",
    "card": "write",
    "pain_point": "write",
    "exception_report": "write",
    "idea": "write",
    "signal": "write",
    "reaction": "reaction",
    "vote": "reaction",
    "support": "reaction",
    "report": "report",
    "invitation": "invitation",
    "endorsement": "endorsement",
    "ask_to_answer": "ask",
}
TIERS = ("staff", "new", "guest", "member")
API_BUDGET = "api"

# The refusals of the current request, for RetryAfterMiddleware. A list set per request, so a
# refusal in a service reaches the middleware whatever thread or context the view ran in.
_refusals: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "plein_rate_refusals", default=None
)

# Trusted batch work (the demo organisation's seed) writes faster than any person: see unlimited().
_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "plein_rate_suspended", default=False
)


@contextmanager
def unlimited():
    """Writes inside are not counted: for trusted batch work that writes on people's behalf
    (the demo seed), never for anything a request starts."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


class RateLimited(ValidationError):
    """A write refused because its budget is used up; `retry_after` is in whole seconds."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, code="rate_limited")
        self.retry_after = retry_after


@cache
def _storage(url: str, prefix: str) -> RedisStorage:
    # Our own prefix, so a test run or a second installation on the same Redis counts apart
    # (and the tests' per-test clean-up, which removes "<prefix>:*", resets the counters).
    return RedisStorage(
        url, key_prefix=f"{prefix}:ratelimit", socket_connect_timeout=3, socket_timeout=3
    )


def _limiter() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(_storage(settings.REDIS_URL, settings.REDIS_PREFIX))


@cache
def _parsed(rate: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(rate))


def tier(user) -> str:
    """The tier whose limits apply to `user` (see the module's docstring)."""
    role = getattr(user, "org_role", None)
    if getattr(user, "is_superuser", False) or role in (
        "administrator",
        "community_manager",
        "moderator",
    ):
        return "staff"
    joined = getattr(user, "date_joined", None)
    days = settings.PLEIN_NEW_ACCOUNT_DAYS
    if joined is not None and joined > timezone.now() - timedelta(days=days):
        return "new"
    return "guest" if role == "guest" else "member"


def limits_for(*, budget: str, tier_name: str) -> tuple[RateLimitItem, ...]:
    rate = (settings.PLEIN_RATE_LIMITS.get(budget) or {}).get(tier_name)
    return _parsed(rate) if rate else ()


def _take(*, budget: str, tier_name: str, who: str) -> tuple[RateLimitItem, int] | None:
    """Count one use of `budget` by `who`; None when allowed, else the limit that refused and
    the seconds until it has room again. Several windows (10/minute;100/day) are each checked,
    the shortest first, so a refusal by the minute does not spend a place of the day."""
    limiter = _limiter()
    for item in sorted(
        limits_for(budget=budget, tier_name=tier_name), key=lambda i: i.get_expiry()
    ):
        if not limiter.hit(item, budget, tier_name, who):
            reset = limiter.get_window_stats(item, budget, tier_name, who).reset_time
            return item, max(1, math.ceil(reset - time.time()))
    return None


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def _period_text(item: RateLimitItem) -> str:
    """'hour' or '5 minutes': what follows "per" in a refusal."""
    unit = item.GRANULARITY.name
    n = item.multiples
    if n == 1:
        return {
            "second": _("second"),
            "minute": _("minute"),
            "hour": _("hour"),
            "day": _("day"),
            "month": _("month"),
            "year": _("year"),
        }[unit]
    return {
        "second": ngettext("%(n)d second", "%(n)d seconds", n),
        "minute": ngettext("%(n)d minute", "%(n)d minutes", n),
        "hour": ngettext("%(n)d hour", "%(n)d hours", n),
        "day": ngettext("%(n)d day", "%(n)d days", n),
        "month": ngettext("%(n)d month", "%(n)d months", n),
        "year": ngettext("%(n)d year", "%(n)d years", n),
    }[unit] % {"n": n}


def _message(*, budget: str, item: RateLimitItem, retry_after: int) -> str:
    n = item.amount
    what = {
        "write": ngettext(
            "You have reached the limit of %(n)d contribution per %(period)s (questions, "
            "answers, comments, posts, articles, stories, cards and reports together).",
            "You have reached the limit of %(n)d contributions per %(period)s (questions, "
            "answers, comments, posts, articles, stories, cards and reports together).",
            n,
        ),
        "reaction": ngettext(
            "You have reached the limit of %(n)d reaction or vote per %(period)s.",
            "You have reached the limit of %(n)d reactions and votes per %(period)s.",
            n,
        ),
        "report": ngettext(
            "You have reached the limit of %(n)d report per %(period)s.",
            "You have reached the limit of %(n)d reports per %(period)s.",
            n,
        ),
        "invitation": ngettext(
            "You have reached the limit of %(n)d invitation per %(period)s.",
            "You have reached the limit of %(n)d invitations per %(period)s.",
            n,
        ),
        "endorsement": ngettext(
            "You have reached the limit of %(n)d endorsement per %(period)s.",
            "You have reached the limit of %(n)d endorsements per %(period)s.",
            n,
        ),
        "ask": ngettext(
            "You have reached the limit of %(n)d request to answer per %(period)s.",
            "You have reached the limit of %(n)d requests to answer per %(period)s.",
            n,
        ),
        API_BUDGET: ngettext(
            "You have reached the limit of %(n)d API request per %(period)s.",
            "You have reached the limit of %(n)d API requests per %(period)s.",
            n,
        ),
    }.get(budget) or ngettext(
        "You have reached the limit of %(n)d time per %(period)s.",
        "You have reached the limit of %(n)d times per %(period)s.",
        n,
    )
    return " ".join(
        [
            what % {"n": n, "period": _period_text(item)},
            _("Try again in %(wait)s.") % {"wait": _wait_text(retry_after)},
        ]
    )


def guard(*, user, action: str) -> None:
    """Count one `action` by `user` against its budget, or raise RateLimited (nothing counted
    for the refused write). Call it in the service, after its own checks, before writing."""
    budget = ACTIONS[action]
    if _suspended.get():
        return
    tier_name = tier(user)
    refused = _take(budget=budget, tier_name=tier_name, who=str(user.pk))
    if refused is None:
        return
    item, retry_after = refused
    error = RateLimited(
        _message(budget=budget, item=item, retry_after=retry_after), retry_after=retry_after
    )
    holder = _refusals.get()
    if holder is not None:
        holder.append(error)
    raise error


class ApiThrottle(BaseThrottle):
    """DRF throttling through the same limiter: every API request counts against the `api`
    budget of the person (or, signed out, of the client address as our proxies report it)."""

    def allow_request(self, request, view) -> bool:
        user = request.user
        key_id = getattr(request.auth, "key_id", None)
        if key_id is not None:
            # Each access token has its own budget (at its person's tier), so one runaway
            # script does not use up the person's own API budget or another script's.
            tier_name, who = tier(user), f"token:{key_id}"
        elif user is not None and user.is_authenticated:
            tier_name, who = tier(user), str(user.pk)
        else:
            tier_name, who = "anonymous", f"ip:{client_ip(request)}"
        refused = _take(budget=API_BUDGET, tier_name=tier_name, who=who)
        self._wait = None
        if refused is None:
            return True
        item, self._wait = refused
        self.message = _message(budget=API_BUDGET, item=item, retry_after=self._wait)
        return False

    def wait(self) -> float | None:
        return self._wait

    def get_ident(self, request) -> str:
        return client_ip(request)


class RetryAfterMiddleware:
    """A page or API call whose write was refused by a limit says so in its status and says
    when to try again (Retry-After). htmx requests keep their status, because htmx swaps only
    successful answers and the refusal's message must still appear where the user acted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        holder: list[RateLimited] = []
        token = _refusals.set(holder)
        try:
            response = self.get_response(request)
        finally:
            _refusals.reset(token)
        if holder:
            response["Retry-After"] = str(max(error.retry_after for error in holder))
            if response.status_code in (200, 400) and not request.headers.get("HX-Request"):
                response.status_code = 429
                response.reason_phrase = "Too Many Requests"
        return response
