"""Start-up refuses an unsafe production: the settings are read in a child process with the
environment an operator would give, as `manage.py` or gunicorn would read them."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3Y-" + "abcdefghij" * 5


def start(**env: str) -> subprocess.CompletedProcess:
    base = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "postgresql://plein@127.0.0.1:5432/plein",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "PLEIN_ENV": "production",
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "intranet.example.nl",
    }
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import intranet.settings as s; print('started', s.DEBUG)"],
        cwd=ROOT, env={k: v for k, v in base.items() if v is not None},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def refused(result: subprocess.CompletedProcess, words: str) -> bool:
    failed = result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    return failed and words in result.stderr


def test_a_sound_production_configuration_starts():
    result = start()
    assert result.returncode == 0, result.stderr
    assert "started False" in result.stdout


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_DEBUG": "1"},
        {"DJANGO_DEBUG": "1", "ALLOWED_HOSTS": "*"},
        {"DJANGO_DEBUG": "1", "ALLOWED_HOSTS": "localhost,192.168.1.20"},
        {"PLEIN_ENV": "development"},
        {"PLEIN_ENV": "development", "ALLOWED_HOSTS": "0.0.0.0"},  # noqa: S104
        {"PLEIN_ENV": "test", "ALLOWED_HOSTS": "intranet.example.nl"},
    ],
)
def test_debug_or_a_non_production_environment_never_faces_a_network(env):
    result = start(**env)
    assert refused(result, "ALLOWED_HOSTS names"), (result.returncode, result.stderr[-500:])


@pytest.mark.parametrize(
    "env",
    [
        {"PLEIN_ENV": "development", "ALLOWED_HOSTS": "localhost,127.0.0.1,[::1]"},
        {"PLEIN_ENV": "development", "ALLOWED_HOSTS": "plein.localhost"},
        {"DJANGO_DEBUG": "1", "ALLOWED_HOSTS": "localhost,127.0.0.1"},
        {"PLEIN_ENV": "test", "ALLOWED_HOSTS": "localhost"},
    ],
)
def test_local_development_still_starts(env, tmp_path):
    result = start(PLEIN_VAR_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr[-500:]


@pytest.mark.parametrize(
    ("key", "words"),
    [
        (None, "SECRET_KEY is not set"),
        ("", "SECRET_KEY is not set"),
        ("   ", "SECRET_KEY is not set"),
        ("geheim", "SECRET_KEY is too weak"),
        ("x" * 60, "SECRET_KEY is too weak"),  # long, but one character
        ("django-insecure-" + "abcdefghij" * 5, "SECRET_KEY is too weak"),
    ],
)
def test_production_refuses_a_missing_or_weak_secret_key(key, words):
    result = start(SECRET_KEY=key)
    assert refused(result, words), (result.returncode, result.stderr[-500:])
