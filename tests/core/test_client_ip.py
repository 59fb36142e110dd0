"""The client's address behind the reverse proxy: forwarded headers are believed only as far as
our own proxies vouch for them (intranet.core.client_ip), and the login limits count per real
client through that one function."""

import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from django.test import Client, RequestFactory
from django.urls import reverse

from intranet.core.client_ip import client_ip
from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
CADDY = "172.18.0.9"  # the proxy's address inside the compose network
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def request(remote=CADDY, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_a_trusted_proxy_a_forged_header_is_ignored(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
    forged = request("198.51.100.20", HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert client_ip(forged) == "198.51.100.20"


def test_with_one_trusted_proxy_the_right_most_untrusted_address_is_used(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
    # Caddy appended the address it saw; what the client wrote before it is ignored.
    assert client_ip(request(HTTP_X_FORWARDED_FOR="203.0.113.7")) == "203.0.113.7"
    assert client_ip(request(HTTP_X_FORWARDED_FOR="10.1.1.1, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request(HTTP_X_FORWARDED_FOR="[2001:db8::1]:443")) == "2001:db8::1"
    # Reached directly (no header): the connection's own address.
    assert client_ip(request("192.0.2.5")) == "192.0.2.5"
    # Garbage where the proxy's entry should be: the connection, never a crash.
    assert client_ip(request(HTTP_X_FORWARDED_FOR="1.2.3.4, <script>")) == CADDY
    # allauth asks the same function.
    assert get_adapter().get_client_ip(request(HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.8")) == (
        "203.0.113.8"
    )


def test_two_trusted_proxies_and_a_short_header(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
    chain = "10.1.1.1, 203.0.113.7, 192.0.2.1"  # forged, client, load balancer
    assert client_ip(request(HTTP_X_FORWARDED_FOR=chain)) == "203.0.113.7"
    # One of ours did not append: the left-most entry (written by ours), and no 500
    # (allauth's own reader raises ImproperlyConfigured here).
    assert client_ip(request(HTTP_X_FORWARDED_FOR="203.0.113.7")) == "203.0.113.7"
    assert get_adapter().get_client_ip(request(HTTP_X_FORWARDED_FOR="203.0.113.7")) == (
        "203.0.113.7"
    )


def test_a_trusted_client_ip_header(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    real = request(HTTP_X_REAL_IP="198.51.100.4", HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert client_ip(real) == "198.51.100.4"
    # Missing or not an address: the connection's address (allauth's own would refuse: 403).
    assert client_ip(request()) == CADDY
    assert get_adapter().get_client_ip(request(HTTP_X_REAL_IP="nonsense")) == CADDY


def login(client, email, password, **extra):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, **EN, **extra
    )


@pytest.mark.django_db
def test_behind_the_proxy_the_login_limit_counts_each_real_client(settings):
    """Two colleagues behind Caddy: one guessing passwords does not lock out the other."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    colleague = UserFactory()
    attacker = {"REMOTE_ADDR": CADDY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    for n in range(3):
        login(Client(), f"guess{n}@example.org", "wrong", **attacker)
    # The attacker is stopped, whatever address they forge in front of Caddy's entry.
    blocked = login(Client(), "guess9@example.org", "wrong", **attacker)
    assert b"Too many failed login attempts" in blocked.content
    forged = {**attacker, "HTTP_X_FORWARDED_FOR": "198.51.100.4, 203.0.113.7"}
    blocked = login(Client(), "x@example.org", "w", **forged)
    assert b"Too many failed login attempts" in blocked.content
    # The colleague, through the same proxy from their own address, signs in.
    client = Client()
    response = login(
        client, colleague.email, PASSWORD, REMOTE_ADDR=CADDY, HTTP_X_FORWARDED_FOR="198.51.100.4"
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
def test_without_a_trusted_proxy_forging_the_header_does_not_escape_the_limit(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    for n in range(3):
        login(Client(), f"guess{n}@example.org", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    blocked = login(Client(), "guess9@example.org", "wrong", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert b"Too many failed login attempts" in blocked.content


def test_the_proxy_settings_come_from_the_environment():
    code = (
        "import intranet.settings as s; "
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER, "
        "s.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    base = {"PATH": "/usr/bin:/bin", "PLEIN_ENV": "test",
            "DATABASE_URL": "postgresql://plein@127.0.0.1:5432/plein",
            "REDIS_URL": "redis://127.0.0.1:6379/0"}  # fmt: skip

    def read(**env):
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **env},
                                capture_output=True, text=True, timeout=60)  # fmt: skip
        assert result.returncode == 0, result.stderr[-500:]
        return result.stdout.split()

    assert read() == ["0", "None", "0"]
    assert read(TRUSTED_PROXY_COUNT="1") == ["1", "None", "1"]
    assert read(TRUSTED_CLIENT_IP_HEADER="X-Real-IP") == ["0", "X-Real-IP", "0"]
