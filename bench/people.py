"""People at scale: directory pages, fuzzy name search and the expertise finder.

    python bench/seed_large.py --people 10000 && python bench/seed_people.py
    make serve-prod        # in another terminal
    python bench/people.py [--base http://127.0.0.1:8000] [--seconds 5] [--runs 3]

Part 1 (HTTP, against the running server): each page with 1 connection (single-user latency)
and with 8 (throughput), median of the runs. Part 2 (in this process, against the same
database): the expertise query for 200 topics with a stand-in "answers" provider registered
as forums will, so the 200k answers seeded by seed_people.py count. Prints tables.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from urllib.parse import urlsplit

from pages import run_round
from seed_large import connect_to_embedded_services
from session import sign_in

PAGES = [
    ("directory p1", "/people/"),
    ("directory p200", "/people/?page=200"),
    ("directory dept", "/people/?department=5"),
    ("fuzzy 'jansn'", "/people/?q=jansn"),
    ("fuzzy 'van leuwen'", "/people/?q=van+leuwen"),
    ("api people p1", "/api/people/"),
    ("api fuzzy 'dekkr'", "/api/people/?q=dekkr"),
    ("person page", "/people/1/"),
    ("expertise python", "/people/expertise/?topic=python"),
    ("api expertise", "/api/expertise/?topic=vaardigheid-17"),
]


def http_part(args) -> None:
    parts = urlsplit(args.base)
    cookie, _csrf = sign_in(args.base, args.email, args.password)
    print(f"{'page':<22}{'conns':>6}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for name, path in PAGES:
        for concurrency in (1, 8):
            rounds = [
                run_round(parts.hostname, parts.port or 80, path, cookie, args.seconds, concurrency)
                for _ in range(args.runs)
            ]
            med = [statistics.median(r[i] for r in rounds) for i in range(3)]
            errors = sum(r[3] for r in rounds)
            print(
                f"{name:<22}{concurrency:>6}{med[0]:>9.0f}{med[1]:>9.1f}{med[2]:>9.1f}{errors:>8}"
            )


def expertise_part() -> None:
    connect_to_embedded_services()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from profiles import expertise, selectors
    from profiles.models import Evidence, Skill

    expertise.register(
        expertise.Provider("answers", 3.0, lambda n, examples, topic: f"{n} answers on {topic}")
    )
    viewer = get_user_model().objects.get(email="chris.dekker@plein.example")
    topics = list(Skill.objects.values_list("slug", flat=True))
    rng = random.Random(3)
    sample = [rng.choice(topics) for _ in range(200)]
    selectors.experts(viewer=viewer, topic=sample[0])  # warm up
    timings = []
    for topic in sample:
        started = time.perf_counter()
        selectors.experts(viewer=viewer, topic=topic, topic_name=topic)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    rows = Evidence.objects.count()
    people = get_user_model().objects.count()
    print(f"\nexpertise query ({people} people, {rows} evidence rows, 200 topics, in process)")
    print(f"{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}")
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{statistics.median(timings):>8.1f}{p95:>8.1f}{timings[-1]:>8.1f}")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--email", default="chris.dekker@plein.example")
    parser.add_argument("--password", default="plein-demo")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    if not args.skip_http:
        http_part(args)
    expertise_part()


if __name__ == "__main__":
    main()
