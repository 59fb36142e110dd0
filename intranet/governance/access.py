"""What every app's access module (`<app>/access.py`) is built from (DESIGN.md, "Governance:
one place decides").

Content lives in a space. A user may list or load it when they may read that space: its
visibility, their membership, the space's effective View (a narrowed View counts everywhere)
and the module switch, as `permissions.content_filter` decides. Apps declare which module
their content belongs to and how a row reaches its space; the querysets and loaders here do
the rest, so "may this person see this?" is answered in one place.
"""

from __future__ import annotations

from django.db import models
from django.http import Http404

from intranet.governance import permissions
from intranet.governance.constants import Action


def object_id(raw) -> int:
    """An id from a URL, a form or JSON. Malformed ids answer the same 404 as missing and
    forbidden ones, so no response tells them apart."""
    if isinstance(raw, bool):
        raise Http404
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 18:
        value = int(raw)
    else:
        raise Http404
    if not 0 < value < 2**63:
        raise Http404
    return value


class ReadableQuerySet(models.QuerySet):
    """A content model's queryset with `readable_by(user)`: rows in spaces the user may read
    with the app's module switched on, and not hidden by a moderator.

    Subclasses set `module` (a governance Module), and, when the row does not have a `space`
    of its own, `space_path` (the lookup to it, e.g. "topic__space"); `hidden_path` names
    the moderation mark that keeps a row (or what it belongs to) out of lists."""

    module: str | None = None
    space_path: str = "space"
    # Rows a moderator hid stay out of every list (their own pages decide who still sees one).
    hidden_path: str | None = None

    def readable_by(self, user):
        from intranet.governance.selectors import readable_space_ids

        # Ids rather than a subquery: the planner misjudges how many spaces have a module and
        # walks every space's rows instead of using the row's own indexes. The ids are read
        # once per request, however many lists ask.
        spaces = readable_space_ids(user=user, module=self.module)
        rows = self.filter(**{f"{self.space_path}_id__in": spaces})
        if self.hidden_path:
            rows = rows.filter(**{f"{self.hidden_path}__isnull": True})
        return rows


def space_access(*, user, space, module: str | None, action: str = Action.VIEW):
    """The user's access to the space a loaded row lives in, or 404: the module must be on and
    the user must may `action` (VIEW first: nobody acts on what they cannot see)."""
    if space is None or (module is not None and module not in (space.modules or [])):
        raise Http404
    access = permissions.access_for(user, space)
    if not access.can(Action.VIEW) or not access.can(action):
        raise Http404
    return access


def unless_hidden(*, obj, user, access, author_field: str = "author_id") -> None:
    """A hidden row is still there for the moderators of its space and for its author (who
    sees why); for everyone else it does not exist."""
    if getattr(obj, "hidden_at", None) is None:
        return
    if getattr(obj, author_field, None) == user.pk or access.can(Action.MODERATE):
        return
    raise Http404
