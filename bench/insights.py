"""Insights: the snapshot task on a large organisation, and the dashboard pages that read it.

    python bench/insights.py [--interactions 500000] [--runs 3] [--base http://127.0.0.1:8000]
                             [--no-pages]

Grow the organisation first (`python bench/seed_large.py --people 5000`). This script tops the
last 90 days up to `--interactions` reactions and comments on bench posts (70% inside the
author's department, 30% across), then prints two tables:
1. the snapshot of the 90-day window, each run in a fresh process as the Celery worker would:
   seconds, peak resident memory of that process (and what Django alone took before it), people,
   ties and interactions read;
2. the dashboard pages against a running `make serve-prod`: queries and bytes (in-process),
   single-user median and p95 over `--requests` sequential requests per run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ADMIN = "beheer@plein.example"
PURPOSE = "Benchmark: person-level views switched on to measure their pages."


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
    import django

    django.setup()


def grow(total: int) -> int:
    """Top the window up to `total` bench interactions; returns how many were added."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from intranet.activity.models import Comment, Post, Reaction
    from intranet.governance.models import Space

    bench = Post.objects.filter(body__startswith="Bench insights")
    post_ids = list(bench.values_list("pk", flat=True))
    ct = ContentType.objects.get_for_model(Post)
    have = (
        Reaction.objects.filter(content_type=ct, object_id__in=post_ids).count()
        + Comment.objects.filter(content_type=ct, object_id__in=post_ids).count()
    )
    if have >= total:
        return 0
    rng = random.Random(5)
    people = list(
        get_user_model()
        .objects.filter(is_active=True, department__isnull=False)
        .values_list("pk", "department_id")
    )
    by_department: dict[int, list[int]] = {}
    for pk, dept in people:
        by_department.setdefault(dept, []).append(pk)
    space = Space.objects.order_by("pk").first()
    wanted = total - have
    posts = [
        Post(space=space, author_id=rng.choice(people)[0], body=f"Bench insights {n}",
             body_html=f"<p>Bench insights {n}</p>")
        for n in range(max(1, wanted // 12))
    ]  # fmt: skip
    Post.objects.bulk_create(posts, batch_size=5000)
    dept_of = dict(people)
    reactions, comments, made = [], [], 0
    for post in posts:
        own = by_department[dept_of[post.author_id]]
        chosen = set()
        for _n in range(12):
            pool = own if rng.random() < 0.7 else people
            who = rng.choice(pool)
            who = who[0] if isinstance(who, tuple) else who
            if who == post.author_id or who in chosen:
                continue
            chosen.add(who)
            if rng.random() < 0.7:
                reactions.append(Reaction(content_type=ct, object_id=post.pk, user_id=who,
                                          kind="like"))  # fmt: skip
            else:
                comments.append(Comment(content_type=ct, object_id=post.pk, author_id=who,
                                        body="Eens", body_html="<p>Eens</p>"))  # fmt: skip
            made += 1
        if made >= wanted:
            break
    Reaction.objects.bulk_create(reactions, batch_size=10000)
    Comment.objects.bulk_create(comments, batch_size=10000)
    # Spread over the window: posts first, their reactions and comments hours to days later.
    ids = [p.pk for p in posts]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE activity_post SET created_at = now() - interval '85 days' * random() "
            "WHERE id = ANY(%s)",
            [ids],
        )
        for table in ("activity_reaction", "activity_comment"):
            cursor.execute(
                f"UPDATE {table} x SET created_at = LEAST(now(), p.created_at"  # noqa: S608
                " + interval '72 hours' * random()) FROM activity_post p"
                " WHERE x.content_type_id = %s AND x.object_id = p.id AND p.id = ANY(%s)",
                [ct.pk, ids],
            )
    return made


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not carry over
    the parent's peak through fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def snapshot_once() -> dict:
    """In this (fresh) process: the 90-day snapshot, its time and this process's peak RSS."""
    setup()
    from django.db import connection

    from insights import services

    connection.ensure_connection()
    before = peak_mb()
    started = time.perf_counter()
    snap = services.take_snapshot(window=90)
    seconds = time.perf_counter() - started
    peak = peak_mb()
    return {"seconds": seconds, "peak_mb": peak, "django_mb": before, "people": snap.people,
            "ties": snap.ties, "interactions": snap.interactions}  # fmt: skip


def pages(args) -> None:
    from django.contrib.auth import get_user_model
    from forum_pages import in_process, sequential
    from session import sign_in

    from insights import services

    admin = get_user_model().objects.get(email=ADMIN)
    services.save_settings(actor=admin, min_group=5, person_level=True, purpose=PURPOSE)
    services.grant(actor=admin, user=admin)
    services.record_phases()
    paths = {
        "network": "/insights/",
        "adoption": "/insights/adoption/",
        "follow-up": "/insights/follow-up/",
        "people (brokers)": "/insights/people/?measure=brokers",
        "API network": "/api/insights/network/",
        "API phases": "/api/insights/phases/",
    }
    shape = in_process(ADMIN, paths)
    parts = urlsplit(args.base)
    cookie, _csrf = sign_in(args.base, ADMIN, "plein-demo", admin=True)
    print(f"\n2. dashboard pages, single user, {args.runs} runs x {args.requests} requests")
    print(f"{'page':<18}{'queries':>8}{'bytes':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for name, path in paths.items():
        runs = [
            sequential(parts.hostname, parts.port or 80, path, cookie, n=args.requests)
            for _ in range(args.runs)
        ]
        queries, size = shape[name]
        print(
            f"{name:<18}{queries:>8}{size:>9}{statistics.median(r[0] for r in runs):>9.1f}"
            f"{statistics.median(r[1] for r in runs):>9.1f}"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--interactions", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--no-snapshot", action="store_true")
    parser.add_argument("--snapshot-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.snapshot_only:
        print(json.dumps(snapshot_once()))
        return
    setup()
    started = time.perf_counter()
    added = grow(args.interactions)
    print(f"added {added} interactions in {time.perf_counter() - started:.1f}s")
    if args.no_snapshot:
        pages(args)
        return
    print(f"\n1. snapshot of the last 90 days, {args.runs} runs, each in a fresh process")
    print(f"{'run':>4}{'seconds':>9}{'peak MB':>9}{'Django MB':>10}{'people':>8}{'ties':>9}"
          f"{'interactions':>14}")  # fmt: skip
    results = []
    for run in range(1, args.runs + 1):
        out = subprocess.run(
            [sys.executable, __file__, "--snapshot-only"],
            capture_output=True, text=True, check=True, cwd=ROOT,
        ).stdout  # fmt: skip
        r = json.loads(out.strip().splitlines()[-1])
        results.append(r)
        print(f"{run:>4}{r['seconds']:>9.1f}{r['peak_mb']:>9.0f}{r['django_mb']:>10.0f}"
              f"{r['people']:>8}{r['ties']:>9}{r['interactions']:>14}")  # fmt: skip
    print(
        f"median {statistics.median(r['seconds'] for r in results):.1f}s, "
        f"peak {max(r['peak_mb'] for r in results):.0f} MB"
    )
    if not args.no_pages:
        pages(args)


if __name__ == "__main__":
    main()
