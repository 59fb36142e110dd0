"""Writes of moderation: report, hide, restore, dismiss. Each checks the rights of the space
the content lives in (governance decides who moderates), writes in one transaction, leaves an
audit entry and publishes its event (the author hears why; moderators hear of reports)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import events
from intranet.core import ratelimit
from intranet.governance import audit, permissions
from intranet.governance.constants import Action
from intranet.moderation import events as ev
from intranet.moderation import registry
from intranet.moderation.models import Report

NOTE_MAX = 1000
REASON_MIN, REASON_MAX = 5, 500


def _target(kind: str, object_id: int, user, *, action: str = Action.VIEW):
    """The content and its kind, when `user` may do `action` in its space; else refused as
    not found."""
    spec = registry.get(kind)
    target = registry.load(kind, object_id) if spec else None
    if target is None or not permissions.access_for(user, target.space).can(action):
        raise PermissionDenied
    return spec, target


def is_hidden(target) -> bool:
    """Hidden by a moderator or withdrawn by its author. Asked of the fields every kind has
    (registry: hidden_at, hidden_by, hidden_reason), not of a property some models lack."""
    return target.hidden_at is not None


def may_moderate(*, user, space) -> bool:
    return permissions.access_for(user, space).can(Action.MODERATE)


def report(*, reporter, kind: str, object_id: int, reason: str, note: str = "") -> Report:
    """A reader flags content for the moderators of its space."""
    _spec, target = _target(kind, object_id, reporter)
    if is_hidden(target):
        raise PermissionDenied
    errors = {}
    if reason not in Report.Reason.values:
        errors["reason"] = _("Choose a reason.")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = _("Keep it under %(n)d characters.") % {"n": NOTE_MAX}
    if reason == Report.Reason.OTHER and not note:
        errors["note"] = _("Say what is wrong.")
    if target.author_id == reporter.pk:
        errors["reason"] = _("You cannot report your own post; edit it instead.")
    if errors:
        raise ValidationError(errors)
    ratelimit.guard(user=reporter, action="report")
    with transaction.atomic():
        if Report.objects.filter(
            kind=kind, object_id=object_id, reporter=reporter, status=Report.Status.OPEN
        ).exists():
            raise ValidationError({"reason": _("You have reported this already.")})
        created = Report.objects.create(
            kind=kind,
            object_id=object_id,
            space_id=target.space.pk,
            reporter=reporter,
            reason=reason,
            note=note,
        )
        events.publish(
            ev.ContentReported(
                report_id=created.pk,
                kind=kind,
                object_id=object_id,
                space_id=target.space.pk,
                reporter_id=reporter.pk,
                url=target.get_absolute_url(),
            )
        )
    return created


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise ValidationError(
            {
                "reason": _("Say why in at least %(n)d characters: the author reads it.")
                % {"n": REASON_MIN}
            }
        )
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep it under %(n)d characters.") % {"n": REASON_MAX}})
    return reason


def _close_reports(*, kind: str, object_id: int, actor, status: str) -> int:
    return Report.objects.filter(kind=kind, object_id=object_id, status=Report.Status.OPEN).update(
        status=status, resolved_at=timezone.now(), resolved_by=actor
    )


def hide(*, actor, kind: str, object_id: int, reason: str) -> object:
    """A moderator hides content: readers no longer see it, the author sees the reason,
    moderators still see it and can restore it. Open reports on it are closed."""
    return _decide(actor=actor, kind=kind, object_id=object_id, reason=reason, hide=True)


def restore(*, actor, kind: str, object_id: int, reason: str) -> object:
    return _decide(actor=actor, kind=kind, object_id=object_id, reason=reason, hide=False)


def _decide(*, actor, kind: str, object_id: int, reason: str, hide: bool) -> object:
    reason = _clean_reason(reason)
    with transaction.atomic():
        spec, target = _target(kind, object_id, actor, action=Action.MODERATE)
        if is_hidden(target) == hide:
            raise ValidationError(
                {"reason": _("This is hidden already.") if hide else _("This is not hidden.")}
            )
        if hide:
            target.hidden_at, target.hidden_by, target.hidden_reason = timezone.now(), actor, reason
            _close_reports(kind=kind, object_id=object_id, actor=actor, status=Report.Status.HIDDEN)
        else:
            target.hidden_at, target.hidden_by, target.hidden_reason = None, None, ""
        target.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        audit.record(
            actor=actor,
            action="moderation.hide" if hide else "moderation.restore",
            target=target,
            reason=reason,
        )
        if spec.changed:
            spec.changed(target)
        event = ev.ContentHidden if hide else ev.ContentRestored
        events.publish(
            event(
                kind=kind,
                object_id=object_id,
                space_id=target.space.pk,
                author_id=target.author_id,
                actor_id=actor.pk,
                reason=reason,
                url=target.get_absolute_url(),
            )
        )
    return target


def withdraw(*, actor, kind: str, object_id: int) -> object:
    """Authors delete their own post: gone for readers, still there for the moderators of the
    space (marked "deleted by its author"), as every moderation decision is."""
    with transaction.atomic():
        spec, target = _target(kind, object_id, actor)
        if target.author_id != actor.pk:
            raise PermissionDenied
        if is_hidden(target):
            raise ValidationError({"reason": _("This is hidden already.")})
        target.hidden_at, target.hidden_by, target.hidden_reason = timezone.now(), actor, ""
        target.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        _close_reports(kind=kind, object_id=object_id, actor=actor, status=Report.Status.HIDDEN)
        audit.record(actor=actor, action="moderation.withdraw", target=target)
        if spec.changed:
            spec.changed(target)
    return target


def dismiss(*, actor, kind: str, object_id: int) -> int:
    """The content is fine: close its open reports. Returns how many were closed."""
    with transaction.atomic():
        _spec, target = _target(kind, object_id, actor, action=Action.MODERATE)
        closed = _close_reports(
            kind=kind, object_id=object_id, actor=actor, status=Report.Status.DISMISSED
        )
        if not closed:
            raise ValidationError({"reason": _("There are no open reports on this.")})
        audit.record(actor=actor, action="moderation.dismiss", target=target)
    return closed
