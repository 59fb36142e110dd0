from celery import shared_task


@shared_task
def regroup_all() -> int:
    """After administrators changed how alike reports must be: group every board's recent
    exceptions again."""
    from processes import services
    from processes.models import Board

    boards = list(
        Board.objects.filter(exceptions__isnull=False).distinct().values_list("pk", flat=True)
    )
    for board_id in boards:
        services.regroup(board_id=board_id)
    return len(boards)


@shared_task
def notify_signal_raised(*, signal_id: int, owner_id: int) -> None:
    """Tell a signal's owner it was raised (queued by the SignalRaised handler), if they
    may read its board when the worker runs (handlers.tell_signal_owner checks)."""
    from processes.handlers import tell_signal_owner

    tell_signal_owner(signal_id=signal_id, owner_id=owner_id)
