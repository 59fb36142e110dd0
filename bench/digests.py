"""Digests for a large organisation: composition speed, and delivery to a local SMTP sink with
Celery workers.

    python bench/digests.py [--people 5000] [--workers 2] [--compose 500]

Needs the demo grown to --people (python bench/seed_large.py --people 5000) and DATABASE_URL /
REDIS_URL set (or a running `make serve-prod` for its embedded servers). It adds a week of
activity once (questions in every space, articles, success stories, notifications), then:
1. composes --compose digests in this process (no sending) and reports digests/s, median and
   p95 ms per digest and queries per digest;
2. starts an SMTP sink (aiosmtpd) on loopback and --workers Celery worker processes (one
   process each, concurrency 1, on a queue of their own), plans every digest for one due time
   and waits until each row is sent or empty; it reports the total time and digests/s, and
   checks that the sink received exactly one message per sent row.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
    import django

    django.setup()


def week_of_activity() -> None:
    """Questions, articles, stories and notifications over the last seven days, in bulk, once."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from forums.models import Topic
    from gamification.models import Story
    from intranet.activity.models import Notification
    from intranet.governance.models import Membership, Space
    from knowledge.models import Article

    if Topic.objects.filter(title__startswith="Digestbench").exists():
        return
    rng = random.Random(7)
    now = timezone.now()
    spaces = list(Space.objects.values_list("pk", flat=True))
    owners = dict(Membership.objects.filter(role="owner").values_list("space_id", "user_id"))
    users = list(get_user_model().objects.filter(is_active=True).values_list("pk", flat=True))

    def when():
        return now - timedelta(minutes=rng.randrange(1, 7 * 24 * 60))

    topics = [
        Topic(
            space_id=s,
            author_id=owners.get(s, users[0]),
            kind="question",
            language="nl",
            title=f"Digestbench vraag {s}-{n}",
            body="Wie weet dit?",
            body_html="<p>?</p>",
            created_at=when(),
            last_activity_at=now,
        )
        for s in spaces
        for n in range(3)
    ]
    Topic.objects.bulk_create(topics, batch_size=2000)
    articles = [
        Article(
            space_id=s,
            owner_id=owners.get(s, users[0]),
            title=f"Digestbench artikel {s}",
            body="Zo doen we dat.",
            body_html="<p>Zo doen we dat.</p>",
            language="nl",
            review_at=(now + timedelta(days=90)).date(),
            updated_at=when(),
        )
        for s in spaces[::2]
    ]
    Article.objects.bulk_create(articles, batch_size=2000)
    stories = [
        Story(
            space_id=s,
            author_id=owners.get(s, users[0]),
            title=f"Digestbench verhaal {s}",
            challenge="x",
            approach="y",
            result="z",
            result_html="<p>z</p>",
            published_at=when(),
        )
        for s in spaces[::10]
    ]
    Story.objects.bulk_create(stories, batch_size=2000)
    notes = [
        Notification(
            recipient_id=u,
            kind="reaction",
            group_key=f"bench:{u}:{n}",
            url="/",
            params={},
            updated_at=when(),
        )
        for u in users
        for n in range(2)
    ]
    Notification.objects.bulk_create(notes, batch_size=5000)
    # auto_now fields were set to now by bulk_create: spread them over the week again.
    for model, field in ((Article, "updated_at"), (Notification, "updated_at")):
        ids = list(model.objects.filter(**{f"{field}__gte": now}).values_list("pk", flat=True))
        for pk in ids:
            model.objects.filter(pk=pk).update(**{field: when()})
    print(
        f"a week of activity: {len(topics)} questions, {len(articles)} articles, "
        f"{len(stories)} stories, {len(notes)} notifications"
    )


