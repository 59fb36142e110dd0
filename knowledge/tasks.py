from celery import shared_task


@shared_task
def remind_reviews() -> int:
    """Daily (beat): owners hear when an article's review date comes near."""
    from knowledge import services

    return services.remind_reviews()
