"""The Content-Security-Policy lets a page open sockets only to the site's own live-update
socket: a script that got in cannot send what it read to a socket on any host."""

import pytest
from django.urls import reverse


def connect_src(response) -> list[str]:
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return policy["connect-src"].split()


@pytest.mark.django_db
def test_sockets_only_to_the_sites_own_origin(client, settings):
    settings.WEBSOCKET_URL = ""
    sources = connect_src(client.get(reverse("account_login")))
    assert sources == ["'self'", "ws://testserver"]
    assert "ws:" not in sources and "wss:" not in sources
    secure = client.get(reverse("account_login"), secure=True, HTTP_HOST="localhost")
    assert connect_src(secure) == ["'self'", "wss://localhost"]


@pytest.mark.django_db
def test_a_socket_on_its_own_port_is_named(client, settings):
    # `make serve-prod`: pages on one port, /ws/ on the next (WEBSOCKET_URL says where).
    settings.WEBSOCKET_URL = "ws://127.0.0.1:8001/ws/"
    assert connect_src(client.get(reverse("account_login"))) == ["'self'", "ws://127.0.0.1:8001"]


@pytest.mark.django_db
def test_an_unknown_host_does_not_reach_the_policy(client, settings):
    settings.WEBSOCKET_URL = ""
    settings.SITE_URL = "https://intranet.example.nl"
    response = client.get(reverse("account_login"), HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert connect_src(response) == ["'self'", "ws://intranet.example.nl"]
