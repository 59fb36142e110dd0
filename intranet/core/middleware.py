import functools
import json
import re
from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.core.exceptions import DisallowedHost
from django.utils import translation


@functools.lru_cache(maxsize=32)
def content_security_policy(socket_origin: str) -> str:
    """No external host anywhere: the policy allows only this origin, and sockets only to the
    site's own live-update socket (never `ws:`/`wss:` to any host, a way out for a script)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # htmx inserts its indicator style at runtime; nothing else needs inline styles.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self' {socket_origin}",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


def socket_origin(request) -> str:
    """Where the page's live-update socket goes: WEBSOCKET_URL's origin when it names one
    (`make serve-prod`: another port), otherwise ws(s):// on the page's own host."""
    configured = urlsplit(settings.WEBSOCKET_URL or "")
    if configured.scheme in {"ws", "wss"} and configured.netloc:
        return f"{configured.scheme}://{configured.netloc}"
    try:
        host = request.get_host()
    except DisallowedHost:  # answered 400 already; the header still names only our site
        host = urlsplit(settings.SITE_URL).netloc
    return f"{'wss' if request.is_secure() else 'ws'}://{host}"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", content_security_policy(socket_origin(request))
        )
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


class RequestInputMiddleware:
    """Input the application cannot hold is refused before any view runs, the same way at
    every address:

    - a body larger than the limit answers 413, decided from its Content-Length before a byte
      of it is read: DATA_UPLOAD_MAX_MEMORY_SIZE for forms and JSON, PLEIN_REQUEST_MAX_MB for
      uploads (multipart). The proxy refuses larger bodies before they reach us (Caddyfile).
    - a NUL byte (PostgreSQL text cannot hold one) or invalid UTF-8 in the path, the query
      string, a form field's name or value, an uploaded file's name, or anywhere in a JSON body
      (a lone surrogate such as "\\ud800" included), and JSON nested too deeply to parse,
      answer 400 with a message saying so.

    Access is still decided before input is looked at where it matters: this answer is the
    same whatever the address points to (it is decided before the address is resolved), so it
    tells nothing about what exists or what one may see. A view that receives well-formed
    input checks access first, as before (a forbidden address answers 404).

    A NUL byte that reaches the database another way (DataError) is still answered 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self._too_large(request) or self._unstorable(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    # --- size ---------------------------------------------------------------------------

    @staticmethod
    def _too_large(request):
        from django.utils.translation import gettext as _

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads nothing of a body whose length it cannot tell
        if length <= 0:
            return None
        if request.content_type == "multipart/form-data":
            limit = settings.PLEIN_REQUEST_MAX_MB * 1024 * 1024
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None or length <= limit:
            return None
        megabytes = max(1, round(limit / (1024 * 1024), 1))
        message = _("The request is too large: send at most %(n)s MB.") % {"n": f"{megabytes:g}"}
        return _refuse(request, message, status=413)

    # --- NUL bytes and invalid UTF-8 ----------------------------------------------------

    def _unstorable(self, request):
        try:
            clean = (
                "\x00" not in request.path_info
                and _clean_query(request.META.get("QUERY_STRING", ""), request.encoding)
                and self._clean_body(request)
            )
        except _TooDeep:
            from django.utils.translation import gettext as _

            return _refuse(request, _("The request's JSON is nested too deeply."))
        if clean:
            return None
        return _refuse(request, _unstorable_message())

    @staticmethod
    def _clean_body(request) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return True
        content_type = request.content_type or ""
        if content_type == "application/x-www-form-urlencoded":
            return _clean_query(request.body, request.encoding)
        if content_type == "multipart/form-data":
            # Django decodes the parts (invalid UTF-8 becomes U+FFFD, which is harmless);
            # the parsed form is kept for the view, CSRF and DRF alike.
            names = [upload.name or "" for upload in request.FILES.values()]
            fields = [*request.POST.keys(), *(v for vs in request.POST.lists() for v in vs[1])]
            return not any("\x00" in text for text in (*fields, *names))
        if content_type == "application/json" or content_type.endswith("+json"):
            return _clean_json(request.body)
        return True

    def process_exception(self, request, exception):
        from django.db import DataError

        if isinstance(exception, DataError) and "NUL" in str(exception):
            return _refuse(request, _unstorable_message())
        return None


# Kept under its old name for anything that still refers to it.
NulBytesMiddleware = RequestInputMiddleware


class _TooDeep(Exception):
    pass


def _unstorable_message() -> str:
    from django.utils.translation import gettext as _

    return _(
        "The request contains characters that cannot be stored (a NUL byte or text that is "
        "not valid UTF-8). Remove them and try again."
    )


def _clean_query(raw, encoding: str | None = None) -> bool:
    """A query string or form body (str as WSGI gives it, or bytes): every name and value
    decodes (as UTF-8 unless the request names another charset, as Django decodes it) and
    holds no NUL byte."""
    encoding = encoding or settings.DEFAULT_CHARSET
    if isinstance(raw, str):
        try:
            raw = raw.encode("iso-8859-1")  # WSGI's way of carrying the raw bytes
        except UnicodeEncodeError:
            raw = raw.encode("utf-8", "surrogatepass")
    if not raw:
        return True
    for piece in raw.replace(b"+", b" ").split(b"&"):
        try:
            text = unquote_to_bytes(piece).decode(encoding)
        except (UnicodeDecodeError, LookupError):
            return False
        if "\x00" in text:
            return False
    return True


# What PostgreSQL text cannot hold: NUL, and UTF-16 surrogates (JSON can write them alone).
_UNSTORABLE = re.compile("[\\x00\\ud800-\\udfff]")
JSON_MAX_DEPTH = 64


def _clean_json(body: bytes) -> bool:
    """UTF-8, not nested deeper than JSON_MAX_DEPTH, and no string (names included) with a
    NUL or a lone surrogate. Malformed JSON is left to the view, which answers its own 400."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if "\\u" not in text and "\x00" not in text and text.count("[") + text.count("{") < 64:
        return True  # nothing escaped or deep: valid UTF-8 holds neither NUL nor surrogates
    try:
        data = json.loads(text)
    except RecursionError as error:
        raise _TooDeep from error
    except ValueError:
        return True
    pending = [(data, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > JSON_MAX_DEPTH:
            raise _TooDeep
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return False
        elif isinstance(item, dict):
            pending.extend((key, depth + 1) for key in item)
            pending.extend((value, depth + 1) for value in item.values())
        elif isinstance(item, list):
            pending.extend((value, depth + 1) for value in item)
    return True


def _refuse(request, message: str, *, status: int = 400):
    """The refusal as JSON under /api/, else as the error page, with `message` on it."""
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": message}, status=status)
    from django.shortcuts import render

    return render(request, "400.html", {"reason": message}, status=status)
