"""Signed reply addresses: reply+<token>@<domain>.

The token names the recipient, what they may reply to (a kind and an id) and when it was made:
`<kind>.<target id>.<user id>.<issued>.<signature>`, numbers in base 36 and the signature an
HMAC-SHA256 of the rest (Django's salted_hmac with its own salt and SECRET_KEY, as
django.core.signing uses) in base 32, cut to 80 bits. All of it is lower-case letters, digits
and dots, so a mail system that changes the case of the local part changes nothing, and the
whole local part stays well under the 64 characters RFC 5321 allows. Guessing a signature
means 2^80 tries; a token is refused after PLEIN_INBOUND_REPLY_DAYS."""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "plein.inbound.reply"
SIGNATURE_LENGTH = 16  # base 32: 80 bits
TOKEN = re.compile(
    r"^(?P<kind>[a-z]{1,10})\.(?P<target>[0-9a-z]{1,13})\.(?P<user>[0-9a-z]{1,13})"
    r"\.(?P<issued>[0-9a-z]{1,10})\.(?P<signature>[a-z2-7]{" + str(SIGNATURE_LENGTH) + "})$"
)
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def domain() -> str:
    return (getattr(settings, "PLEIN_INBOUND_EMAIL_DOMAIN", "") or "").strip().lower()


def local_part() -> str:
    return (getattr(settings, "PLEIN_INBOUND_EMAIL_LOCAL", "") or "reply").strip().lower()


def valid_days() -> int:
    return int(getattr(settings, "PLEIN_INBOUND_REPLY_DAYS", 30))


def enabled() -> bool:
    return bool(domain())


def _b36(number: int) -> str:
    if number < 0:
        raise ValueError("negative")
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = DIGITS[digit] + text
        if number == 0:
            return text


def _signature(payload: str, secret) -> str:
    digest = salted_hmac(SALT, payload, secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest).decode("ascii").lower()[:SIGNATURE_LENGTH]


def make_token(*, user_id: int, kind: str, target_id: int, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    payload = f"{kind}.{_b36(target_id)}.{_b36(user_id)}.{_b36(issued)}"
    return f"{payload}.{_signature(payload, settings.SECRET_KEY)}"


def reply_address(*, user_id: int, kind: str, target_id: int, now: float | None = None) -> str:
    """The Reply-To address for one person and one thing; "" when inbound email is off."""
    if not enabled():
        return ""
    token = make_token(user_id=user_id, kind=kind, target_id=target_id, now=now)
    return f"{local_part()}+{token}@{domain()}"


@dataclass(frozen=True)
class Token:
    kind: str
    target_id: int
    user_id: int
    issued: int
    expired: bool


class BadToken(Exception):
    """Not a token we made (a wrong or missing signature, a malformed token)."""


def read_token(token: str, *, now: float | None = None) -> Token:
    """The token's content when we signed it (with SECRET_KEY or one of its fallbacks);
    BadToken otherwise. An expired token is returned with expired=True, so the refusal can
    say so."""
    found = TOKEN.match((token or "").strip().lower())
    if found is None:
        raise BadToken("malformed")
    payload = token.strip().lower().rsplit(".", 1)[0]
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(
        constant_time_compare(_signature(payload, secret), found["signature"]) for secret in secrets
    ):
        raise BadToken("signature")
    issued = int(found["issued"], 36)
    age = (time.time() if now is None else now) - issued
    return Token(
        kind=found["kind"],
        target_id=int(found["target"], 36),
        user_id=int(found["user"], 36),
        issued=issued,
        expired=age > valid_days() * 24 * 3600 or age < -300,
    )


def token_of(address: str) -> str | None:
    """The token in one of our reply addresses (case-insensitive), or None for any other."""
    address = (address or "").strip().lower()
    local, at, host = address.rpartition("@")
    if not at or not enabled() or host != domain():
        return None
    prefix = local_part() + "+"
    if not local.startswith(prefix):
        return None
    return local[len(prefix) :] or None
