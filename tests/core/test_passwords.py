"""Passwords are stored with Argon2id at OWASP's minimum (issue 20: sign-in under 100 ms with
the rate limits on), and older PBKDF2 hashes are upgraded at the next sign-in."""

import subprocess
import sys

import pytest
from django.contrib.auth.hashers import make_password

from tests.core.test_startup import ROOT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ARGON2ID = "intranet.core.auth.Argon2idHasher"


def test_production_stores_passwords_with_argon2id_and_still_reads_pbkdf2():
    result = subprocess.run(
        [sys.executable, "-c", "import intranet.settings as s; print(s.PASSWORD_HASHERS)"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql://plein@127.0.0.1/plein",
             "REDIS_URL": "redis://127.0.0.1:6379/0", "PLEIN_ENV": "production",
             "SECRET_KEY": "k3Y-" + "abcdefghij" * 5, "ALLOWED_HOSTS": "intranet.example.nl"},
    )  # fmt: skip
    hashers = result.stdout
    assert result.returncode == 0, result.stderr
    assert hashers.index(ARGON2ID) < hashers.index("PBKDF2PasswordHasher")


def test_a_pbkdf2_password_signs_in_and_is_rehashed_with_argon2id(client, settings):
    settings.PASSWORD_HASHERS = [ARGON2ID, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    person = UserFactory()
    person.password = make_password("oud-wachtwoord-42", hasher="pbkdf2_sha256")
    person.save(update_fields=["password"])
    response = client.post(
        "/accounts/login/", {"login": person.email, "password": "oud-wachtwoord-42"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    # The new hash is the one that signs in from now on; a wrong password still does not.
    client.logout()
    assert (
        client.post(
            "/accounts/login/", {"login": person.email, "password": "oud-wachtwoord-42"}
        ).status_code
        == 302
    )
    client.logout()
    assert (
        client.post("/accounts/login/", {"login": person.email, "password": "fout"}).status_code
        == 200
    )
