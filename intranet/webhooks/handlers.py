"""From written activity to webhook tasks.

The event bus hands its handlers the event, not the id of the activity row it wrote; a webhook
describes (and re-checks) that row, so this listens for the row itself. Nothing happens inside
the writer's transaction: after commit, one indexed query finds the subscriptions that want
the event and queues a task for each (services.dispatch). Rows written in bulk (seeding,
imports) send nothing."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def activity_written(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    activity_id, space_id, verb = instance.pk, instance.space_id, instance.verb

    def dispatch():
        from intranet.webhooks import services

        try:
            services.dispatch(activity_id=activity_id, space_id=space_id, verb=verb)
        except Exception:
            # The broker being down must not undo or fail the write; the event is not sent.
            logger.exception("webhook dispatch failed for activity %s", activity_id)

    transaction.on_commit(dispatch)


def register() -> None:
    from django.db.models.signals import post_save

    post_save.connect(
        activity_written, sender="activity.Activity", dispatch_uid="webhooks.activity_written"
    )
