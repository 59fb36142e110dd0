"""Who may see, raise, support, answer and re-assign signals, and loading them for a person
(DESIGN.md, "Governance: one place decides"). A signal is seen by those who may read the content
it was raised on (its source decides), its owner included: an owner who loses access to the
content no longer sees the signal either, and the follow-up page shows it as unassigned work
for administrators."""

from __future__ import annotations

from django.http import Http404

from intranet.governance import permissions
from intranet.governance.access import object_id
from intranet.governance.constants import Action
from intranet.signals import sources
from intranet.signals.models import Idea, Signal


def signals_readable_by(user):
    if not permissions.is_active(user):
        return Signal.objects.none()
    return Signal.objects.filter(sources.readable_q(user))


def access_signal(*, user, signal_id) -> Signal:
    """The signal if `user` may see it, else 404 (never confirm what one may not see)."""
    found = (
        signals_readable_by(user)
        .select_related("owner", "raised_by", "space", "department")
        .filter(pk=object_id(signal_id))
        .first()
    )
    if found is None:
        raise Http404
    return found


def may_answer(*, user, signal: Signal) -> bool:
    return permissions.is_active(user) and (
        user.pk == signal.owner_id or permissions.is_administrator(user)
    )


def may_assign(*, user, signal: Signal) -> bool:
    """The owner hands it on; administrators and the space's moderators assign unowned ones."""
    if may_answer(user=user, signal=signal):
        return True
    return signal.space is not None and permissions.can(user, Action.MODERATE, signal.space)


def may_raise(*, user, found: sources.Found, space) -> bool:
    """The content's author, or a moderator of its space."""
    if not permissions.is_active(user) or permissions.is_guest(user):
        return False
    return found.author_id == user.pk or (
        space is not None and permissions.can(user, Action.MODERATE, space)
    )


def may_read(*, user, source: str, object_id_: int) -> bool:
    return object_id_ in sources.load(source, [object_id_], user=user)


def access_idea(*, user, idea_id) -> Idea:
    found = (
        Idea.objects.readable_by(user)
        .select_related("author", "space")
        .filter(pk=object_id(idea_id))
        .first()
    )
    if found is None or not permissions.is_active(user):
        raise Http404
    return found


def may_post_idea(*, user, space) -> bool:
    """Everyone who may post in the space may drop an idea in its box."""
    return permissions.is_active(user) and permissions.can(user, Action.POST, space)
