"""Celery: the interaction network and the adoption phases, recomputed on a schedule so that
insight pages only read stored snapshots."""

from celery import shared_task

from insights import services


@shared_task
def refresh_insights() -> list[int]:
    return [snapshot.pk for snapshot in services.refresh()]
