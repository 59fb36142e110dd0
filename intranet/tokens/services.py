"""Making, revoking and using access tokens; service accounts (writes, each audited)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from intranet.governance import audit, permissions
from intranet.tokens import scopes as scope_rules
from intranet.tokens.models import AccessToken, ServiceAccount

User = get_user_model()

PREFIX = "plein"
# How long a token may live: a token that never expires is a door left open.
VALID_DAYS = (7, 30, 90, 365)
MAX_ACTIVE_TOKENS = 25
KEY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud or retyped
# Usage is written at most this often per token: reads stay cheap, "last used" stays true.
USED_RESOLUTION = timedelta(minutes=1)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    key_id = get_random_string(10, KEY_ALPHABET)
    return key_id, f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"


def _validated(*, name: str, scopes: list[str], days: int) -> tuple[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the token a name, so you know later what uses it.")]
    elif len(name) > 80:
        errors["name"] = [_("Keep the name to 80 characters.")]
    scopes = sorted({str(scope) for scope in scopes or []})
    wrong = scope_rules.unknown(scopes)
    if wrong:
        errors["scopes"] = [_("Unknown scopes: %(scopes)s.") % {"scopes": ", ".join(wrong)}]
    elif not scopes:
        errors["scopes"] = [_("Choose at least one scope.")]
    if days not in VALID_DAYS:
        errors["days"] = [
            _("A token is valid for %(days)s days.")
            % {"days": ", ".join(str(d) for d in VALID_DAYS)}
        ]
    if errors:
        raise ValidationError(errors)
    return name, scopes


def _may_manage(*, actor, user) -> bool:
    """Tokens of oneself; a service account's tokens: administrators."""
    if not permissions.is_active(actor):
        return False
    if actor.pk == user.pk:
        return not hasattr(user, "service_account")
    return permissions.is_administrator(actor) and ServiceAccount.objects.filter(user=user).exists()


def create_token(
    *, actor, user, name: str, scopes: list[str], days: int
) -> tuple[AccessToken, str]:
    """Make a token for `user` (oneself, or a service account by an administrator). Returns the
    row and the token itself, which is never stored and cannot be shown again."""
    if not _may_manage(actor=actor, user=user):
        raise PermissionDenied
    name, scopes = _validated(name=name, scopes=scopes, days=days)
    with transaction.atomic():
        # Lock the owner: two simultaneous requests cannot both pass the count.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if AccessToken.objects.usable().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _("You have %(n)d tokens in use; revoke one you no longer need first.")
                % {"n": MAX_ACTIVE_TOKENS}
            )
        key_id, plain = _new_token()
        token = AccessToken.objects.create(
            user=user,
            created_by=actor,
            name=name,
            key_id=key_id,
            digest=digest_of(plain),
            scopes=scopes,
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit.record(
            actor=actor,
            action="token.created",
            target=token,
            after={"user": user.pk, "scopes": scopes, "expires_at": token.expires_at.isoformat()},
        )
    return token, plain


def revoke_token(*, actor, token_id: int) -> AccessToken:
    """Revoke a token at once; a revoked token is refused from the next request on."""
    with transaction.atomic():
        token = (
            AccessToken.objects.select_for_update()
            .select_related("user")
            .filter(pk=token_id)
            .first()
        )
        if token is None or not _may_manage(actor=actor, user=token.user):
            raise PermissionDenied
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(actor=actor, action="token.revoked", target=token)
    return token


def authenticate(*, raw: str) -> AccessToken | None:
    """The usable token `raw` names, with its user, or None (malformed, unknown, wrong secret,
    revoked, expired, or its account switched off: all alike to the caller)."""
    parts = raw.split("_", 2)  # the secret itself may hold "_"
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or len(raw) > 200:
        return None
    token = AccessToken.objects.select_related("user").filter(key_id=parts[1]).first()
    if token is None or not hmac.compare_digest(token.digest, digest_of(raw)):
        return None
    if not token.usable or not token.user.is_active:
        return None
    return token


def note_use(*, token: AccessToken, ip: str | None) -> None:
    """Remember when (and from where) a token was last used, at most once a minute."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < USED_RESOLUTION:
        return
    AccessToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - USED_RESOLUTION)
    ).update(last_used_at=now, last_used_ip=ip)


def record_use(*, token: AccessToken, method: str, path: str, status: int) -> None:
    """A use of a token in the audit log: every write, and reads once an hour per token (a
    script that reads every minute should not bury the log; the hour says it was there)."""
    from django.core.cache import cache

    write = method not in ("GET", "HEAD", "OPTIONS")
    if not write:
        hour = timezone.now().strftime("%Y%m%d%H")
        if not cache.add(f"tokens:read-logged:{token.pk}:{hour}", 1, timeout=3700):
            return
    audit.record(
        actor=token.user,
        action="token.write" if write else "token.read",
        target=token,
        after={"method": method, "path": path[:200], "status": status},
    )


@transaction.atomic
def create_service_account(*, actor, name: str, description: str = "") -> ServiceAccount:
    """An account for an integration. Only administrators; it cannot sign in with a password."""
    if not permissions.is_administrator(actor):
        raise PermissionDenied
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError({"name": [_("Give the service account a name (at most 80).")]})
    if len(description or "") > 300:
        raise ValidationError({"description": [_("Keep the description to 300 characters.")]})
    email = f"service-{get_random_string(12, KEY_ALPHABET)}@service-accounts.invalid"
    # No password: create_user(password=None) stores an unusable one, so only tokens work.
    user = User.objects.create_user(email=email, password=None, first_name=name[:150])
    account = ServiceAccount.objects.create(user=user, owner=actor, description=description)
    audit.record(actor=actor, action="service_account.created", target=account)
    return account


@transaction.atomic
def deactivate_service_account(*, actor, account_id: int) -> ServiceAccount:
    """Switch an integration off: its account is deactivated and every token revoked."""
    if not permissions.is_administrator(actor):
        raise PermissionDenied
    account = ServiceAccount.objects.select_related("user").filter(pk=account_id).first()
    if account is None:
        raise PermissionDenied
    now = timezone.now()
    revoked = AccessToken.objects.filter(user=account.user, revoked_at__isnull=True).update(
        revoked_at=now
    )
    if account.user.is_active:
        account.user.is_active = False
        account.user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="service_account.deactivated",
            target=account,
            after={"tokens_revoked": revoked},
        )
    return account
