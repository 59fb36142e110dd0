"""Recognition against a running Plein (`make serve-prod`, demo seeded).

    python bench/recognition.py [--base http://127.0.0.1:8000] [--rows 1000000] [--runs 3]
                                 [--awards 300]

Fills the ledger to --rows entries (spread over the demo's people and the past year, tallies
rebuilt from them; skipped when it holds that many already), then prints two tables:
1. leaderboard pages and API: queries and bytes (in-process), single-user latency over HTTP
   (median, p95 of 200 sequential requests per run) and throughput with 8 connections (wrk,
   when installed);
2. what awarding adds to the action that earns it: the handler path after a question is asked
   (points with the daily cap, the tallies, the deed and its badges), timed in-process per
   call, median and p95 over --awards calls, next to the time of asking itself.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
import urllib.parse

from forum_pages import in_process, sequential, wrk
from session import sign_in

PASSWORD = "plein-demo"  # noqa: S105 - the demo's printed password


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
    import django

    django.setup()


def fill(rows: int) -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from gamification import services
    from gamification.models import LedgerEntry, PointRule
    from intranet.governance.models import Space

    have = LedgerEntry.objects.count()
    if have >= rows:
        return have
    users = list(get_user_model().objects.filter(is_active=True).values_list("pk", flat=True))
    spaces = list(Space.objects.values_list("pk", flat=True))
    rule_id = PointRule.objects.get(key="question_asked").pk
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO gamification_ledgerentry (user_id, rule_id, event_key, points, space_id,
                                                 created_at)
            SELECT (%s::bigint[])[1 + n %% cardinality(%s::bigint[])], %s, 'bench:' || n,
                   1 + n %% 7,
                   CASE WHEN n %% 2 = 0
                        THEN (%s::bigint[])[1 + n %% cardinality(%s::bigint[])] END,
                   now() - (n %% 365) * interval '1 day' - (n %% 1440) * interval '1 minute'
            FROM generate_series(%s, %s) AS n
            """,
            [users, users, rule_id, spaces, spaces, have + 1, rows],
        )
    tallies = services.rebuild_tallies()
    print(
        f"ledger filled to {rows:,} rows, {tallies:,} tallies rebuilt "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return rows


def awards(n: int) -> tuple[list[float], list[float]]:
    """(ms per question asked, ms per award path after it)."""
    from django.contrib.auth import get_user_model

    from gamification.models import PointRule
    from intranet.governance.models import Space

    space = Space.objects.get(slug="klantenservice")
    author = get_user_model().objects.get(email="tim.wijnands@plein.example")
    asking, paying = [], []
    # Measure the paying path, not the cap's early refusal: no cap while the bench runs.
    rule = PointRule.objects.get(key="question_asked")
    cap = rule.daily_cap
    PointRule.objects.filter(pk=rule.pk).update(daily_cap=None)
    from gamification import services

    services.forget_settings(everywhere=True)  # the rules are cached
    # Asking alone first (its own handler off), then the award path on the same event.
    from forums import events as forum_events
    from gamification import handlers
    from intranet import events

    events.unsubscribe(forum_events.QuestionAsked, handlers.on_question_asked)
    try:
        _ask(n, space, author, asking, paying)
    finally:
        events.subscribe(forum_events.QuestionAsked, handlers.on_question_asked)
        PointRule.objects.filter(pk=rule.pk).update(daily_cap=cap)
        services.forget_settings(everywhere=True)
    return asking, paying


def _ask(n, space, author, asking, paying) -> None:
    from forums import events as forum_events
    from forums import services as forums
    from gamification import handlers

    for i in range(n):
        started = time.perf_counter()
        topic = forums.ask(
            author=author, space=space, kind="question", title=f"Bench vraag {time.time()} {i}"
        )
        asked = time.perf_counter()
        handlers.on_question_asked(
            forum_events.QuestionAsked(
                topic_id=topic.pk,
                space_id=space.pk,
                author_id=author.pk,
                kind="question",
                tags=[],
                mentioned_ids=[],
            )
        )
        paid = time.perf_counter()
        asking.append((asked - started) * 1000)
        paying.append((paid - asked) * 1000)


def p95(values):
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--awards", type=int, default=300)
    args = parser.parse_args()
    setup()
    total = fill(args.rows)
    email = "lotte.meijer@plein.example"
    paths = {
        "leaderboard, month": "/recognition/",
        "leaderboard, all time": "/recognition/?period=all",
        "leaderboard, a department": "/recognition/?department=2&period=week",
        "API people, all time": "/api/leaderboards/people/?period=all",
        "API departments": "/api/leaderboards/departments/?period=all",
    }
    shapes = in_process(email, paths)
    cookie, _csrf = sign_in(args.base, email, PASSWORD)
    split = urllib.parse.urlsplit(args.base)
    print(f"\n1. Leaderboards with {total:,} ledger rows ({args.runs} runs of 200 requests)")
    print(f"{'page':28} {'queries':>7} {'bytes':>8} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
    for name, path in paths.items():
        medians, p95s = [], []
        for _ in range(args.runs):
            median, high = sequential(split.hostname, split.port, path, cookie)
            medians.append(median)
            p95s.append(high)
        rate = "-"
        if shutil.which("wrk"):
            rate = f"{wrk(args.base, path, cookie, 5, 8)[0]:.0f}"
        queries, size = shapes[name]
        print(
            f"{name:28} {queries:>7} {size:>8} {statistics.median(medians):>8.1f} "
            f"{statistics.median(p95s):>8.1f} {rate:>8}"
        )
    asking, paying = awards(args.awards)
    print(f"\n2. Awarding, {args.awards} questions asked in-process")
    print(f"{'':28} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"{'asking a question':28} {statistics.median(asking):>8.2f} {p95(asking):>8.2f}")
    print(
        f"{'points, tallies and badges':28} {statistics.median(paying):>8.2f} {p95(paying):>8.2f}"
    )


if __name__ == "__main__":
    main()
