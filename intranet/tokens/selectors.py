"""Reads for the token pages: one query per list."""

from __future__ import annotations

from intranet.tokens.models import AccessToken, ServiceAccount


def tokens_of(*, user) -> list[AccessToken]:
    return list(AccessToken.objects.filter(user=user).order_by("revoked_at", "-created_at")[:200])


def service_accounts() -> list[ServiceAccount]:
    return list(
        ServiceAccount.objects.select_related("user", "owner").order_by("-created_at")[:500]
    )


def service_account(*, account_id: int) -> ServiceAccount | None:
    return ServiceAccount.objects.select_related("user", "owner").filter(pk=account_id).first()
