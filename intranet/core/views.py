from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework import exceptions as api_errors

from intranet.core import selectors
from intranet.core.health import run_checks


@require_GET
def home(request):
    from intranet.activity import selectors as activity
    from intranet.activity import services as activity_services
    from intranet.activity.forms import FeedPageForm

    context = selectors.home_context(user=request.user)
    _feed, before = FeedPageForm(request.GET).chosen()
    announcements = list(activity.pinned_announcements(user=request.user))
    # Pinned in full here: seen. One INSERT only when one of them is new to this reader.
    activity_services.record_announcement_reads(user=request.user, announcements=announcements)
    context.update(
        activity.feed_page(user=request.user, feed=activity.Feed("home"), before=before),
        live_feed="home",
        announcements=announcements,
        composer_spaces=activity.postable_spaces(user=request.user),
    )
    return render(request, "core/home.html", context)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and operators: 200 when database, Redis and broker answer."""
    checks = run_checks()
    healthy = all(check.ok for check in checks)
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({check.name: check.detail for check in checks})
    return JsonResponse(body, status=200 if healthy else 503)


def _error_page(template: str, status: int, api_detail):
    # Plain pages in the user's language, never a traceback (DEBUG is off outside development).
    # The API answers JSON as its views do, also for an address no pattern matches (a slug
    # with a space in it): {"detail": ...} in the user's language, as DRF words it.
    @login_not_required
    def view(request, exception=None):
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": str(api_detail)}, status=status)
        return render(request, template, status=status)

    return view


page_not_found = _error_page("404.html", 404, api_errors.NotFound.default_detail)
permission_denied = _error_page("403.html", 403, api_errors.PermissionDenied.default_detail)
bad_request = _error_page("400.html", 400, api_errors.ParseError.default_detail)


@login_not_required
def server_error(request):
    # No context processors here: whatever broke may be what they need.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())