def compose_bench(n: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from intranet.digests import registry, selectors

    people = list(get_user_model().objects.filter(is_active=True).order_by("?")[:n])
    until = timezone.now()
    since = until - timedelta(days=7)
    # The first digest of a window also loads what every digest of it shares (once per worker
    # and minute): timed on its own, the rest is the per-person cost.
    registry.forget_shared()
    t = time.perf_counter()
    selectors.compose(user=people[0], since=since, until=until)
    first = (time.perf_counter() - t) * 1000
    times, queries, items = [], [], []
    started = time.perf_counter()
    for person in people:
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            digest = selectors.compose(user=person, since=since, until=until)
            times.append((time.perf_counter() - t) * 1000)
        queries.append(len(captured))
        items.append(digest.count)
    total = time.perf_counter() - started
    times.sort()
    print(f"\n1. Composition, {len(people)} people, one process")
    print(f"{'digests/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'items':>6}")
    print(
        f"{len(people) / total:>10.0f} {statistics.median(times):>8.1f} "
        f"{times[int(len(times) * 0.95) - 1]:>8.1f} {statistics.median(queries):>8.0f} "
        f"{statistics.median(items):>6.0f}"
    )
    print(f"first digest of the window, with the shared loads: {first:.0f} ms")


def delivery_bench(workers: int) -> None:
    import logging

    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.utils import timezone

    from intranet.digests.models import DigestSend
    from tests.servers import free_port

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
    received = []
    lock = threading.Lock()

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            with lock:
                received.append(envelope.rcpt_tos[0])
            return "250 OK"

    port = free_port()
    sink = Controller(Sink(), hostname="127.0.0.1", port=port)
    sink.start()
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
    }
    queue = f"digestbench{os.getpid()}"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "intranet",
                "worker",
                "--concurrency",
                "1",
                "--pool",
                "prefork",
                "-Q",
                queue,
                "-n",
                f"bench{i}@%h",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        for i in range(workers)
    ]
    time.sleep(8)  # workers connect to the broker
    try:
        DigestSend.objects.filter(period__startswith="bench:").delete()
        due = timezone.now()
        from django.contrib.auth import get_user_model

        users = list(get_user_model().objects.filter(is_active=True).values_list("pk", flat=True))
        rows = DigestSend.objects.bulk_create(
            DigestSend(
                user_id=u,
                period=f"bench:{due:%Y%m%d%H%M%S}",
                due_at=due,
                since=due - timedelta(days=7),
            )
            for u in users
        )
        from intranet.digests.tasks import send_digest

        started = time.perf_counter()
        for row in rows:
            send_digest.apply_async(args=[row.pk], queue=queue)
        ids = [row.pk for row in rows]
        while True:
            left = DigestSend.objects.filter(pk__in=ids, status__in=["pending", "sending"]).count()
            if not left or time.perf_counter() - started > 1200:
                break
            time.sleep(1)
        elapsed = time.perf_counter() - started
        time.sleep(1)
        done = DigestSend.objects.filter(pk__in=ids)
        sent = done.filter(status="sent").count()
        empty = done.filter(status="empty").count()
        failed = done.filter(status="failed").count()
        print(f"\n2. Delivery to an SMTP sink, {len(ids)} digests, {workers} worker processes")
        print(
            f"{'seconds':>8} {'digests/s':>10} {'sent':>6} {'empty':>6} {'failed':>6} "
            f"{'received':>9} {'left':>5}"
        )
        print(
            f"{elapsed:>8.1f} {len(ids) / elapsed:>10.1f} {sent:>6} {empty:>6} {failed:>6} "
            f"{len(received):>9} {left:>5}"
        )
        assert len(received) == sent, "a digest went out twice or went missing"
        assert len(set(received)) == len(received)
        del settings  # the workers read theirs from the environment
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        sink.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--compose", type=int, default=500)
    args = parser.parse_args()
    setup()
    from django.contrib.auth import get_user_model

    count = get_user_model().objects.filter(is_active=True).count()
    if count < args.people:
        raise SystemExit(f"{count} people: run bench/seed_large.py --people {args.people} first")
    week_of_activity()
    compose_bench(args.compose)
    delivery_bench(args.workers)


if __name__ == "__main__":
    main()
