"""The frame every page shares: sign-in required, no external hosts, headers, query costs."""

import re

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = ["account_login", "account_signup", "account_reset_password"]
PRIVATE = ["home", "account_email", "account_change_password", "mfa_index", "invite"]


@pytest.mark.parametrize("name", PRIVATE)
def test_pages_need_a_signed_in_user(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_admin_needs_a_signed_in_user(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("name", PUBLIC)
def test_entrance_pages_are_open(client, settings, name):
    settings.SIGNUP_EMAIL_DOMAINS = ["plein.example"]
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b"<main" in response.content


def test_unknown_page_is_a_friendly_404(client, user, settings):
    settings.DEBUG = False
    client.force_login(user)
    response = client.get("/bestaat-niet/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Traceback" not in response.content


def test_home_greets_the_user_and_shows_department_colleagues(client):
    it = DepartmentFactory(name="IT", slug="it")
    me = UserFactory(first_name="Ruben", last_name="Leeuw", department=it, language="en")
    UserFactory(first_name="Femke", last_name="Jong", department=it, job_title="Analist")
    UserFactory(first_name="Other", last_name="Dept")
    client.force_login(me)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Good to see you, Ruben" in body
    assert "Your department: IT" in body
    assert "Femke Jong" in body and "Analist" in body
    assert "Other Dept" not in body
    assert "You have 1 colleague in this department." in body


def test_home_without_department_explains_what_to_do(client):
    me = UserFactory(language="en")
    client.force_login(me)
    body = client.get(reverse("home")).content.decode()
    assert "You are not in a department yet" in body


@pytest.mark.parametrize("colleagues", [2, 60])
def test_home_costs_a_fixed_number_of_queries(client, query_budget, colleagues):
    dept = DepartmentFactory()
    me = UserFactory(department=dept)
    UserFactory.create_batch(colleagues, department=dept)
    client.force_login(me)
    client.get(reverse("home"))  # warm the session cache
    # user, department, colleagues, counts, MFA state, Django's model permissions (2, for the
    # rail's permission checks), "My spaces" in the rail, feed, announcements, composer's
    # spaces, unread notifications
    with query_budget(12):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert len(re.findall(r'class="person"', response.content.decode())) == min(colleagues, 12)


ASSET = re.compile(r'(?:src|href|action)=["\']([^"\']+)["\']')


def _external(html: str) -> list[str]:
    return [
        url
        for url in ASSET.findall(html)
        if url.startswith("//") or re.match(r"https?://", url)
        if not re.match(r"https?://(testserver|localhost|127\.0\.0\.1)", url)
    ]


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
             "/accounts/email/", "/accounts/2fa/", "/people/invite/", "/api/docs/", "/admin/"]
)  # fmt: skip
def test_no_page_loads_anything_from_another_host(client, admin_user, settings, path):
    settings.SIGNUP_EMAIL_DOMAINS = ["plein.example"]
    if path != "/accounts/login/":
        client.force_login(admin_user)
    response = client.get(path, follow=True)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert _external(html) == [], f"{path} references another host"
    if path == "/api/docs/":
        # Swagger UI comes from drf-spectacular-sidecar's files, served by us.
        scripts = re.findall(r'<script src="([^"]+)"', html)
        assert scripts and all(src.startswith("/") for src in scripts)
        assert client.get(scripts[-1]).status_code == 200


def test_security_headers(client):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_csrf_is_enforced_on_forms(user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("account_login"), {"login": user.email, "password": "x"})
    assert response.status_code == 403


def test_base_ui_has_landmarks_skip_link_and_navigation(signed_in):
    html = signed_in.get(reverse("home")).content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert 'role="banner"' in html
    assert re.search(r"<nav[^>]+aria-label=", html)
    assert 'aria-current="page"' in html  # Home is marked as the current page
    assert "/static/django_htmx/htmx-2.min.js" in html or "htmx-2.min" in html


def test_administration_link_only_for_administrators(client, user, admin_user):
    client.force_login(user)
    assert b'href="/admin/"' not in client.get(reverse("home")).content
    client.force_login(admin_user)
    assert b'href="/admin/"' in client.get(reverse("home")).content


def test_permission_checks_of_plein_cost_no_model_permission_queries(client):
    """Plein's permissions are rules; Django's model permissions are not asked about them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = UserFactory()
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]
    assert not person.has_perm("profiles.invite_user")
    assert not person.has_perm("governance.view_auditentry")  # a model permission: still asked
