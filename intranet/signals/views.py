"""Signal pages: the follow-up page (mine to answer, what I raised or support, everything I may
see), a signal's page (answer, assign, support), raising from any content, the policy for
administrators, and every space's idea box. Each view parses with a form and calls one
service through perform(); what one may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.forms import perform
from intranet.governance import permissions
from intranet.governance.constants import Action
from intranet.governance.forms import PageForm
from intranet.governance.selectors import access_space
from intranet.signals import access, forms, selectors, services


@require_GET
def follow_up(request):
    if not permissions.is_active(request.user) or permissions.is_guest(request.user):
        raise Http404
    tab, state = forms.FollowUpFilterForm(request.GET).value()
    page = Paginator(
        selectors.follow_up(user=request.user, tab=tab, state=state), selectors.PAGE
    ).get_page(PageForm(request.GET).number())
    return render(
        request,
        "signals/follow_up.html",
        {
            "page": page,
            "tab": tab,
            "state": state,
            "counts": selectors.tab_counts(user=request.user),
            "may_configure": permissions.is_administrator(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def detail(request, followup_id: int):
    signal = access.access_signal(user=request.user, signal_id=followup_id)
    form = forms.AnswerForm(
        request.POST if request.method == "POST" else None,
        initial={"status": signal.status, "response": signal.response},
    )
    if request.method == "POST":
        if not access.may_answer(user=request.user, signal=signal):
            raise Http404
        if form.is_valid():
            _answered, refused = perform(
                request,
                lambda: services.answer(
                    actor=request.user, signal_id=signal.pk, **form.cleaned_data
                ),
                form=form,
            )
            if not refused:
                messages.success(request, _("Answered. Everyone who supports it is told."))
                return redirect(signal)
    context = {
        "page": selectors.signal_page(user=request.user, signal=signal),
        "form": form,
        "assign_form": forms.AssignForm(),
    }
    return render(request, "signals/detail.html", context, status=400 if form.errors else 200)


@require_POST
def assign(request, followup_id: int):
    signal = access.access_signal(user=request.user, signal_id=followup_id)
    if not access.may_assign(user=request.user, signal=signal):
        raise Http404
    form = forms.AssignForm(request.POST)
    if form.is_valid():
        _done, refused = perform(
            request,
            lambda: services.assign(actor=request.user, signal_id=signal.pk, **form.cleaned_data),
            form=form,
        )
        if not refused:
            messages.success(request, _("Saved."))
            return redirect(signal)
    context = {
        "page": selectors.signal_page(user=request.user, signal=signal),
        "form": forms.AnswerForm(initial={"status": signal.status}),
        "assign_form": form,
    }
    return render(request, "signals/detail.html", context, status=400)


@require_POST
def support(request, followup_id: int):
    # A signal one may not see answers 404 before anything posted is read.
    signal = access.access_signal(user=request.user, signal_id=followup_id)
    form = forms.SupportForm(request.POST)
    perform(request, lambda: services.support(user=request.user, signal_id=signal.pk, on=form.on()))
    return redirect(signal)


@require_POST
def raise_signal(request):
    """ "Raise as signal" on a post, question, comment or pain point (the content's own page
    posts here): to the signal, or back with the reason."""
    form = forms.RaiseForm(request.POST)
    if not form.is_valid():
        raise Http404  # a malformed id is answered like content that does not exist
    signal, refused = perform(
        request, lambda: services.raise_signal(actor=request.user, **form.cleaned_data)
    )
    if refused is None:
        messages.success(request, _("Raised. Its owner answers by the deadline."))
        return redirect(signal)
    existing = (
        selectors.signal_of(user=request.user, **form.cleaned_data) if form.is_valid() else None
    )
    return redirect(existing or "signals:follow_up")


@require_http_methods(["GET", "POST"])
def settings(request):
    if not permissions.is_administrator(request.user):
        raise Http404
    policy = services.policy()
    form = forms.PolicyForm(
        request.POST if request.method == "POST" else None,
        initial={
            "response_days": policy.response_days,
            "support_threshold": policy.support_threshold,
        },
    )
    if request.method == "POST" and form.is_valid():
        _saved, refused = perform(
            request, lambda: services.configure(actor=request.user, **form.cleaned_data), form=form
        )
        if not refused:
            messages.success(request, _("Saved."))
            return redirect("signals:settings")
    return render(
        request, "signals/settings.html", {"form": form}, status=400 if form.errors else 200
    )


# --- The idea box -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def ideas(request, slug: str):
    space_access = access_space(user=request.user, slug=slug)
    space = space_access.space
    may_post = permissions.is_active(request.user) and space_access.can(Action.POST)
    form = forms.IdeaForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_post:
            raise Http404
        if form.is_valid():
            idea, refused = perform(
                request,
                lambda: services.post_idea(actor=request.user, space=space, **form.cleaned_data),
                form=form,
            )
            if not refused:
                messages.success(request, _("Thank you. Colleagues can now support it."))
                return redirect(idea)
    context = {
        "space": space,
        "access": space_access,
        "tab": "ideas",
        "form": form,
        "may_post": may_post,
        "threshold": services.policy().support_threshold,
        **selectors.ideas_in(space=space, user=request.user),
    }
    return render(request, "signals/ideas.html", context, status=400 if form.errors else 200)


@require_GET
def idea(request, idea_id: int):
    found = access.access_idea(user=request.user, idea_id=idea_id)
    context = {
        "idea": found,
        "space": found.space,
        **selectors.idea_page(user=request.user, idea=found),
    }
    return render(request, "signals/idea.html", context)


@require_POST
def support_idea(request, idea_id: int):
    found = access.access_idea(user=request.user, idea_id=idea_id)
    form = forms.SupportForm(request.POST)
    perform(
        request, lambda: services.support_idea(user=request.user, idea_id=found.pk, on=form.on())
    )
    return redirect(found)
