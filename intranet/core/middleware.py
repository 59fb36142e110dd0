from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.utils import translation

# No external host anywhere: the policy allows only this origin (and the WebSocket on it).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # htmx inserts its indicator style at runtime; nothing else needs inline styles.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self' ws: wss:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the cookie and Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if user is not None and user.is_authenticated and language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a signed-in user, except views marked @login_not_required (login,
    sign-up, password reset, /healthz). The API answers for itself: DRF returns 403 JSON
    rather than a redirect to an HTML login page."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class NulBytesMiddleware:
    """PostgreSQL text cannot hold a NUL byte: input that carries one (in a query, a form or
    JSON) and reaches the database is refused with 400, not a crash. Only then: the view has
    already checked access (a forbidden address answered 404 before reading its input)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DataError

        if isinstance(exception, DataError) and "NUL" in str(exception):
            if request.path_info.startswith("/api/"):
                from django.http import JsonResponse
                from django.utils.translation import gettext as _

                # The 400 page's words: the input cannot be stored, whatever it was about.
                return JsonResponse({"detail": _("That request was not understood")}, status=400)
            from intranet.core.views import bad_request

            return bad_request(request)
        return None
