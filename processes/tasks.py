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
