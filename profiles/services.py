"""Writes about people. One function per action: it checks permission, validates, writes in one
transaction and sends what must go out only after commit."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from profiles.models import Invitation

User = get_user_model()


def set_language_preference(*, user: User, language: str) -> User:
    """Save the language the user chose; an empty value means "follow the browser"."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose Dutch or English.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def invite_user(*, invited_by: User, email: str, language: str | None = None) -> Invitation:
    """Invite one email address to sign up; resending refreshes the link's validity."""
    if not invited_by.has_perm("profiles.invite_user"):
        raise PermissionDenied
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Enter a valid email address.")}) from error
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Someone with this email address already has an account.")}
        )
    expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(email__iexact=email, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            invitation = Invitation.objects.create(
                email=email, invited_by=invited_by, expires_at=expires_at
            )
        else:
            invitation.invited_by = invited_by
            invitation.expires_at = expires_at
            invitation.save(update_fields=["invited_by", "expires_at"])
        invitation_id = invitation.pk
        transaction.on_commit(
            lambda: send_invitation_email(
                invitation_id=invitation_id, language=language or translation.get_language()
            )
        )
    return invitation


def send_invitation_email(*, invitation_id: int, language: str) -> None:
    invitation = Invitation.objects.select_related("invited_by").get(pk=invitation_id)
    link = settings.SITE_URL + reverse("invitation_accept", args=[invitation.token])
    with translation.override(language):
        context = {
            "invitation": invitation,
            "link": link,
            "inviter": invitation.invited_by.display_name,
        }
        subject = _("%(name)s invites you to Plein") % {"name": context["inviter"]}
        body = render_to_string("profiles/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def accept_invitation(*, invitation: Invitation, user: User) -> None:
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            return
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
