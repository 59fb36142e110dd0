"""Dutch and English: the user's saved choice, then Accept-Language; Dutch by default."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_dutch_is_the_default(client):
    response = client.get(reverse("account_login"))
    assert response["Content-Language"] == "nl"
    assert b'<html lang="nl">' in response.content
    assert b"Aanmelden" in response.content


def test_browser_language_is_followed(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Content-Language"] == "en"
    assert b"Sign In" in response.content


def test_saved_preference_beats_the_browser(client, user):
    user.language = "nl"
    user.save()
    client.force_login(user)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "nl"
    assert b"Fijn dat je er bent" in response.content


def test_switching_language_saves_it_on_the_account(client, user):
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert user.language == "en"
    assert b"Good to see you" in client.get("/", HTTP_ACCEPT_LANGUAGE="nl").content


def test_switching_back_to_browser_default_clears_the_preference(client, user):
    user.language = "en"
    user.save()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": ""})
    user.refresh_from_db()
    assert user.language == ""


def test_anonymous_switch_sets_a_cookie_for_the_login_page(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("account_login")}
    )
    assert response["Location"] == reverse("account_login")
    assert client.cookies["plein_language"].value == "en"
    assert b"Sign In" in client.get(reverse("account_login")).content


def test_unknown_language_is_refused_and_nothing_changes(client, user):
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"}, follow=True)
    assert b"Kies Nederlands of Engels" in response.content
    user.refresh_from_db()
    assert user.language == ""


def test_next_to_another_host_is_ignored(client, user):
    client.force_login(user)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_language_switch_only_accepts_post(client):
    assert client.get(reverse("set_language")).status_code == 405
