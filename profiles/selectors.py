from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from profiles.models import Invitation

User = get_user_model()


def pending_invitation(*, email: str | None = None, token: str | None = None) -> Invitation | None:
    invitations = Invitation.objects.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())
    if token is not None:
        invitations = invitations.filter(token=token)
    if email is not None:
        invitations = invitations.filter(email__iexact=email)
    return invitations.first()


def department_colleagues(*, user: User, limit: int = 12) -> QuerySet[User]:
    """Active colleagues in the user's own department, for the home page."""
    if user.department_id is None:
        return User.objects.none()
    return (
        User.objects.filter(department_id=user.department_id, is_active=True)
        .exclude(pk=user.pk)
        .select_related("department")
        .order_by("first_name", "last_name")[:limit]
    )
