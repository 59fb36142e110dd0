import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from profiles.models import Invitation
from tests.factories import InvitationFactory
from tests.helpers import signup

pytestmark = pytest.mark.django_db
User = get_user_model()
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_administrator_invites_a_guest_who_gets_an_email(
    client, admin_user, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.SIGNUP_EMAIL_DOMAINS = ["plein.example"]
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("invite"), {"email": "Adviseur@Extern.example"}, follow=True)
    assert len(callbacks) == 1  # the mail goes out only once the invitation is committed
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert invitation.email == "adviseur@extern.example"
    assert invitation.invited_by == admin_user
    message = mailbox.wait_for(1)[0]
    assert message["To"] == "adviseur@extern.example"
    assert admin_user.display_name in message["Subject"]
    assert any(invitation.token in link for link in mailbox.links())


def test_invitation_link_leads_to_signup_without_second_verification(client, settings, mailbox):
    settings.SIGNUP_EMAIL_DOMAINS = []
    invitation = InvitationFactory(email="gast@extern.example")
    response = client.get(reverse("invitation_accept", args=[invitation.token]))
    assert response["Location"] == reverse("account_signup")
    form = client.get(reverse("account_signup"))
    assert b'value="gast@extern.example"' in form.content
    response = signup(client, "gast@extern.example", first_name="Gert", last_name="Gast")
    assert response.status_code == 302
    person = User.objects.get(email="gast@extern.example")
    assert client.session["_auth_user_id"] == str(person.pk)  # signed in at once
    assert EmailAddress.objects.get(user=person).verified
    invitation.refresh_from_db()
    assert invitation.accepted_by == person and invitation.accepted_at is not None
    assert mailbox.messages == []


def test_invited_address_may_sign_up_without_the_link_but_must_verify(client, settings, mailbox):
    settings.SIGNUP_EMAIL_DOMAINS = ["plein.example"]  # sign-up open, but not for extern.example
    InvitationFactory(email="gast@extern.example")
    response = signup(client, "gast@extern.example", first_name="Gert", last_name="Gast")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert mailbox.wait_for(1)[0]["To"] == "gast@extern.example"


@pytest.mark.parametrize("state", ["expired", "accepted", "unknown"])
def test_invalid_invitation_link_is_a_clear_404(client, state):
    if state == "unknown":
        token = "bestaat-niet"
    else:
        invitation = InvitationFactory()
        if state == "expired":
            invitation.expires_at = timezone.now() - timezone.timedelta(minutes=1)
        else:
            invitation.accepted_at = timezone.now()
        invitation.save()
        token = invitation.token
    response = client.get(reverse("invitation_accept", args=[token]), **EN)
    assert response.status_code == 404
    assert b"This invitation is no longer valid" in response.content
    assert "plein_invitation_token" not in client.session


def test_invite_page_is_404_for_employees(client, user):
    client.force_login(user)
    assert client.get(reverse("invite")).status_code == 404
    assert client.post(reverse("invite"), {"email": "x@extern.example"}).status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("email", "message"),
    [("geen-adres", b"Enter a valid email address."),
     ("", b"This field is required."),
     ("EXISTING", b"Someone with this email address already has an account.")],
)  # fmt: skip
def test_invite_bad_input_is_explained_and_saves_nothing(client, admin_user, user, email, message):
    client.force_login(admin_user)
    if email == "EXISTING":
        email = user.email.upper()
    response = client.post(reverse("invite"), {"email": email}, **EN)
    assert response.status_code == 400
    assert message in response.content
    assert not Invitation.objects.exists()


def test_inviting_again_refreshes_the_same_invitation(
    client, admin_user, mailbox, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    old = InvitationFactory(email="gast@extern.example", expires_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invite"), {"email": "gast@extern.example"})
    assert Invitation.objects.count() == 1
    old.refresh_from_db()
    assert old.expires_at > timezone.now() + timezone.timedelta(days=13)
    mailbox.wait_for(1)
    assert re.search(old.token, mailbox.links()[0])
