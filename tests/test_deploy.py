"""docker-compose.yml describes the production topology of DESIGN.md. No Docker engine runs
here, so `docker compose config` cannot; this test checks the same structure by reading it."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_role_of_the_topology_is_there(compose):
    assert set(compose["services"]) == {
        "postgres", "redis", "migrate", "web", "ws", "worker", "beat", "proxy"
    }  # fmt: skip


def test_pages_go_to_wsgi_and_sockets_to_asgi(compose):
    web = " ".join(compose["services"]["web"]["command"])
    ws = " ".join(compose["services"]["ws"]["command"])
    assert web.startswith("gunicorn intranet.wsgi:application")
    assert ws.startswith("uvicorn intranet.asgi:application") and "--port 8001" in ws
    caddy = (ROOT / "deploy" / "Caddyfile").read_text()
    assert re.search(r"@websockets path /ws/\*\s+reverse_proxy @websockets ws:8001", caddy)
    assert "reverse_proxy web:8000" in caddy


def test_configuration_comes_only_from_the_environment(compose):
    for name in ["web", "ws", "worker", "beat", "migrate"]:
        env = compose["services"][name]["environment"]
        assert env["PLEIN_ENV"] == "production"
        assert env["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"  # required, never a default
        assert "${POSTGRES_PASSWORD" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
    assert compose["services"]["ws"]["environment"]["PLEIN_DB_POOL"] == "1"
    text = (ROOT / "docker-compose.yml").read_text()
    assert not re.search(r"(PASSWORD|SECRET_KEY):\s*['\"]?[A-Za-z0-9]{6,}", text)


def test_services_wait_for_migrations_and_healthy_backends(compose):
    for name in ["web", "ws", "worker", "beat"]:
        assert compose["services"][name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert "healthcheck" in compose["services"]["postgres"]
    assert "healthcheck" in compose["services"]["redis"]


def test_image_runs_as_an_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER plein" in dockerfile
    assert "gunicorn" in dockerfile and "intranet.wsgi:application" in dockerfile


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="docker compose is not installed here",
)
def test_docker_compose_config_validates(tmp_path):
    env = {"SECRET_KEY": "x" * 50, "POSTGRES_PASSWORD": "pw", "PLEIN_HOST": "plein.example"}
    result = subprocess.run(
        ["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
        env={**env, "PATH": "/usr/bin:/bin:/usr/local/bin"}, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_the_client_address_passes_the_proxy_and_cannot_be_forged(compose):
    """Behind Caddy every connection comes from Caddy: Plein trusts one proxy's entry in
    X-Forwarded-For (login limits per real client), and Caddy writes that entry itself,
    replacing whatever the client sent."""
    for name in ["web", "ws", "worker", "beat", "migrate"]:
        assert compose["services"][name]["environment"]["TRUSTED_PROXY_COUNT"] == (
            "${TRUSTED_PROXY_COUNT:-1}"
        )
    caddy = (ROOT / "deploy" / "Caddyfile").read_text()
    blocks = re.findall(r"reverse_proxy [^{\n]*\{\n(.*?)\n\t\}", caddy, flags=re.S)
    assert len(blocks) == caddy.count("reverse_proxy ") == 2
    assert all("header_up X-Forwarded-For {remote_host}" in block for block in blocks)


def test_plein_and_the_proxy_refuse_the_same_body_size(compose):
    """Caddy refuses bodies over PLEIN_REQUEST_MAX_MB before they reach Plein, which refuses
    them too: both read the same variable, so one setting moves both."""
    same = "${PLEIN_REQUEST_MAX_MB:-32}"
    assert compose["services"]["proxy"]["environment"]["PLEIN_REQUEST_MAX_MB"] == same
    assert compose["services"]["web"]["environment"]["PLEIN_REQUEST_MAX_MB"] == same
    assert "max_size {$PLEIN_REQUEST_MAX_MB:32}MB" in (ROOT / "deploy" / "Caddyfile").read_text()


def test_the_image_build_uses_no_fixed_secret_key():
    # Production settings refuse a weak key (tests/core/test_startup.py), the build too.
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "SECRET_KEY=build" not in dockerfile and "secrets.token_urlsafe(50)" in dockerfile
