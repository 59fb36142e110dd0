"""What a token may do: read or write, everywhere or in one area of the API.

Scopes are `read`, `write` (every area), `<area>:read` and `<area>:write`. Writing includes
reading the same area. An area is the app that serves the endpoint; a token never reaches the
pages, and never manages tokens (that takes a signed-in person)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AREAS = {
    "people": _("People and profiles"),
    "spaces": _("Spaces and members"),
    "feed": _("Feed and notifications"),
    "search": _("Search"),
    "forums": _("Questions and discussions"),
    "knowledge": _("Knowledge base"),
    "processes": _("Process boards"),
    "recognition": _("Recognition and success stories"),
    "insights": _("Insights"),
    "webhooks": _("Webhooks"),
    "signals": _("Signals and ideas"),
}
# The module that serves an endpoint, to its area (api.py modules; see area_of()).
MODULE_AREAS = {
    "profiles": "people",
    "intranet.governance": "spaces",
    "intranet.activity": "feed",
    "intranet.search": "search",
    "forums": "forums",
    "knowledge": "knowledge",
    "processes": "processes",
    "gamification": "recognition",
    "insights": "insights",
    "intranet.webhooks": "webhooks",
    "intranet.signals": "signals",
    # The schema and its docs: any token may read what the API offers.
    "drf_spectacular.views": "schema",
}
LEVELS = ("read", "write")
ALL = frozenset(LEVELS) | {f"{area}:{level}" for area in AREAS for level in LEVELS}


def choices() -> list[tuple[str, str]]:
    """The scopes as a form offers them: everything first, then per area."""
    found = [("read", _("Read everything you can see")), ("write", _("Read and write everywhere"))]
    for area, label in AREAS.items():
        found.append((f"{area}:read", _("%(area)s: read") % {"area": label}))
        found.append((f"{area}:write", _("%(area)s: read and write") % {"area": label}))
    return found


def unknown(scopes) -> list[str]:
    return sorted({str(scope) for scope in scopes} - ALL)


def area_of(view) -> str | None:
    """The area of an API view, from the module it lives in; None for one in no area (only
    the `read` and `write` scopes reach it)."""
    module = type(view).__module__.removesuffix(".api")
    return MODULE_AREAS.get(module)


def allows(scopes, *, area: str | None, write: bool) -> bool:
    granted = set(scopes)
    if area == "schema" and not write:
        return True
    if write:
        return "write" in granted or (area is not None and f"{area}:write" in granted)
    if granted & {"read", "write"}:
        return True
    return area is not None and bool(granted & {f"{area}:read", f"{area}:write"})
