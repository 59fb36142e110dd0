"""Moderation pages: report something (any reader), the queue of a space or of every space one
moderates, and hide / restore / dismiss (moderators). Thin: services decide; what one may not
see or do answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from intranet.governance.constants import Action
from intranet.governance.selectors import access_space
from intranet.moderation import selectors, services
from intranet.moderation.models import Report


def _next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _object_id(request) -> int:
    raw = request.POST.get("object_id", "")
    if not raw.isdigit():
        raise Http404
    return int(raw)


@require_POST
def report(request):
    kind, object_id = request.POST.get("kind", ""), _object_id(request)
    try:
        services.report(
            reporter=request.user,
            kind=kind,
            object_id=object_id,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Thank you. The moderators of this space will have a look."))
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_next(request, "/"))


def _decide(request, call, done: str):
    try:
        call()
        messages.success(request, done)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_next(request, "moderation:queue"))


@require_POST
def hide(request):
    return _hide_or_restore(request, services.hide, _("Hidden. The author sees your reason."))


@require_POST
def restore(request):
    return _hide_or_restore(request, services.restore, _("Restored: everyone sees it again."))


def _hide_or_restore(request, service, done: str):
    kind, object_id = request.POST.get("kind", ""), _object_id(request)
    return _decide(
        request,
        lambda: service(
            actor=request.user,
            kind=kind,
            object_id=object_id,
            reason=request.POST.get("reason", ""),
        ),
        done,
    )


@require_POST
def dismiss(request):
    kind, object_id = request.POST.get("kind", ""), _object_id(request)
    return _decide(
        request,
        lambda: services.dismiss(actor=request.user, kind=kind, object_id=object_id),
        _("Reports dismissed."),
    )


def _queue_page(request, *, space_ids, context: dict):
    context.update(
        items=selectors.queue(space_ids=space_ids),
        hidden=selectors.hidden(space_ids=space_ids),
        reasons=dict(Report.Reason.choices),
    )
    return render(request, "moderation/queue.html", context)


@require_GET
def space_queue(request, slug: str):
    access = access_space(user=request.user, slug=slug)
    if not access.can(Action.MODERATE):
        raise Http404
    return _queue_page(
        request,
        space_ids=[access.space.pk],
        context={"space": access.space, "access": access, "tab": "moderation"},
    )


@require_GET
def queue(request):
    """Every space I moderate in one queue."""
    space_ids = selectors.moderated_space_ids(user=request.user)
    if not space_ids:
        raise Http404
    return _queue_page(request, space_ids=space_ids, context={"space": None})
