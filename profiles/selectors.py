from __future__ import annotations

from django.utils import timezone

from profiles.models import Invitation


def pending_invitation(*, email: str | None = None, token: str | None = None) -> Invitation | None:
    invitations = Invitation.objects.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())
    if token is not None:
        invitations = invitations.filter(token=token)
    if email is not None:
        invitations = invitations.filter(email__iexact=email)
    return invitations.first()
