"""Tokens in DRF: `Authorization: Bearer plein_...` authenticates, scopes permit, uses are
recorded. A request with a token carries no session and needs no CSRF token; the gates the
pages have in middleware (pilot, two-step verification for administrators) apply here too,
because Django's middleware sees no user on a token request."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission

from intranet.core.client_ip import client_ip
from intranet.governance import services as governance
from intranet.governance.middleware import ADMIN_AREAS
from intranet.tokens import scopes, services
from intranet.tokens.models import AccessToken


class TokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None  # not ours: the session (or nothing) decides
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Bearer <token>."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from error
        token = services.authenticate(raw=raw)
        if token is None:
            # Unknown, revoked, expired or wrong: one answer, so a guesser learns nothing.
            raise exceptions.AuthenticationFailed(_("This token is not valid."))
        user = token.user
        if user.language:
            # The person's own language, as on the pages; empty: the request's (Accept-Language).
            translation.activate(user.language)
            request._request.LANGUAGE_CODE = translation.get_language()
        if not governance.admitted(user):
            raise exceptions.PermissionDenied(_("Plein is not open to you yet."))
        if governance.must_enrol_mfa(user, admin_area=request.path.startswith(ADMIN_AREAS)):
            raise exceptions.PermissionDenied(
                _("Set up two-step verification before you use this part of Plein.")
            )
        services.note_use(token=token, ip=client_ip(request))
        return user, token

    def authenticate_header(self, request) -> str:
        # A 401 (not 403) for a bad token, with the scheme to use.
        return 'Bearer realm="api"'


class TokenScopes(BasePermission):
    """A token reaches an endpoint only within its scopes; a session is not limited here."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, AccessToken):
            return True
        write = request.method not in SAFE_METHODS
        if scopes.allows(token.scopes, area=scopes.area_of(view), write=write):
            return True
        self.message = (
            _("This token may not write here.") if write else _("This token may not read this.")
        )
        return False


class TokenAuditMiddleware:
    """Every use of a token attributable in the audit log (services.record_use). It runs after
    the view, when the outcome is known; DRF puts the token on the request as `auth`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "auth", None)
        if isinstance(token, AccessToken):
            services.record_use(
                token=token,
                method=request.method,
                path=request.path,
                status=response.status_code,
            )
        return response


class TokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema: HTTP bearer, the format named."""

    target_class = "intranet.tokens.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "plein_<key id>_<secret> (API tokens in the account menu)",
        }
