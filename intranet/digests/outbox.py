"""An email backend that keeps messages in Plein's outbox instead of sending them: `make run`
uses it, so the demo shows real digests and notification mails without a mail server.
Administrators read them at /digests/outbox/."""

from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        from intranet.digests.models import OutboxMessage

        kept = []
        for message in email_messages:
            html = ""
            for content, mimetype in getattr(message, "alternatives", []):
                if mimetype == "text/html":
                    html = content
            kept.append(
                OutboxMessage(
                    to=", ".join(message.recipients())[:300],
                    subject=str(message.subject)[:300],
                    text=message.body,
                    html=html,
                    headers={k: str(v) for k, v in (message.extra_headers or {}).items()},
                )
            )
        OutboxMessage.objects.bulk_create(kept)
        return len(kept)
