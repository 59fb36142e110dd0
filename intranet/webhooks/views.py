"""Webhook pages (under governance, so administrators have two-step verification first):
the list with the form to add one, and each webhook's page with its delivery log, test,
pause/resume, new secret and delete. A new secret is shown once, in the answer to the POST
that made it (never in a URL, a message or the session), and that answer is not cached."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from intranet.core.forms import perform
from intranet.governance import permissions
from intranet.webhooks import selectors, services
from intranet.webhooks.forms import SpaceFilterForm, SubscriptionForm


def _private(response):
    response["Cache-Control"] = "no-store"
    return response


def _subscription(request, subscription_id):
    try:
        return selectors.access_subscription(user=request.user, subscription_id=subscription_id)
    except PermissionDenied as error:
        raise Http404 from error


@require_http_methods(["GET", "POST"])
def index(request):
    spaces = selectors.manageable_spaces(user=request.user)
    if not permissions.is_administrator(request.user) and not spaces.exists():
        raise Http404  # nothing to manage: as if the page were not there
    chosen = SpaceFilterForm(request.GET)
    slug = chosen.cleaned_data["space"] if chosen.is_valid() else ""
    initial = {"space": spaces.filter(slug=slug).first()} if slug else {}
    form = SubscriptionForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=initial
    )
    created = None
    if request.method == "POST" and form.is_valid():
        result, refused = perform(
            request,
            lambda: services.create_subscription(actor=request.user, **form.cleaned_data),
            form=form,
        )
        if not refused:
            created = result
            form = SubscriptionForm(user=request.user)
    context = {
        "form": form,
        "created": created,
        "subscriptions": selectors.subscriptions(user=request.user, space_slug=slug),
        "space_slug": slug,
    }
    status = 400 if form.errors else (201 if created else 200)
    return _private(render(request, "webhooks/index.html", context, status=status))


def _detail_page(request, subscription, *, secret: str | None = None, status: int = 200):
    context = {
        "subscription": subscription,
        "deliveries": selectors.deliveries(subscription=subscription),
        "secret": secret,
        "log_limit": selectors.LOG_LIMIT,
    }
    return _private(render(request, "webhooks/detail.html", context, status=status))


@require_http_methods(["GET"])
def detail(request, subscription_id):
    return _detail_page(request, _subscription(request, subscription_id))


@require_POST
def ping(request, subscription_id):
    delivery, refused = perform(
        request, lambda: services.send_ping(actor=request.user, subscription_id=subscription_id)
    )
    if not refused:
        if delivery.status == "delivered":
            messages.success(
                request,
                _("Test delivered: the receiver answered %(code)s in %(ms)s ms.")
                % {"code": delivery.status_code, "ms": delivery.duration_ms},
            )
        else:
            messages.error(
                request,
                _("The test did not arrive: %(why)s")
                % {"why": delivery.error or _("HTTP %(code)s") % {"code": delivery.status_code}},
            )
    return redirect("webhooks:detail", subscription_id=subscription_id)


def _set_active(request, subscription_id, *, active: bool):
    subscription, refused = perform(
        request,
        lambda: services.set_active(
            actor=request.user, subscription_id=subscription_id, active=active
        ),
    )
    if not refused:
        messages.success(
            request,
            (_("Webhook “%(name)s” is on again.") if active else _("Webhook “%(name)s” paused."))
            % {"name": subscription.name},
        )
    return redirect("webhooks:detail", subscription_id=subscription_id)


@require_POST
def pause(request, subscription_id):
    return _set_active(request, subscription_id, active=False)


@require_POST
def resume(request, subscription_id):
    return _set_active(request, subscription_id, active=True)


@require_POST
def renew_secret(request, subscription_id):
    result, _refused = perform(
        request, lambda: services.renew_secret(actor=request.user, subscription_id=subscription_id)
    )
    subscription, secret = result
    return _detail_page(request, subscription, secret=secret)


@require_POST
def delete(request, subscription_id):
    subscription = _subscription(request, subscription_id)
    _done, refused = perform(
        request,
        lambda: services.delete_subscription(actor=request.user, subscription_id=subscription_id),
    )
    if not refused:
        messages.success(request, _("Webhook “%(name)s” deleted.") % {"name": subscription.name})
    return redirect("webhooks:index")
