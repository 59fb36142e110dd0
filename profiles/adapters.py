"""Who may sign up: addresses in SIGNUP_EMAIL_DOMAINS, or holders of a pending invitation.
The same rule applies to single sign-on, since a Google or Microsoft account outside the
organisation must not become an employee by logging in."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings

from profiles import selectors, services

INVITATION_SESSION_KEY = "plein_invitation_token"


def email_domain_allowed(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].lower()
    return domain in settings.SIGNUP_EMAIL_DOMAINS


def email_may_sign_up(email: str) -> bool:
    return email_domain_allowed(email) or selectors.pending_invitation(email=email) is not None


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        # allauth's per-address login limits count the real client, not the reverse proxy.
        from intranet.core.client_ip import client_ip

        return client_ip(request)

    def is_open_for_signup(self, request) -> bool:
        if settings.SIGNUP_EMAIL_DOMAINS:
            return True
        token = request.session.get(INVITATION_SESSION_KEY)
        return bool(token) and selectors.pending_invitation(token=token) is not None

    def is_email_verified(self, request, email: str) -> bool:
        # Following the invitation link proved the address; no second mail needed.
        token = request.session.get(INVITATION_SESSION_KEY)
        invitation = selectors.pending_invitation(token=token) if token else None
        if invitation is not None and invitation.email.lower() == email.lower():
            return True
        return super().is_email_verified(request, email)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        invitation = selectors.pending_invitation(email=user.email)
        if commit and invitation is not None:
            services.accept_invitation(invitation=invitation, user=user)
            request.session.pop(INVITATION_SESSION_KEY, None)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        email = (sociallogin.user.email or "").strip()
        return bool(email) and email_may_sign_up(email)
