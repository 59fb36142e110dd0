"""Accounts through allauth, over HTTP, with email delivered to a real SMTP server."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.helpers import signup

pytestmark = pytest.mark.django_db
User = get_user_model()
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def login(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def test_login_with_email_and_password_reaches_home(client, user):
    response = login(client, user.email, PASSWORD, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.status_code == 200
    assert response.wsgi_request.user == user


def test_email_is_case_insensitive_at_login(client, user):
    response = login(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("which", ["wrong password", "unknown email"])
def test_bad_credentials_give_one_clear_message(client, user, which):
    email = user.email if which == "wrong password" else "niemand@plein.example"
    response = login(client, email, "not-the-password", **EN)
    assert response.status_code == 200
    assert b"The email address and/or password you specified are not correct." in response.content
    assert "_auth_user_id" not in client.session
    # The address typed is kept, so the user only fixes the password.
    assert f'value="{email}"'.encode() in response.content


def test_bad_credentials_in_dutch(client, user):
    response = login(client, user.email, "fout", HTTP_ACCEPT_LANGUAGE="nl")
    assert "opgegeven e-mailadres en/of wachtwoord is niet correct" in response.content.decode()


def test_login_is_rate_limited_per_account(client, user):
    for _ in range(5):
        login(client, user.email, "wrong", **EN)
    response = login(client, user.email, PASSWORD, **EN)
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, user):
    client.force_login(user)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_unverified_address_cannot_sign_in_and_gets_a_new_mail(client, mailbox):
    person = UserFactory(verified=False)
    EmailAddress.objects.create(user=person, email=person.email, verified=False, primary=True)
    response = login(client, person.email, PASSWORD, follow=True, **EN)
    assert "_auth_user_id" not in client.session
    assert b"Verify Your Email Address" in response.content
    assert mailbox.wait_for(1)[0]["X-Envelope-To"] == person.email


# --- Sign-up -----------------------------------------------------------------------------------


def test_signup_with_an_allowed_domain_verifies_by_email(client, settings, mailbox):
    settings.SIGNUP_EMAIL_DOMAINS = ["plein.example"]
    response = signup(client, "noor.peters@plein.example", **EN)
    assert response.status_code == 302
    person = User.objects.get(email="noor.peters@plein.example")
    assert (person.first_name, person.last_name) == ("Noor", "Peters")
    assert "_auth_user_id" not in client.session  # mandatory verification first

    message = mailbox.wait_for(1)[0]
    assert message["To"] == "noor.peters@plein.example"
    assert message["Subject"].startswith("[Plein]")
    link = next(url for url in mailbox.links() if "confirm-email" in url)
    path = re.sub(r"^https?://[^/]+", "", link)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=person.email).verified
    assert client.get(reverse("home")).status_code == 200


def test_signup_outside_the_allowed_domains_is_refused(client, settings, mailbox):
    settings.SIGNUP_EMAIL_DOMAINS = ["plein.example"]
    response = signup(client, "iemand@gmail.example", **EN)
    assert response.status_code == 200
    assert b"Sign up with your work email address (@plein.example)" in response.content
    assert not User.objects.filter(email="iemand@gmail.example").exists()
    assert b'value="Noor"' in response.content  # input kept
    assert mailbox.messages == []


def test_signup_is_closed_without_domains_or_invitation(client, settings):
    settings.SIGNUP_EMAIL_DOMAINS = []
    response = signup(client, "noor@plein.example", **EN)
    assert response.status_code == 200
    assert b"Sign Up Closed" in response.content
    assert not User.objects.filter(email="noor@plein.example").exists()


def test_signup_twice_with_the_same_address_makes_no_second_account(
    client, settings, user, mailbox
):
    settings.SIGNUP_EMAIL_DOMAINS = ["plein.example"]
    response = signup(client, user.email.upper(), **EN)
    # The page does not reveal that the address exists (enumeration); the owner is told by mail.
    assert response.status_code == 302
    assert User.objects.filter(email__iexact=user.email).count() == 1
    message = mailbox.wait_for(1)[0]
    assert message["X-Envelope-To"] == user.email
    assert "Account Already Exists" in message["Subject"]


def test_signup_with_mismatched_passwords_keeps_input_and_saves_nothing(client, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["plein.example"]
    response = signup(client, "noor@plein.example", password2="iets-anders-43", **EN)
    assert response.status_code == 200
    assert b"You must type the same password each time." in response.content
    assert not User.objects.filter(email="noor@plein.example").exists()


# --- Password reset ----------------------------------------------------------------------------


def request_reset(client, mailbox, user) -> str:
    client.post(reverse("account_reset_password"), {"email": user.email})
    mailbox.wait_for(1)
    link = next(url for url in mailbox.links() if "/password/reset/key/" in url)
    return re.sub(r"^https?://[^/]+", "", link)


def test_password_reset_by_email(client, user, mailbox):
    path = request_reset(client, mailbox, user)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "nieuw-wachtwoord-2026", "password2": "nieuw-wachtwoord-2026"}
    )
    assert response.status_code == 302
    client.logout()
    assert login(client, user.email, "nieuw-wachtwoord-2026").status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_reset_for_unknown_address_reveals_nothing(client, mailbox):
    response = client.post(reverse("account_reset_password"), {"email": "wie@plein.example"})
    assert response.status_code == 302  # same answer as for a known address


def test_expired_reset_link_says_so(client, user, mailbox, settings):
    path = request_reset(client, mailbox, user)
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is now too old
    response = client.get(path, follow=True, **EN)
    assert response.status_code == 200
    assert b"The password reset link was invalid" in response.content
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_used_reset_link_cannot_be_used_again(client, user, mailbox):
    path = request_reset(client, mailbox, user)
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(
        form_url, {"password1": "nieuw-wachtwoord-2026", "password2": "nieuw-wachtwoord-2026"}
    )
    client.logout()
    response = client.get(path, follow=True, **EN)
    assert b"The password reset link was invalid" in response.content


# --- Two-step verification (TOTP) --------------------------------------------------------------


def current_code(secret: str) -> str:
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


def test_totp_is_asked_after_the_password(client, user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"}, **EN)
    assert wrong.status_code == 200
    assert b"Incorrect code" in wrong.content
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_home_marks_two_step_verification_as_done(client, user):
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert not re.search(
        r'<li class="is-done">\s*<span[^>]*>[^<]*</span>\s*<a href="/accounts/2fa/', html
    )
    TOTP.activate(user, generate_totp_secret())
    html = client.get(reverse("home")).content.decode()
    assert re.search(
        r'<li class="is-done">\s*<span[^>]*>[^<]*</span>\s*<a href="/accounts/2fa/', html
    )
