from django.shortcuts import render

from intranet.governance import services

# Paths that work for everyone during a pilot: signing in and out, language, health, assets.
ALWAYS_OPEN = (
    "/accounts/",
    "/language/",
    "/healthz",
    "/static/",
    "/invitation/",
    "/api/me/",
    "/api/v1/me/",
)


class PilotMiddleware:
    """Phased roll-out: while the pilot runs, only its departments (and administrators) use
    Plein; everyone else gets a friendly page instead of an empty intranet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path_info.startswith(ALWAYS_OPEN)
            and user.is_active
            and not services.admitted(user)
        ):
            if request.path_info.startswith("/api/"):
                from django.http import JsonResponse
                from django.utils.translation import gettext as _

                # The API answers in its own shape (intranet.core.api), not with a page.
                return JsonResponse({"detail": _("Plein is not open to you yet.")}, status=403)
            return render(request, "governance/pilot_closed.html", status=403)
        return self.get_response(request)


# Administration pages: governance, Django admin, insights (pages and API), digest administration.
ADMIN_AREAS = (
    "/governance/",
    "/organisation/departments/",
    "/admin/",
    "/insights/",
    "/api/insights/",
    "/api/v1/insights/",
    "/digests/admin/",
    "/digests/test/",
    "/digests/outbox/",
)


class MfaRequiredMiddleware:
    """Administrators open no administration page without two-step verification set up, and
    nobody opens any page without it when the organisation asks it of every role: they are
    sent to set it up (allauth.mfa), with a message saying why. Signing in, out and setting it
    up stay open. The API answers 403 with the same message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path_info
        if (
            user is not None
            and user.is_authenticated
            and not path.startswith(ALWAYS_OPEN)
            and services.must_enrol_mfa(user, admin_area=path.startswith(ADMIN_AREAS))
        ):
            return self._send_to_enrol(request, user)
        return self.get_response(request)

    @staticmethod
    def _send_to_enrol(request, user):
        from django.contrib import messages
        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django.utils.translation import gettext as _

        from intranet.governance import permissions

        if permissions.is_administrator(user):
            message = _(
                "Administrators need two-step verification. Set it up to continue; "
                "keep the recovery codes somewhere safe."
            )
        else:
            message = _(
                "Your organisation asks everyone to use two-step verification. Set it up to "
                "continue; keep the recovery codes somewhere safe."
            )
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        messages.warning(request, message)
        return redirect("mfa_activate_totp")
