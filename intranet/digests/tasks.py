"""Celery: beat plans who is due every quarter of an hour and queues one task per person, in
batches; each task sends one digest exactly once (intranet.digests.services)."""

from celery import shared_task

from intranet.digests import services

MAX_RETRIES = 5


@shared_task
def plan_digests() -> int:
    ids = services.plan()
    for start in range(0, len(ids), services.BATCH):
        batch = ids[start : start + services.BATCH]
        for send_id in batch:
            send_digest.delay(send_id)
    return len(ids)


@shared_task(bind=True, max_retries=MAX_RETRIES)
def send_digest(self, send_id: int) -> str:
    try:
        return services.deliver(send_id=send_id, final_attempt=self.request.retries >= MAX_RETRIES)
    except services.RetryLater as error:
        # 1, 2, 4, 8, 16 minutes: a mail server that is down gets time to come back.
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error
