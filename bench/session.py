"""Sign in to a running Plein as a browser would, for the benchmark scripts."""

from __future__ import annotations

import base64
import hmac
import re
import struct
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

# Administrators must use two-step verification. The first benchmark that signs in as one
# enrols an authenticator (as a person would, on allauth's page) and keeps its secret here, so
# later runs can give the code; `make clean` (or deleting the file) starts over.
SECRETS = Path(__file__).resolve().parents[1] / "var" / "bench"


class _Stay(urllib.request.HTTPRedirectHandler):
    """Answer a redirect with the redirect itself, so a timing covers one request only."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp

    http_error_301 = http_error_303 = http_error_307 = http_error_302


def login_post(base: str, email: str, password: str, *, follow: bool = True):
    """A fresh browser's sign-in: (opener, cookie jar, the POST ready to send), with the form
    fetched and its CSRF token filled in. `follow=False`: the POST's redirect is not followed."""
    jar = CookieJar()
    handlers = [urllib.request.HTTPCookieProcessor(jar)] + ([] if follow else [_Stay()])
    opener = urllib.request.build_opener(*handlers)
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "login": email, "password": password}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    return opener, jar, request


def totp_now(secret: str) -> str:
    """The authenticator app's code for `secret` now (RFC 6238: SHA-1, 30 s, six digits)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), "sha1").digest()
    offset = digest[-1] & 0x0F
    code = (int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def _post_form(opener, url: str, fields: dict[str, str]):
    """GET a form page, POST `fields` with its CSRF token; returns (the GET's page, response)."""
    page = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
    return page, opener.open(urllib.request.Request(url, data=data, headers={"Referer": url}))


def _second_step(opener, base: str, email: str, landed: str, password: str) -> None:
    """Give the TOTP code when allauth asks for it; enrol first when Plein requires it."""
    kept = SECRETS / f"totp-{email}.txt"
    if landed.endswith("/accounts/2fa/authenticate/"):
        if not kept.exists():
            raise SystemExit(f"{email} has two-step verification set up outside the benchmarks")
        _post_form(opener, landed, {"code": totp_now(kept.read_text().strip())})
    # An administrator without two-step verification is sent to set it up before any
    # administration page: do it the way the page asks.
    landed = opener.open(f"{base}/governance/").geturl()
    if "/accounts/reauthenticate/" in landed:
        # allauth asks for the password again before an authenticator is added.
        _post_form(opener, landed, {"password": password})
        landed = opener.open(f"{base}/governance/").geturl()
    if "/accounts/2fa/" in landed and "/authenticate/" not in landed:
        url = f"{base}/accounts/2fa/totp/activate/"
        page = opener.open(url).read().decode()
        secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page) or re.search(
            r'value="([A-Z2-7]{16,})"', page
        )
        secret = secret.group(1)
        _post_form(opener, url, {"code": totp_now(secret)})
        SECRETS.mkdir(parents=True, exist_ok=True)
        kept.write_text(secret)


def sign_in(base: str, email: str, password: str, *, admin: bool = False) -> tuple[str, str]:
    """Returns (Cookie header, CSRF token) of a signed-in session; `admin=True` also passes
    (and if needed sets up) two-step verification, which administration pages require."""
    opener, jar, request = login_post(base, email, password)
    landed = opener.open(request).geturl()
    if admin or landed.endswith("/accounts/2fa/authenticate/"):
        _second_step(opener, base, email, landed, password)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "plein_session" not in cookies:
        raise SystemExit(f"signing in as {email} failed; is the demo seeded?")
    # Django accepts the csrftoken cookie's value in the X-CSRFToken header.
    return "; ".join(f"{k}={v}" for k, v in cookies.items()), cookies["csrftoken"]
