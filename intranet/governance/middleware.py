from django.shortcuts import render

from intranet.governance import services

# Paths that work for everyone during a pilot: signing in and out, language, health, assets.
ALWAYS_OPEN = ("/accounts/", "/language/", "/healthz", "/static/", "/invitation/", "/api/me/")


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
            return render(request, "governance/pilot_closed.html", status=403)
        return self.get_response(request)
