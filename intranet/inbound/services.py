"""Receiving a reply by email: one message in, posted as the person it was sent to, or refused.

The management command (an MTA pipe) and the HTTP endpoint both call receive(). The signed
reply address (intranet.inbound.tokens) says who may reply and to what; the From address must
be one of that person's verified addresses; the app that owns the target (registered in
intranet.inbound.registry) loads it through its access module for that person now, and posts
through its own service, rate limits included. Every message leaves an InboundMessage row."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.utils import getaddresses

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from intranet.core.ratelimit import RateLimited
from intranet.inbound import registry, text, tokens
from intranet.inbound.models import InboundMessage, Reason

logger = logging.getLogger(__name__)

# Where the address we were sent to can be found: the MTA's envelope headers and the message's.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To", "Cc")
# Refusals told to the sender by email: only once we know the message is theirs (a genuine
# address and their own From), so a forged message never makes us write to anyone.
TOLD = {Reason.EXPIRED, Reason.UNKNOWN_TARGET, Reason.EMPTY, Reason.NO_ACCESS, Reason.INVALID}


@dataclass(frozen=True)
class Outcome:
    posted: bool
    reason: str
    message: str
    url: str = ""
    retry_after: int | None = None
    record_id: int | None = None

    @property
    def temporary(self) -> bool:
        """Worth delivering again later (the MTA retries): a rate limit."""
        return self.reason == Reason.RATE_LIMITED


def max_bytes() -> int:
    return int(getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None) or 2_621_440)


def _explain(reason: str, detail: str = "") -> str:
    texts = {
        Reason.POSTED: _("Your reply is posted."),
        Reason.OFF: _("Replying by email is not set up here."),
        Reason.TOO_LARGE: _("The message is too large to post."),
        Reason.UNREADABLE: _("This is not an email message Plein can read."),
        Reason.AUTOMATIC: _("Automatic replies (such as out-of-office messages) are not posted."),
        Reason.NO_ADDRESS: _("The message was not sent to a Plein reply address."),
        Reason.FORGED: _("The reply address is not genuine."),
        Reason.EXPIRED: _(
            "The reply address has expired: reply on Plein itself, or to a newer email."
        ),
        Reason.SENDER: _("The reply was sent from another address than the one the email went to."),
        Reason.UNKNOWN_TARGET: _("There is nothing to reply to at this address."),
        Reason.DUPLICATE: _("This reply was posted already."),
        Reason.EMPTY: _(
            "Your reply has no new text: write above the quoted message and send it again."
        ),
        Reason.NO_ACCESS: _("You can no longer reply there."),
        Reason.RATE_LIMITED: _("You are posting a lot in a short time; try again later."),
        Reason.INVALID: _("Your reply could not be posted."),
    }
    message = str(texts.get(reason, texts[Reason.INVALID]))
    return f"{message} {detail}".strip() if detail else message


def _automatic(message) -> bool:
    """Out-of-office replies, delivery reports and list mail: never posted (RFC 3834)."""
    submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (
        submitted not in ("", "no")
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or any(message.get(name) is not None for name in ("X-Autoreply", "X-Autorespond"))
        or message.get_content_type() == "multipart/report"
        or str(message.get("Return-Path", "")).strip() == "<>"
    )


def _storable(value: str) -> str:
    """Text PostgreSQL can hold: undecodable bytes (kept by the email package as lone
    surrogates) become "?"."""
    return value.encode("utf-8", errors="replace").decode("utf-8").replace("\x00", "")


def _addresses(values) -> list[str]:
    return [address for _name, address in getaddresses([str(v) for v in values]) if address]


def _tokens(message, recipient: str | None) -> list[str]:
    found = []
    candidates = [recipient] if recipient else []
    for name in RECIPIENT_HEADERS:
        candidates += _addresses(message.get_all(name, []))
    for address in candidates:
        token = tokens.token_of(address)
        if token and token not in found:
            found.append(token)
    return found


def _verified_addresses(user) -> set[str]:
    from allauth.account.models import EmailAddress

    return {
        email.casefold()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


def _active_user(user_id: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


class _Refused(Exception):
    def __init__(self, reason: str, *, detail: str = "", retry_after: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.retry_after = retry_after


@dataclass
class _Context:
    size: int
    message: object = None
    message_id: str = ""
    user: object = None
    sender: str = ""
    sender_verified: bool = False
    token: tokens.Token | None = None
    record: InboundMessage | None = None


def receive(*, raw: bytes, recipient: str | None = None) -> Outcome:
    """Post one raw RFC 5322 message as a reply, or refuse it. `recipient`: the envelope
    recipient when the MTA passes it (the headers are searched too)."""
    context = _Context(size=len(raw or b""))
    try:
        url = _receive(raw or b"", recipient, context)
    except _Refused as refusal:
        return _refuse(context, refusal)
    return Outcome(
        posted=True, reason=Reason.POSTED, message=_in_language(context, Reason.POSTED),
        url=url, record_id=context.record.pk if context.record else None,
    )  # fmt: skip


def _receive(raw: bytes, recipient: str | None, context: _Context) -> str:
    if not tokens.enabled():
        raise _Refused(Reason.OFF)
    if len(raw) > max_bytes():
        raise _Refused(Reason.TOO_LARGE)
    if b"\x00" in raw or not raw.strip():
        raise _Refused(Reason.UNREADABLE)
    try:
        message = message_from_bytes(raw, policy=policy.default)
        if not message.keys() or message.get("From") is None:
            raise _Refused(Reason.UNREADABLE)
        context.message = message
        context.message_id = _storable(str(message.get("Message-ID", ""))).strip()[:255]
        if _automatic(message):
            raise _Refused(Reason.AUTOMATIC)
        found = _tokens(message, recipient)
        senders = _addresses(message.get_all("From", []))
    except _Refused:
        raise
    except Exception as error:  # the email package on hostile input: never an error page
        logger.info("inbound email: unreadable message (%r)", error)
        raise _Refused(Reason.UNREADABLE) from error
    if not found:
        raise _Refused(Reason.NO_ADDRESS)
    token = None
    for candidate in found:
        try:
            token = tokens.read_token(candidate)
            break
        except tokens.BadToken:
            continue
    if token is None:
        raise _Refused(Reason.FORGED)
    context.token = token
    user = _active_user(token.user_id)
    if user is None:
        raise _Refused(Reason.NO_ACCESS)
    context.user = user
    if len(senders) != 1 or senders[0].casefold() not in _verified_addresses(user):
        context.sender = senders[0] if senders else ""
        raise _Refused(Reason.SENDER)
    context.sender, context.sender_verified = senders[0], True
    if token.expired:
        raise _Refused(Reason.EXPIRED)
    replyable = registry.get(token.kind)
    if replyable is None:
        raise _Refused(Reason.UNKNOWN_TARGET)
    if (
        context.message_id
        and InboundMessage.objects.filter(
            user=user, message_id=context.message_id, posted=True
        ).exists()
    ):
        raise _Refused(Reason.DUPLICATE)
    try:
        body = _storable(text.new_text(message))
    except Exception as error:
        logger.info("inbound email: unreadable body (%r)", error)
        raise _Refused(Reason.UNREADABLE) from error
    if not body:
        raise _Refused(Reason.EMPTY)
    return _post(replyable, context, body)


def _post(replyable, context: _Context, body: str) -> str:
    user, token = context.user, context.token
    try:
        with translation.override(_language(context)), transaction.atomic():
            url = replyable.post(user=user, target_id=token.target_id, body=body)
            # In the same transaction: a second delivery of this message racing the first
            # fails here, and its post is undone with it.
            context.record = InboundMessage.objects.create(
                **_fields(context, reason=Reason.POSTED, url=url or "", posted=True)
            )
            return url or ""
    except (Http404, PermissionDenied) as error:
        raise _Refused(Reason.NO_ACCESS) from error
    except RateLimited as error:
        raise _Refused(Reason.RATE_LIMITED, retry_after=error.retry_after) from error
    except ValidationError as error:
        raise _Refused(Reason.INVALID, detail=" ".join(error.messages)[:400]) from error
    except IntegrityError as error:
        raise _Refused(Reason.DUPLICATE) from error


def _language(context: _Context) -> str:
    return getattr(context.user, "language", "") or settings.LANGUAGE_CODE


def _in_language(context: _Context, reason: str, detail: str = "") -> str:
    with translation.override(_language(context)):
        return _explain(reason, detail)


def _fields(context: _Context, *, reason: str, url: str = "", posted: bool = False,
            detail: str = "") -> dict:  # fmt: skip
    return {
        "posted": posted,
        "reason": reason,
        "detail": detail[:500],
        "user": context.user,
        "kind": context.token.kind if context.token else "",
        "target_id": context.token.target_id if context.token else None,
        "message_id": context.message_id,
        "url": url[:300],
        "size": min(context.size, 2**31 - 1),
    }


def _record(context: _Context, *, reason: str, detail: str = "") -> InboundMessage | None:
    try:
        return InboundMessage.objects.create(**_fields(context, reason=reason, detail=detail))
    except Exception:  # the outcome counts, not its record
        logger.exception("inbound email: could not record the outcome")
        return None


def _refuse(context: _Context, refusal: _Refused) -> Outcome:
    level = logging.WARNING if refusal.reason in (Reason.FORGED, Reason.SENDER) else logging.INFO
    logger.log(
        level,
        "inbound email refused: %s (user %s, kind %s, target %s, message-id %r)",
        refusal.reason,
        getattr(context.user, "pk", None),
        context.token.kind if context.token else "",
        context.token.target_id if context.token else "",
        context.message_id,
    )
    record = _record(context, reason=refusal.reason, detail=refusal.detail)
    message = _in_language(context, refusal.reason, refusal.detail)
    if refusal.reason in TOLD and context.sender_verified:
        _tell_sender(context, message)
    return Outcome(
        posted=False, reason=refusal.reason, message=message, retry_after=refusal.retry_after,
        record_id=record.pk if record else None,
    )  # fmt: skip


def _tell_sender(context: _Context, explanation: str) -> None:
    """A short answer to the person whose reply was not posted, in their language, to the
    verified address they wrote from; marked as automatic so it is never answered."""
    if not getattr(settings, "PLEIN_INBOUND_EMAIL_BOUNCE", True):
        return
    from django.core.mail import EmailMessage

    with translation.override(_language(context)):
        subject = _("Your reply was not posted")
        body = "\n\n".join(
            [
                explanation,
                _("You can always reply on Plein itself: %(url)s")
                % {"url": settings.SITE_URL.rstrip("/") + "/"},
            ]
        )
    headers = {"Auto-Submitted": "auto-replied"}
    if context.message_id:
        headers["In-Reply-To"] = context.message_id
        headers["References"] = context.message_id
    try:
        EmailMessage(
            subject=str(subject),
            body=body + "\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[context.sender],
            headers=headers,
        ).send()
    except Exception:  # the refusal stands whether or not the note gets out
        logger.exception("inbound email: could not tell the sender")
