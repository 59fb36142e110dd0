"""POST /inbound/email/: a raw email message, for mail services and relays that deliver by
HTTP. The shared secret (PLEIN_INBOUND_EMAIL_SECRET) in the X-Plein-Inbound-Secret header is
the only proof; without the setting the address does not exist (404)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from intranet.inbound import services

SECRET_HEADER = "HTTP_X_PLEIN_INBOUND_SECRET"  # noqa: S105 (a header name, not a secret)
TYPES = {"message/rfc822", "text/plain"}


def _secret() -> str:
    return (getattr(settings, "PLEIN_INBOUND_EMAIL_SECRET", "") or "").strip()


@login_not_required
@csrf_exempt  # a mail relay posts here without a session; the shared secret is the proof
def receive_email(request):
    secret = _secret()
    if not secret:
        raise Http404
    if request.method != "POST":
        return JsonResponse({"detail": _("Use POST.")}, status=405, headers={"Allow": "POST"})
    given = request.META.get(SECRET_HEADER, "")
    if not given or not constant_time_compare(given.encode(), secret.encode()):
        return JsonResponse({"detail": _("Wrong or missing secret.")}, status=403)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length and (request.content_type or "").lower() not in TYPES:
        return JsonResponse(
            {"detail": _("Send the raw message as message/rfc822 or text/plain.")}, status=415
        )
    if length > services.max_bytes():
        return JsonResponse({"detail": _("The message is too large to post.")}, status=413)
    outcome = services.receive(raw=request.body)
    body = {"status": "posted" if outcome.posted else "refused", "reason": outcome.reason,
            "detail": outcome.message}  # fmt: skip
    if outcome.posted:
        body["url"] = settings.SITE_URL.rstrip("/") + outcome.url
        return JsonResponse(body, status=200)
    if outcome.temporary:
        return JsonResponse(
            body, status=429, headers={"Retry-After": str(outcome.retry_after or 60)}
        )
    status = 413 if outcome.reason == "too_large" else 422
    return JsonResponse(body, status=status)
