"""Moderation pages: report something (any reader), the queue of a space or of every space one
moderates, and hide / restore / dismiss (moderators). Thin: services decide; what one may not
see or do answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.forms import perform
from intranet.core.redirects import safe_next
from intranet.governance.constants import Action
from intranet.governance.selectors import access_space
from intranet.moderation import registry, selectors, services
from intranet.moderation.forms import ReasonForm, ReportForm, ShownForm, TargetForm
from intranet.moderation.models import Report


def _shown(request):
    """The content a report or decision page is about, when the user may read it, and the
    address to return to (`next`, the content itself when not given)."""
    from intranet.governance import permissions

    form = ShownForm(request.GET)
    kind, target_id = form.target()
    spec = registry.get(kind)
    target = registry.load(kind, target_id) if spec else None
    if target is None or not permissions.access_for(request.user, target.space).can(Action.VIEW):
        raise Http404
    return spec, target, form.text("next") or target.get_absolute_url()


@require_http_methods(["GET", "POST"])
def report(request):
    """GET: the report form for one post (linked from under it); POST: send the report."""
    if request.method == "GET":
        spec, target, next_url = _shown(request)
        if services.is_hidden(target) or target.author_id == request.user.pk:
            raise Http404
        return render(
            request,
            "moderation/report.html",
            {"spec": spec, "target": target, "excerpt": spec.excerpt(target),
             "reasons": Report.Reason.choices, "next": next_url},
        )  # fmt: skip
    form = ReportForm(request.POST)
    kind, target_id = form.target()
    _report, refused = perform(
        request,
        lambda: services.report(
            reporter=request.user,
            kind=kind,
            object_id=target_id,
            reason=form.text("reason"),
            note=form.text("note"),
        ),
    )
    if not refused:
        messages.success(request, _("Thank you. The moderators of this space will have a look."))
    return redirect(safe_next(request, "/"))


def _decide(request, call, done: str):
    _result, refused = perform(request, call)
    if not refused:
        messages.success(request, done)
    return redirect(safe_next(request, "moderation:queue"))


@require_http_methods(["GET", "POST"])
def hide(request):
    if request.method == "GET":
        return _decision_page(request)
    return _hide_or_restore(request, services.hide, _("Hidden. The author sees your reason."))


@require_http_methods(["GET", "POST"])
def restore(request):
    if request.method == "GET":
        return _decision_page(request)
    return _hide_or_restore(request, services.restore, _("Restored: everyone sees it again."))


def _decision_page(request):
    """The form to hide or restore one post, with the reason the author will read."""
    spec, target, next_url = _shown(request)
    if not services.may_moderate(user=request.user, space=target.space):
        raise Http404
    return render(
        request,
        "moderation/decide.html",
        {"spec": spec, "target": target, "excerpt": spec.excerpt(target), "obj": target,
         "report_kind": spec.key, "next": next_url},
    )  # fmt: skip


def _hide_or_restore(request, service, done: str):
    form = ReasonForm(request.POST)
    kind, target_id = form.target()
    return _decide(
        request,
        lambda: service(
            actor=request.user, kind=kind, object_id=target_id, reason=form.text("reason")
        ),
        done,
    )


@require_http_methods(["GET", "POST"])
def withdraw(request):
    """Delete one's own post: GET asks to confirm, POST deletes."""
    if request.method == "GET":
        spec, target, next_url = _shown(request)
        if target.author_id != request.user.pk or services.is_hidden(target):
            raise Http404
        return render(
            request,
            "moderation/withdraw.html",
            {"spec": spec, "target": target, "excerpt": spec.excerpt(target), "next": next_url},
        )
    kind, target_id = TargetForm(request.POST).target()
    return _decide(
        request,
        lambda: services.withdraw(actor=request.user, kind=kind, object_id=target_id),
        _("Deleted."),
    )


@require_POST
def dismiss(request):
    kind, target_id = TargetForm(request.POST).target()
    return _decide(
        request,
        lambda: services.dismiss(actor=request.user, kind=kind, object_id=target_id),
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
