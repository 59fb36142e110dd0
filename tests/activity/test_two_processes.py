"""Two ASGI processes behind one Redis: a post made through process A reaches a browser
socket held by process B. Real uvicorn processes, real HTTP, real WebSocket."""

import asyncio
import re
import urllib.parse
import urllib.request

import pytest
import websockets
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.factories import MembershipFactory, SpaceFactory, UserFactory
from tests.servers import AsgiServer

pytestmark = pytest.mark.django_db(transaction=True)


def http(url: str, *, cookie: str, data: dict | None = None, csrf: str = "") -> tuple[int, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        url,
        data=body,
        headers={
            "Cookie": cookie,
            "X-CSRFToken": csrf,
            "Referer": url,
        },
    )
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def session_cookie(user) -> str:
    browser = Client()  # one client per person: logging in again would end the first session
    browser.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_an_event_through_process_a_reaches_a_client_of_process_b():
    space = SpaceFactory(name="Over processen heen")
    author, reader = UserFactory(), UserFactory()
    MembershipFactory(space=space, user=author)
    MembershipFactory(space=space, user=reader)
    author_cookie, reader_cookie = session_cookie(author), session_cookie(reader)
    database = connection.settings_dict["NAME"]
    a, b = AsgiServer(database=database), AsgiServer(database=database)
    try:
        # The author's CSRF token, as a browser on process A would have it.
        status, page = http(f"{a.url}/spaces/{space.slug}/", cookie=author_cookie)
        assert status == 200, page
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

        async def scenario():
            uri = f"ws://127.0.0.1:{b.port}/ws/feed/?feed=space:{space.pk}"
            async with websockets.connect(
                uri, additional_headers={"Cookie": reader_cookie, "Origin": b.url}
            ) as socket:
                loop = asyncio.get_running_loop()
                status, _ = await loop.run_in_executor(
                    None,
                    lambda: http(
                        f"{a.url}/posts/new/",
                        cookie=f"{author_cookie}; csrftoken={csrf}",
                        csrf=csrf,
                        data={"space": space.slug, "body": "Via proces A"},
                    ),
                )
                assert status == 302
                return await asyncio.wait_for(socket.recv(), timeout=5)

        message = asyncio.run(scenario())
        assert "Via proces A" in message
    finally:
        a.stop()
        b.stop()
