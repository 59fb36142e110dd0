import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_every_service(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_redis_and_broker_are_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["redis"] != "ok" and body["broker"] != "ok"


@pytest.mark.django_db
def test_healthz_rejects_other_methods(client):
    assert client.post("/healthz").status_code == 405


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    """Start a fresh interpreter with its own environment: settings are read once per process."""
    # PLEIN_DB_POOL leaks in when a test imported intranet.asgi; these are plain processes.
    full_env = {k: v for k, v in os.environ.items() if k != "PLEIN_DB_POOL"} | env
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


HEALTHZ_IN_SUBPROCESS = """
import django, json
django.setup()
from django.test import Client
response = Client().get('/healthz')
print(response.status_code, json.dumps(response.json()))
"""


def test_healthz_is_503_when_the_database_is_unreachable():
    result = run_django(
        HEALTHZ_IN_SUBPROCESS,
        DJANGO_SETTINGS_MODULE="intranet.settings",
        DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing",
        DATABASE_CONNECT_TIMEOUT="2",
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert '"database": "ok"' not in body and '"status": "unavailable"' in body


def test_check_services_explains_an_unreachable_database():
    result = subprocess.run(
        [sys.executable, "manage.py", "check_services"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",
            "PLEIN_DB_POOL": "0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Cannot reach PostgreSQL at 127.0.0.1:1" in result.stderr
    assert "Check DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_secret_key_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["PLEIN_ENV"] = "production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_are_strict():
    result = run_django(
        "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)",
        DJANGO_SETTINGS_MODULE="intranet.settings",
        PLEIN_ENV="production",
        SECRET_KEY="k3Y-" + "abcdefghij" * 5,  # a weak key is refused (tests/core/test_startup)
    )
    assert result.stdout.split() == ["False", "True", "True", "True", "True"], result.stderr


def test_unknown_environment_name_is_explained():
    result = run_django(
        "from django.conf import settings; settings.DEBUG",
        DJANGO_SETTINGS_MODULE="intranet.settings",
        PLEIN_ENV="staging",
    )
    assert result.returncode != 0
    assert "PLEIN_ENV is 'staging'" in result.stderr


def test_broken_oidc_configuration_is_explained():
    result = run_django(
        "from django.conf import settings; settings.DEBUG",
        DJANGO_SETTINGS_MODULE="intranet.settings",
        OIDC_PROVIDERS='[{"id": "entra"}]',
    )
    assert result.returncode != 0
    assert "OIDC_PROVIDERS entry 'entra' lacks" in result.stderr
