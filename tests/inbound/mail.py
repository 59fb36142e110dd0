"""Building replies as mail programs do, and piping them into the management command."""

from __future__ import annotations

import io
import sys
from email.message import EmailMessage
from email.utils import make_msgid

from django.core.management import call_command

DOMAIN = "Antwoord.Plein.Example"  # mixed case: addresses are compared without case
SECRET = "een-gedeeld-geheim-voor-de-mailrelay-0123456789"


def reply(received, text: str, *, sender: str | None = None, to: str | None = None,
          html: str | None = None, headers: dict | None = None) -> bytes:  # fmt: skip
    """What a mail program sends when its user answers `received`: the new text above the
    quoted original, to its Reply-To."""
    message = EmailMessage()
    message["From"] = sender or received["To"]
    message["To"] = to or received["Reply-To"]
    message["Subject"] = f"Re: {received['Subject']}"
    message["Message-ID"] = make_msgid(domain="mail.example")
    if received["Message-ID"]:
        message["In-Reply-To"] = received["Message-ID"]
    for name, value in (headers or {}).items():
        message[name] = value
    original = received.get_body(preferencelist=("plain",)).get_content()
    quoted = "\n".join(f"> {line}" for line in original.splitlines())
    message.set_content(
        f"{text}\n\nOn Mon, 3 Jun 2024 at 10:00, Plein <{received['From']}>\nwrote:\n\n{quoted}\n"
    )
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message.as_bytes()


def pipe(raw: bytes, monkeypatch, *args: str) -> int:
    """Run `manage.py receive_email` with the message on its real standard input; its exit
    status (0 unless it asks the MTA to retry)."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    try:
        call_command("receive_email", *args, stdout=io.StringIO(), stderr=io.StringIO())
    except SystemExit as stop:
        return int(stop.code)
    return 0
