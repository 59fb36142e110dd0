"""What a webhook sends: one event as generic JSON, as a Microsoft Teams card or as a Slack
message, and the signature over it.

A message holds only what the subscription's owner may see of the event (services.compose
decides that): its kind, when, the space, who, a title, one sentence and the address in
Plein. No body text: a receiver that wants more follows the link and signs in.

Size rule: the title is cut at TITLE_LIMIT and the sentence at SUMMARY_LIMIT characters (with
"…"); a message that is still larger than PLEIN_WEBHOOKS_MAX_BYTES (default 25,000 bytes,
under Teams' 28 KB limit for incoming webhooks) is not sent, and the delivery log says so."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.webhooks.models import Format

TITLE_LIMIT = 300
SUMMARY_LIMIT = 1000
SIGNATURE_HEADER = "Plein-Signature"
PING = "ping"
# Kinds whose activity has no target (so no registered phrase): the platform's own.
OWN_PHRASES = {
    "member.joined": gettext_lazy("joined {space}"),
}


def max_bytes() -> int:
    return int(getattr(settings, "PLEIN_WEBHOOKS_MAX_BYTES", 25_000))


def _phrases() -> dict[str, str]:
    """{kind: phrase} for every kind of event that can be subscribed to: the verbs every app
    registered for its feed items (intranet.activity.targets), and the platform's own."""
    from intranet.activity import targets

    registered = getattr(targets, "all", None)
    specs = registered() if registered else list(getattr(targets, "_targets", {}).values())
    found = {verb: phrase for spec in specs for verb, phrase in spec.verbs.items()}
    return {**found, **OWN_PHRASES}


def event_kinds() -> list[tuple[str, str]]:
    """[(kind, label)] in a stable order, labels in the active language."""
    return sorted(
        (
            (kind, _("Someone %(did)s") % {"did": str(phrase).format(space=_("the space"))})
            for kind, phrase in _phrases().items()
        ),
        key=lambda pair: pair[0],
    )


def phrase_for(kind: str, *, space_name: str) -> str:
    phrase = _phrases().get(kind)
    if phrase is None:
        return kind
    return str(phrase).format(space=space_name or _("Plein"))


def cut(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Message:
    id: int | None  # the event (activity) id; None for a test message
    kind: str
    occurred_at: datetime
    space_slug: str | None
    space_name: str
    actor: str
    title: str
    summary: str
    url: str


def generic(message: Message, *, delivery_id: int, attempt: int) -> dict:
    return {
        "id": message.id,
        "kind": message.kind,
        "occurred_at": message.occurred_at.isoformat(),
        "space": (
            {"slug": message.space_slug, "name": message.space_name} if message.space_slug else None
        ),
        "actor": message.actor,
        "title": message.title,
        "summary": message.summary,
        "url": message.url,
        "delivery": {"id": delivery_id, "attempt": attempt},
    }


def teams(message: Message) -> dict:
    """An Adaptive Card in the message shape Teams' incoming webhooks (Workflows) take."""
    facts = [{"title": _("By"), "value": message.actor}] if message.actor else []
    if message.space_name:
        facts.append({"title": _("Space"), "value": message.space_name})
    return {
        "type": "message",
        "summary": message.summary,
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": message.title,
                            "weight": "Bolder",
                            "size": "Medium",
                            "wrap": True,
                        },
                        {"type": "TextBlock", "text": message.summary, "wrap": True},
                        {"type": "FactSet", "facts": facts},
                    ],
                    "actions": [
                        {"type": "Action.OpenUrl", "title": _("Open in Plein"), "url": message.url}
                    ],
                },
            }
        ],
    }


def _slack_escape(text: str) -> str:
    """Slack reads <...> as links and mentions: escape what people wrote."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(message: Message) -> dict:
    title = _slack_escape(message.title)
    summary = _slack_escape(message.summary)
    return {
        "text": f"{summary}: {title} {message.url}",  # notifications and old clients
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*<{message.url}|{title}>*\n{summary}"},
            },
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": _slack_escape(message.space_name or "Plein")}
                ],
            },
        ],
    }


def render(message: Message, *, format: str, delivery_id: int, attempt: int) -> bytes:
    """The body to send, or a ValidationError when it is larger than the limit."""
    if format == Format.TEAMS:
        data = teams(message)
    elif format == Format.SLACK:
        data = slack(message)
    else:
        data = generic(message, delivery_id=delivery_id, attempt=attempt)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    if len(body) > max_bytes():
        raise ValidationError(
            _("The message is %(size)d bytes; webhooks send at most %(limit)d bytes.")
            % {"size": len(body), "limit": max_bytes()}
        )
    return body


def signature(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>` (the time is
    signed too, so a captured message cannot be replayed later than the receiver allows)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(*, secret: str, body: bytes, header: str, tolerance: int = 300, now=None) -> bool:
    """What a receiver does (README, "Webhooks"): the signature
    matches and the time is within `tolerance` seconds of now."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret=secret, body=body, timestamp=timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))
