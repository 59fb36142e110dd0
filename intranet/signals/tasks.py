"""Celery: telling supporters of an answer, and the daily reminder of overdue signals."""

from __future__ import annotations

from celery import shared_task


@shared_task
def tell_answered(*, signal_id: int, user_ids: list[int], status: str, actor_id: int) -> int:
    from intranet.signals.handlers import tell

    return tell(
        signal_id=signal_id, user_ids=user_ids, state=f"answered-{status}", actor_id=actor_id
    )


@shared_task
def remind_overdue() -> int:
    from intranet.signals import services

    return services.remind_overdue()
