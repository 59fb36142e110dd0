"""Administrators sign in through allauth only (its rate limits and two-step verification
apply to the Django admin's login too) and need MFA before administration pages open; the
organisation may ask it of everyone. MFA changes are audited. All over HTTP."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.urls import reverse

from intranet.governance.models import AuditEntry
from tests.factories import PASSWORD, AdminFactory, UserFactory, enrol_mfa
from tests.factories import totp_code as code

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ENROL = reverse("mfa_activate_totp")
ADMIN_PAGES = [
    "/governance/",
    "/governance/audit/",
    "/governance/roles/",
    "/governance/security/",
    "/organisation/departments/new/",
    "/insights/",
    "/insights/adoption/",
    "/digests/admin/",
    "/digests/outbox/",
    "/admin/",
]


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


# --- The Django admin's login is allauth's --------------------------------------------------


def test_admin_login_page_sends_to_allauths_login_with_next(client):
    response = client.get("/admin/login/?next=/admin/profiles/user/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == reverse("account_login")
    assert parse_qs(target.query)["next"] == ["/admin/profiles/user/"]

    # The admin's own form no longer signs anyone in, not even with the right password.
    admin = AdminFactory()
    posted = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert posted.status_code == 302
    assert urlsplit(posted["Location"]).path == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_brute_force_through_the_admin_login_stops_at_allauths_limit(client):
    admin = AdminFactory()
    # Guessing at /admin/login/ checks no password at all: every try is sent to allauth.
    for _ in range(20):
        client.post("/admin/login/", {"username": admin.email, "password": "wrong"})
    answer = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    login_url = answer["Location"]
    # There the per-account limit (5 failures in 5 minutes) holds, right password or not.
    for _ in range(5):
        failed = client.post(login_url, {"login": admin.email, "password": "wrong"}, **EN)
        assert failed.status_code == 200
    refused = client.post(login_url, {"login": admin.email, "password": PASSWORD}, **EN)
    assert b"Too many failed login attempts" in refused.content
    assert "_auth_user_id" not in client.session


def test_admin_reaches_the_django_admin_only_after_password_and_code(client):
    admin = AdminFactory()
    admin_login = client.get("/admin/")["Location"]  # the admin's own login, with next
    login_url = client.get(admin_login)["Location"]
    assert urlsplit(login_url).path == reverse("account_login")
    answer = client.post(login_url, {"login": admin.email, "password": PASSWORD})
    assert answer["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    answer = client.post(reverse("mfa_authenticate"), {"code": code(admin.totp_secret)})
    assert answer.status_code == 302
    assert answer["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# --- Administrators without MFA are sent to enrol -------------------------------------------


@pytest.mark.parametrize("who", ["administrator", "superuser"])
def test_administrator_without_mfa_is_sent_to_enrol_then_gets_in(client, who):
    if who == "administrator":
        admin = AdminFactory(mfa=False)
    else:
        admin = UserFactory(is_superuser=True, is_staff=True, mfa=False)
    client.force_login(admin)
    for url in ADMIN_PAGES:
        response = client.get(url, **EN)
        assert response.status_code == 302, url
        assert response["Location"] == ENROL, url
    api = client.get("/api/insights/network/", **EN)
    assert api.status_code == 403
    assert "two-step verification" in api.json()["detail"]
    # The enrol page opens (no loop) and says why.
    page = client.get(ENROL, follow=True, **EN).content.decode()
    assert "Administrators need two-step verification" in page
    # Ordinary pages stay open.
    assert client.get("/", **EN).status_code == 200

    enrol_mfa(admin)
    for url in ADMIN_PAGES:
        assert client.get(url, **EN).status_code == 200, url
    assert client.get("/api/insights/network/", **EN).status_code == 200


# --- The organisation can ask it of everyone -------------------------------------------------


def test_organisation_setting_requires_mfa_for_every_role(client, user):
    # By default only administrators are asked; nobody else may change that.
    client.force_login(user)
    assert client.get("/", **EN).status_code == 200
    assert client.get("/insights/me/", **EN).status_code == 200
    assert client.post("/governance/security/", {"required": "on"}).status_code == 404
    assert client.get("/", **EN).status_code == 200

    admin = AdminFactory()
    client.force_login(admin)
    page = client.get("/governance/security/", **EN)
    assert page.status_code == 200
    assert client.post("/governance/security/", {"required": "on"}).status_code == 302
    entry = AuditEntry.objects.get(action="mfa.policy_changed")
    assert (entry.actor_id, entry.before, entry.after) == (
        admin.pk,
        {"mfa_required_for_everyone": False},
        {"mfa_required_for_everyone": True},
    )

    client.force_login(user)
    for url in ("/", "/spaces/", "/people/"):
        response = client.get(url, **EN)
        assert response.status_code == 302, url
        assert response["Location"] == ENROL
    assert client.get("/api/search/?q=x").status_code == 403
    page = client.get(ENROL, follow=True, **EN)
    assert page.status_code == 200
    assert "Your organisation asks everyone to use two-step verification" in page.content.decode()
    assert client.get(reverse("mfa_index"), **EN).status_code == 200

    enrol_mfa(user)
    assert client.get("/", **EN).status_code == 200

    # Switched off again: an employee without MFA gets in.
    client.force_login(admin)
    assert client.post("/governance/security/", {}).status_code == 302
    client.force_login(UserFactory())
    assert client.get("/", **EN).status_code == 200


# --- Enrolment offers recovery codes, and every change is audited ----------------------------


def test_enrolling_and_removing_mfa_is_audited(client, django_capture_on_commit_callbacks):
    admin = AdminFactory(mfa=False)
    sign_in(client, admin.email)
    assert client.get("/governance/", **EN)["Location"] == ENROL
    # Setting up a second step asks for the password again (allauth's re-authentication).
    again = client.get(ENROL, **EN)
    assert urlsplit(again["Location"]).path == reverse("account_reauthenticate")
    client.post(again["Location"], {"password": PASSWORD}, **EN)
    assert client.get(ENROL, **EN).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(ENROL, {"code": code(secret)}, **EN)
    # Recovery codes are made along with it, and shown next.
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    assert client.get(done["Location"], **EN).status_code == 200
    added = AuditEntry.objects.filter(action="mfa.activated", target_id=admin.pk)
    assert sorted(e.after["type"] for e in added) == ["recovery_codes", "totp"]
    assert {(e.actor_id, e.target_type) for e in added} == {(admin.pk, "user")}
    assert client.get("/governance/", **EN).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_generate_recovery_codes"), **EN)
    assert AuditEntry.objects.filter(action="mfa.recovery_codes_regenerated").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_deactivate_totp"), **EN)
    assert not Authenticator.objects.filter(user=admin).exists()
    removed = AuditEntry.objects.filter(action="mfa.deactivated", target_id=admin.pk)
    assert sorted(e.after["type"] for e in removed) == ["recovery_codes", "totp"]
    # And without it the administration pages close again.
    assert client.get("/governance/", **EN)["Location"] == ENROL


def test_removing_someones_authenticator_in_the_django_admin_is_audited(client):
    """Support may remove a colleague's lost authenticator in Django's admin; that bypassed
    allauth's signals, so it went unrecorded. Now it is audited with who did it, and a
    secret cannot be edited there."""
    superuser = AdminFactory(is_superuser=True)
    person = UserFactory(mfa=True)
    totp = Authenticator.objects.get(user=person, type="totp")
    client.force_login(superuser)
    url = reverse("admin:mfa_authenticator_change", args=[totp.pk])
    assert client.post(url, {"type": "totp", "data": "{}"}).status_code == 403
    delete = reverse("admin:mfa_authenticator_delete", args=[totp.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Authenticator.objects.filter(pk=totp.pk).exists()
    entry = AuditEntry.objects.get(action="mfa.deactivated", target_id=person.pk)
    assert (entry.actor_id, entry.after) == (superuser.pk, {"type": "totp"})
    # Several at once (the list's delete action) too, one entry each.
    codes = Authenticator.objects.get(user=person, type="recovery_codes")
    client.post(
        reverse("admin:mfa_authenticator_changelist"),
        {"action": "delete_selected", "_selected_action": [codes.pk], "post": "yes"},
    )
    assert not Authenticator.objects.filter(user=person).exists()
    assert AuditEntry.objects.filter(action="mfa.deactivated", target_id=person.pk).count() == 2
