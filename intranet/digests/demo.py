"""Demo digests: after the rest of the demo, a weekly digest for a few demo colleagues, sent
through the configured email backend (with `make run`, Plein's own outbox, readable by the
administrator at /digests/outbox/). Runs once."""

from __future__ import annotations

from datetime import timedelta

from intranet.core import demo

PEOPLE = ["mary.jansen", "steve.bakker", "lotte.meijer", "tim.wijnands"]


def seed_digests() -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from intranet.digests import services
    from intranet.digests.models import DigestSend

    if DigestSend.objects.filter(period="demo:welcome").exists():
        return
    now = timezone.now()
    emails = [f"{local}@{demo.DEMO_DOMAIN}" for local in PEOPLE]
    for user in get_user_model().objects.filter(email__in=emails):
        row = DigestSend.objects.create(
            user=user, period="demo:welcome", due_at=now, since=now - timedelta(days=7)
        )
        # The last attempt: a demo without a mail server fails the row instead of retrying.
        services.deliver(send_id=row.pk, final_attempt=True)


def register() -> None:
    demo.register_step(order=99, name="digests", step=seed_digests)
