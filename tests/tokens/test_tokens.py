"""Personal access tokens and service accounts: made on the account page and shown once,
stored hashed, scoped, expiring, revocable, throttled per token, and every use audited."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from intranet.governance.models import AuditEntry
from intranet.tokens import services
from intranet.tokens.models import AccessToken, ServiceAccount
from tests.factories import AdminFactory, MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; the Dutch ones are checked by tests/core/test_i18n."""
    with translation.override("en"):
        yield


@pytest.fixture
def forum(user):
    space = SpaceFactory(slug="inkoop", name="Inkoop")
    MembershipFactory(space=space, user=user, role="member")
    return space


def make(user, *, scopes=("read",), days=30, name="Script"):
    return services.create_token(actor=user, user=user, name=name, scopes=list(scopes), days=days)


# --- the page -----------------------------------------------------------------------------


def test_a_token_made_on_the_page_is_shown_once_and_stored_only_as_a_digest(signed_in, user):
    url = reverse("tokens:mine")
    response = signed_in.post(
        url, {"name": "HR-koppeling", "scopes": ["forums:write", "people:read"], "days": "90"}
    )
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    token = AccessToken.objects.get(user=user)
    shown = response.context["created"]
    assert shown.startswith(f"plein_{token.key_id}_") and shown in response.content.decode()
    # At rest: the digest, never the token.
    assert token.digest == hashlib.sha256(shown.encode()).hexdigest()
    assert shown not in str(AccessToken.objects.filter(pk=token.pk).values().get())
    assert sorted(token.scopes) == ["forums:write", "people:read"]
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    # Shown once: the list afterwards names it but does not show it again.
    again = signed_in.get(url).content.decode()
    assert "HR-koppeling" in again and shown not in again
    assert AuditEntry.objects.filter(action="token.created", target_id=token.pk).exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "", "scopes": ["read"], "days": "30"}, "name"),
        ({"name": "x" * 81, "scopes": ["read"], "days": "30"}, "name"),
        ({"name": "Script", "scopes": ["admin:everything"], "days": "30"}, "scopes"),
        ({"name": "Script", "days": "30"}, "scopes"),
        ({"name": "Script", "scopes": ["read"], "days": "3650"}, "days"),
        ({"name": "Script", "scopes": ["read"], "days": "soon"}, "days"),
    ],
)
def test_bad_token_input_says_why_and_saves_nothing(signed_in, data, field):
    response = signed_in.post(reverse("tokens:mine"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not AccessToken.objects.exists()


def test_unknown_scopes_are_refused_by_the_service_too(user):
    with pytest.raises(Exception, match="Unknown scopes: everything"):
        make(user, scopes=["read", "everything"])
    with pytest.raises(Exception, match="days"):
        make(user, days=10_000)
    assert not AccessToken.objects.exists()


def test_one_may_revoke_only_ones_own_tokens(client, user):
    token, _plain = make(UserFactory())
    client.force_login(user)
    assert client.post(reverse("tokens:revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("tokens:revoke", args=[999999])).status_code == 404
    assert client.get(reverse("tokens:revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_pages_need_a_signed_in_person(client):
    response = client.get(reverse("tokens:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- using a token --------------------------------------------------------------------------


def test_a_token_reads_and_writes_as_its_person_without_session_or_csrf(client, user, forum):
    _token, plain = make(user, scopes=["forums:write"])
    topics = f"/api/v1/spaces/{forum.slug}/topics/"
    assert client.get(topics, **bearer(plain)).status_code == 200
    response = client.post(
        topics,
        {"title": "Hoe vraag ik een nieuwe laptop aan?", "body": "Via welk formulier?"},
        content_type="application/json",
        **bearer(plain),
    )
    assert response.status_code == 201, response.content
    assert response.json()["author"] == user.display_name
    # The unversioned alias answers the same.
    assert client.get(f"/api/spaces/{forum.slug}/topics/", **bearer(plain)).status_code == 200


def test_scopes_are_enforced_per_area_and_level(client, user, forum):
    _t, read_forums = make(user, scopes=["forums:read"])
    topics = f"/api/v1/spaces/{forum.slug}/topics/"
    body = {"title": "Mag dit token schrijven?", "body": "Nee."}
    refused = client.post(topics, body, content_type="application/json", **bearer(read_forums))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This token may not write here."
    # Another area: knowledge is not forums.
    assert client.get("/api/v1/articles/search/?q=x", **bearer(read_forums)).status_code == 403
    assert client.get("/api/v1/me/", **bearer(read_forums)).status_code == 403
    # The global read scope reads everywhere and writes nowhere.
    _t, read_all = make(user, scopes=["read"], name="Alles lezen")
    assert client.get("/api/v1/me/", **bearer(read_all)).status_code == 200
    assert (
        client.post(topics, body, content_type="application/json", **bearer(read_all)).status_code
        == 403
    )
    from forums.models import Topic

    assert not Topic.objects.exists()


@pytest.mark.parametrize("how", ["revoked", "expired", "wrong secret", "unknown", "malformed"])
def test_unusable_tokens_are_refused_alike(client, user, how):
    token, plain = make(user)
    if how == "revoked":
        services.revoke_token(actor=user, token_id=token.pk)
    elif how == "expired":
        AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif how == "wrong secret":
        plain = plain[:-4] + "AAAA"
    elif how == "unknown":
        plain = "plein_zzzzzzzzzz_" + "A" * 43
    else:
        plain = "not-a-token\x00"
    response = client.get("/api/v1/me/", **bearer(plain))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["detail"] == "This token is not valid."


def test_a_token_of_a_switched_off_account_is_refused(client, user):
    _token, plain = make(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/me/", **bearer(plain)).status_code == 401


def test_an_administrator_token_needs_two_step_verification_for_insights(client):
    admin = AdminFactory(mfa=False)
    _token, plain = make(admin)
    assert client.get("/api/v1/me/", **bearer(plain)).status_code == 200
    assert client.get("/api/v1/insights/phases/", **bearer(plain)).status_code == 403


def test_every_write_and_hourly_reads_are_in_the_audit_log(client, user, forum):
    token, plain = make(user, scopes=["forums:write"])
    topics = f"/api/v1/spaces/{forum.slug}/topics/"
    for _ in range(3):
        assert client.get(topics, **bearer(plain)).status_code == 200
    client.post(
        topics,
        {"title": "Wie beheert de vergaderzalen?", "body": "?"},
        content_type="application/json",
        **bearer(plain),
    )
    client.post(topics, {"title": ""}, content_type="application/json", **bearer(plain))
    entries = AuditEntry.objects.filter(target_type="accesstoken", target_id=token.pk)
    reads = entries.filter(action="token.read")
    writes = entries.filter(action="token.write").order_by("id")
    assert reads.count() == 1  # three reads within the hour: one entry
    assert [w.after["status"] for w in writes] == [201, 400]
    assert {w.actor_id for w in writes} == {user.pk}
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.1"


def test_each_token_has_its_own_api_budget(client, user, settings):
    settings.PLEIN_RATE_LIMITS = {**settings.PLEIN_RATE_LIMITS, "api": {"member": "3/minute"}}
    _a, first = make(user, name="Eerste")
    _b, second = make(user, name="Tweede")
    answers = [client.get("/api/v1/me/", **bearer(first)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    # The other token (and the person's own session) still have their budget.
    assert client.get("/api/v1/me/", **bearer(second)).status_code == 200
    client.force_login(user)
    assert client.get("/api/v1/me/").status_code == 200


def test_no_api_view_drops_the_scope_check():
    """A view that set its own permission_classes would let any token through."""
    from intranet.tokens.auth import TokenScopes
    from tests.test_one_path import api_views

    for path, view in api_views().items():
        assert TokenScopes in view.permission_classes, path


# --- service accounts ------------------------------------------------------------------------


def test_an_administrator_makes_a_service_account_and_its_token(client):
    admin = AdminFactory()
    client.force_login(admin)
    response = client.post(
        reverse("tokens:service_accounts"),
        {"name": "Servicedesk", "description": "Opent vragen vanuit TOPdesk"},
    )
    account = ServiceAccount.objects.get()
    assert response.status_code == 302
    assert account.owner == admin and not account.user.has_usable_password()
    page = reverse("tokens:service_account", args=[account.pk])
    made = client.post(page, {"name": "TOPdesk", "scopes": ["forums:write"], "days": "365"})
    assert made.status_code == 201
    plain = made.context["created"]
    client.logout()
    me = client.get("/api/v1/me/", **bearer(plain))
    assert me.status_code in (200, 403)  # forums:write does not read people
    assert AccessToken.objects.get().created_by == admin
    # Switched off: the token stops working at once.
    client.force_login(admin)
    client.post(reverse("tokens:deactivate", args=[account.pk]))
    client.logout()
    assert client.get("/api/v1/topics/unanswered/", **bearer(plain)).status_code == 401
    assert AuditEntry.objects.filter(action="service_account.deactivated").count() == 1


def test_service_accounts_are_for_administrators_only(client, user):
    account = services.create_service_account(actor=AdminFactory(), name="HR")
    client.force_login(user)
    for url in (
        reverse("tokens:service_accounts"),
        reverse("tokens:service_account", args=[account.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("tokens:deactivate", args=[account.pk])).status_code == 404
    # Nobody makes a token for a service account from their own page either.
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        services.create_token(actor=user, user=account.user, name="x", scopes=["read"], days=7)
    account.user.refresh_from_db()
    assert account.user.is_active and not AccessToken.objects.exists()


def test_a_service_account_cannot_sign_in_with_a_password(client):
    account = services.create_service_account(actor=AdminFactory(), name="HR")
    response = client.post(reverse("account_login"), {"login": account.user.email, "password": ""})
    assert "plein_session" not in response.cookies or not response.cookies["plein_session"].value
    assert not account.user.has_usable_password()


def test_bad_service_account_input(client):
    client.force_login(AdminFactory())
    response = client.post(reverse("tokens:service_accounts"), {"name": "  "})
    assert response.status_code == 400 and response.context["form"].errors["name"]
    assert not ServiceAccount.objects.exists()
    assert client.get(reverse("tokens:service_account", args=[98765])).status_code == 404


def test_a_secret_with_underscores_and_dashes_still_authenticates(user, monkeypatch):
    """token_urlsafe() may put "_" in the secret: only the first two split the token."""
    monkeypatch.setattr(services.secrets, "token_urlsafe", lambda n: "a_b-c_d" + "x" * 36)
    token, plain = make(user)
    assert plain.count("_") == 4
    assert services.authenticate(raw=plain) == token
