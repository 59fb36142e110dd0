"""Digest pages: my preferences, the one-click unsubscribe (no sign-in needed: the signed link
is the proof), and for administrators the sends, a preview of anyone's next digest (audited), a
test digest to oneself and the local outbox."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.forms import perform
from intranet.digests import selectors, services
from intranet.digests.forms import DigestPreferencesForm, MessagePartForm, PreviewForm
from intranet.digests.models import Frequency, OutboxMessage, Weekday
from intranet.governance import permissions

# The zones people in a European organisation pick from first; any IANA name is accepted.
COMMON_ZONES = [
    "Europe/Amsterdam", "Europe/Brussels", "Europe/London", "Europe/Dublin", "Europe/Lisbon",
    "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Warsaw",
    "Europe/Helsinki", "Europe/Athens", "UTC", "America/New_York", "Asia/Singapore",
]  # fmt: skip


@require_http_methods(["GET", "POST"])
def preferences(request):
    current = selectors.preference_of(request.user)
    error = None
    if request.method == "POST":
        form = DigestPreferencesForm(request.POST)
        if form.is_valid():
            _done, error = perform(
                request,
                lambda: services.set_preferences(user=request.user, **form.cleaned_data),
                quiet=True,
            )
        else:
            # The page shows refusals in one list at the top, the form's as the service's.
            error = ValidationError([text for texts in form.errors.values() for text in texts])
        if error is None:
            messages.success(request, _("Saved. Your next digest follows these settings."))
            return redirect("digests:preferences")
    zones = COMMON_ZONES + sorted(zoneinfo.available_timezones() - set(COMMON_ZONES))
    return render(
        request,
        "digests/preferences.html",
        {
            "current": current,
            "error": error,
            "frequencies": Frequency.choices,
            "weekdays": Weekday.choices,
            "hours": range(24),
            "zones": zones,
        },
        status=400 if error else 200,
    )


@login_not_required
@csrf_exempt  # RFC 8058: mail clients POST here without a session; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks (link scanners in mail filters must not unsubscribe anyone); POST, from the
    button or from the mail client's one-click, switches only the digest off."""
    try:
        user_id, _version = services.read_token(token)
    except ValidationError as error:
        return render(request, "digests/unsubscribe.html", {"error": error.messages[0]}, status=400)
    if request.method == "GET":
        return render(request, "digests/unsubscribe.html", {"ask": True, "token": token})
    try:
        services.unsubscribe(token=token)
    except ValidationError as error:
        return render(request, "digests/unsubscribe.html", {"error": error.messages[0]}, status=400)
    return render(request, "digests/unsubscribe.html", {"done": True, "user_id": user_id})


def _admin(request) -> None:
    if not permissions.is_administrator(request.user):
        raise Http404


@require_http_methods(["GET", "POST"])
def admin(request):
    """Sends of the last week by status, failures with their reason, and a preview of anyone's
    next digest. The preview is audited, so it is a POST with the CSRF token: an image or a
    link elsewhere cannot make an administrator appear to have looked at someone."""
    _admin(request)
    context = {
        "counts": selectors.status_counts(),
        "failed": selectors.failed_sends(),
        "recent": selectors.recent_sends(limit=20),
    }
    preview = PreviewForm(request.POST if request.method == "POST" else None)
    email = preview.cleaned_data["preview"] if preview.is_valid() else ""
    if email or preview.errors:
        person = get_user_model().objects.filter(email__iexact=email).first() if email else None
        if person is None:
            context["preview_error"] = _("No colleague has this email address.")
        else:
            digest, subject, _text, html = services.preview(actor=request.user, user=person)
            context.update(
                preview_person=person, preview_subject=subject, preview_html=html, digest=digest
            )
    return render(request, "digests/admin.html", context)


@require_POST
def send_test(request):
    count, refused = perform(request, lambda: services.send_test(actor=request.user))
    if not refused:
        messages.success(
            request,
            _("A test digest with %(count)s items is on its way to %(email)s.")
            % {"count": count, "email": request.user.email},
        )
    return redirect("digests:preferences")


@require_GET
def outbox(request):
    _admin(request)
    return render(
        request, "digests/outbox.html", {"messages_kept": OutboxMessage.objects.all()[:100]}
    )


@require_GET
def outbox_message(request, message_id: int):
    """One kept message; its HTML part only inside a sandbox (no scripts, no same origin)."""
    _admin(request)
    message = get_object_or_404(OutboxMessage, pk=message_id)
    if MessagePartForm(request.GET).html():
        response = HttpResponse(message.html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = (
            "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
        )
        response["X-Frame-Options"] = "SAMEORIGIN"  # shown in a frame on the message's page
        return response
    return render(request, "digests/outbox_message.html", {"message": message})
