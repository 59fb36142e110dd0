"""OpenID Connect single sign-on against a real identity provider process on loopback: the
discovery document, the authorisation redirect, the token and userinfo calls all go over HTTP."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db
User = get_user_model()


class FakeIdentityProvider(BaseHTTPRequestHandler):
    userinfo: dict = {}

    def log_message(self, *args):  # keep the test output quiet
        pass

    def _json(self, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):  # http.server's naming
        base = f"http://127.0.0.1:{self.server.server_port}"
        if self.path == "/.well-known/openid-configuration":
            self._json({
                "issuer": base,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "userinfo_endpoint": f"{base}/userinfo",
                "jwks_uri": f"{base}/jwks",
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            })  # fmt: skip
        elif self.path == "/userinfo":
            assert self.headers["Authorization"] == "Bearer access-123"
            self._json(self.server.userinfo)
        else:
            self.send_error(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        if self.path == "/token" and form.get("code") == ["code-abc"]:
            self._json({"access_token": "access-123", "token_type": "Bearer", "expires_in": 60})
        else:
            self.send_error(400)


@pytest.fixture
def idp(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeIdentityProvider)
    server.userinfo = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [{
                "provider_id": "entra",
                "name": "Microsoft",
                "client_id": "plein-client",
                "secret": "s3cret",
                "settings": {"server_url": f"http://127.0.0.1:{server.server_port}",
                             "oauth_pkce_enabled": True},
            }]
        }
    }  # fmt: skip
    yield server
    server.shutdown()


def sign_in_with_idp(client, idp, userinfo):
    idp.userinfo = userinfo
    response = client.post("/accounts/oidc/entra/login/")
    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    query = parse_qs(authorize.query)
    assert authorize.path == "/authorize"
    assert query["client_id"] == ["plein-client"]
    assert "code_challenge" in query  # PKCE on
    return client.get(
        "/accounts/oidc/entra/login/callback/", {"code": "code-abc", "state": query["state"][0]}
    )


def test_login_page_offers_the_configured_provider(client, idp):
    response = client.get("/accounts/login/")
    assert b"Microsoft" in response.content
    assert b"/accounts/oidc/entra/login/" in response.content


def test_sso_signs_in_a_colleague_from_an_allowed_domain(client, idp, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["plein.example"]
    response = sign_in_with_idp(client, idp, {
        "sub": "entra-1", "email": "lotte.meijer@plein.example", "email_verified": True,
        "given_name": "Lotte", "family_name": "Meijer",
    })  # fmt: skip
    assert response.status_code == 302
    person = User.objects.get(email="lotte.meijer@plein.example")
    assert (person.first_name, person.last_name) == ("Lotte", "Meijer")
    assert client.session["_auth_user_id"] == str(person.pk)


def test_sso_account_outside_the_allowed_domains_is_refused(client, idp, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["plein.example"]
    client.cookies["plein_language"] = "en"
    response = sign_in_with_idp(client, idp, {
        "sub": "google-9", "email": "iemand@gmail.example", "email_verified": True,
    })  # fmt: skip
    assert not User.objects.filter(email="iemand@gmail.example").exists()
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert b"Sign Up Closed" in response.content


def test_callback_with_a_forged_state_is_refused(client, idp):
    client.post("/accounts/oidc/entra/login/")
    response = client.get(
        "/accounts/oidc/entra/login/callback/",
        {"code": "code-abc", "state": "forged"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 401
    assert b"Third-Party Login Failure" in response.content
    assert "_auth_user_id" not in client.session


def test_unknown_provider_is_404(client, idp):
    assert client.post("/accounts/oidc/nope/login/").status_code == 404
