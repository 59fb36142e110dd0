"""Knowledge pages against a running Plein (`make serve-prod`) seeded with
bench/seed_knowledge.py.

    python bench/knowledge_pages.py [--base http://127.0.0.1:8000] [--seconds 30] [--runs 3]

Prints, for an article with 200 revisions, the space's article list and the compare page of
two large revisions: queries and bytes (in-process), single-user latency (median, p95) and
throughput with 8 connections (wrk when installed); then search latency over varied words
(median, p95) and the time to diff the two large revisions in-process (median, p95).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import time
from urllib.parse import quote, urlsplit

from forum_pages import in_process, sequential, wrk
from pages import run_round
from session import sign_in

WORDS = ["verlof", "printer laptop", "facturen klanten", "btw", "contracten voor externen",
         "werkinstructie", "wachtwoorden", "checklist storingen", "budgetten", "teams"]  # fmt: skip


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * share) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--email", default="chris.dekker@plein.example")
    parser.add_argument("--password", default="plein-demo")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
    import django

    django.setup()
    from knowledge import diff
    from knowledge.models import Article, Revision

    large = Article.objects.filter(title="Benchmark: groot artikel").first()
    busy = Article.objects.filter(revision_count=200).order_by("pk").first()
    if large is None or busy is None:
        raise SystemExit("run bench/seed_knowledge.py first")
    paths = {
        "article, 200 revisions": f"/knowledge/{busy.pk}/",
        "articles of a space": f"/spaces/{busy.space.slug}/knowledge/",
        "compare 2,000 lines": f"/knowledge/{large.pk}/compare/?old=1&new=2",
    }
    counted = in_process(args.email, paths)
    parts = urlsplit(args.base)
    host, port = parts.hostname, parts.port or 80
    cookie, _csrf = sign_in(args.base, args.email, args.password)
    tool = "wrk" if shutil.which("wrk") else "python"
    print(f"{Article.objects.count()} articles, {Revision.objects.count()} revisions; "
          f"{args.connections} connections; {args.runs} x {args.seconds:.0f}s "
          f"({tool})")  # fmt: skip
    print(f"{'page':<24}{'queries':>8}{'bytes':>9}{'1-user p50':>11}{'p95':>7}"
          f"{'req/s':>8}{'p50 ms':>8}{'p90 ms':>8}")  # fmt: skip
    for name, path in paths.items():
        single = [sequential(host, port, path, cookie, n=100) for _ in range(args.runs)]
        rounds = []
        for _ in range(args.runs):
            if tool == "wrk":
                rounds.append(wrk(args.base, path, cookie, args.seconds, args.connections))
            else:
                rounds.append(run_round(host, port, path, cookie, args.seconds,
                                        args.connections)[:3])  # fmt: skip
        queries, size = counted[name]
        print(f"{name:<24}{queries:>8}{size:>9}"
              f"{statistics.median(s[0] for s in single):>11.1f}"
              f"{statistics.median(s[1] for s in single):>7.1f}"
              f"{statistics.median(r[0] for r in rounds):>8.0f}"
              f"{statistics.median(r[1] for r in rounds):>8.1f}"
              f"{statistics.median(r[2] for r in rounds):>8.1f}")  # fmt: skip
    conn = http.client.HTTPConnection(host, port, timeout=10)
    times = []
    for _ in range(args.runs * 3):
        for words in WORDS:
            started = time.perf_counter()
            conn.request("GET", f"/knowledge/search/?q={quote(words)}", headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
    print(f"search: {len(times)} requests, median {statistics.median(times):.1f} ms, "
          f"p95 {percentile(times, 0.95):.1f} ms")  # fmt: skip
    old, new = (Revision.objects.get(article=large, number=n).body for n in (1, 2))
    spent = []
    for _ in range(20):
        started = time.perf_counter()
        diff.rows(old, new)
        spent.append((time.perf_counter() - started) * 1000)
    print(f"diff of two 2,000-line revisions (in-process): median {statistics.median(spent):.1f}"
          f" ms, p95 {percentile(spent, 0.95):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
