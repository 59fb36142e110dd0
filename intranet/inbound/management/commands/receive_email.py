"""Read one email message from standard input and post it as a reply (or refuse it).

For an MTA pipe, e.g. Postfix's master.cf:

    plein unix - n n - - pipe
      flags=Rq user=plein argv=/srv/plein/.venv/bin/python /srv/plein/manage.py
      receive_email --recipient ${original_recipient}

Exit status: 0 when the message is handled (posted, or refused and recorded: the MTA must not
bounce it, a forged message gets no answer), 75 (EX_TEMPFAIL) when it is worth delivering
again later (a rate limit, or an error on our side), so the MTA queues it and retries."""

from __future__ import annotations

import logging
import sys

from django.core.management.base import BaseCommand

from intranet.inbound import services

EX_TEMPFAIL = 75
logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Post one email message read from standard input as a reply (an MTA pipe)."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "--recipient",
            default="",
            help="The envelope recipient (Postfix: ${original_recipient}); headers are read too.",
        )

    def handle(self, *args, **options):
        stream = options.get("stdin") or sys.stdin.buffer
        limit = services.max_bytes()
        try:
            raw = stream.read(limit + 1)
            outcome = services.receive(raw=raw, recipient=options["recipient"] or None)
        except Exception:
            logger.exception("inbound email: the message could not be handled")
            self.stderr.write("temporary failure: the message could not be handled")
            sys.exit(EX_TEMPFAIL)
        line = f"{'posted' if outcome.posted else 'refused'}: {outcome.reason}"
        if outcome.posted:
            self.stdout.write(f"{line} {outcome.url}")
            return
        self.stderr.write(f"{line} ({outcome.message})")
        if outcome.temporary:
            sys.exit(EX_TEMPFAIL)
