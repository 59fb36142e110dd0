"""Sign in to a running Plein as a browser would, for the benchmark scripts."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


def sign_in(base: str, email: str, password: str) -> tuple[str, str]:
    """Returns (Cookie header, CSRF token) of a signed-in session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "login": email, "password": password}
    ).encode()
    opener.open(
        urllib.request.Request(
            f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
        )
    )
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "plein_session" not in cookies:
        raise SystemExit(f"signing in as {email} failed; is the demo seeded?")
    # Django accepts the csrftoken cookie's value in the X-CSRFToken header.
    return "; ".join(f"{k}={v}" for k, v in cookies.items()), cookies["csrftoken"]
