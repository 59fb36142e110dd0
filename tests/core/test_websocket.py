"""The ASGI side end to end: real consumer, real session auth, real Redis channel layer."""

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings

from intranet.asgi import application
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _headers(cookie: str = "") -> list[tuple[bytes, bytes]]:
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return headers


@pytest.fixture
def session_cookie(client):
    user = UserFactory()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def test_signed_in_user_gets_a_reply_through_the_channel_layer(session_cookie):
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=_headers(session_cookie))
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"echo": "hallo"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong", "echo": "hallo"}
    await communicator.disconnect()


async def test_anonymous_socket_is_closed():
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=_headers())
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


async def test_foreign_origin_is_refused(session_cookie):
    headers = [(b"origin", b"https://evil.example"), (b"host", b"localhost"),
               (b"cookie", session_cookie.encode())]  # fmt: skip
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=headers)
    connected, _ = await communicator.connect()
    assert not connected
