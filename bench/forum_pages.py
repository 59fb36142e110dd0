"""Forum pages against a running Plein (`make serve-prod`) seeded with bench/seed_forums.py.

    python bench/forum_pages.py [--base http://127.0.0.1:8000] [--seconds 30] [--runs 3]

For the topic list of a large space and a question page with 20 answers it prints, per page:
queries and bytes (rendered in-process against the same database), single-user latency (one
connection, sequential: median and p95), and throughput with 8 connections with its p50 and
p90 (wrk reports 50/75/90/99; the Python fallback reports p95 there), measured by `wrk` when it
is installed (apt-get install wrk), else by the Python load generator of bench/pages.py.
Then the "before you ask" suggestions: median and p95 over varied titles.
Medians over --runs rounds; the machine is noisy, so compare figures from one machine only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import run_round
from session import sign_in

TITLES = ["factuur", "hoe boek ik btw", "printer koppelen", "verlof meenemen", "teams extern",
          "declaraties uitbetaald", "api documentatie", "levering zaterdag", "vraag 123",
          "laptop", "export buiten de eu", "python rapportage"]  # fmt: skip


def in_process(email: str, paths: dict[str, str]) -> dict[str, tuple[int, int]]:
    """{name: (queries, bytes)} of a second request (caches warm, as under load)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(email=email))
    found = {}
    for name, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        found[name] = (len(queries), len(response.content))
    return found


def sequential(host, port, path, cookie, n=200) -> tuple[float, float]:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def wrk(base, path, cookie, seconds, connections) -> tuple[float, float, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency",
         "-H", f"Cookie: {cookie}", base + path],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{path}: {non2xx.group(1)} failed responses")

    def ms(label):
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return rate, ms("50"), ms("90")


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
    from forums.models import Topic

    question = Topic.objects.filter(title="Benchmarkvraag met twintig antwoorden").first()
    if question is None:
        raise SystemExit("run bench/seed_forums.py first")
    paths = {
        "topic list": "/spaces/it/forum/",
        "question, 20 answers": f"/forum/topics/{question.pk}/",
    }
    counted = in_process(args.email, paths)
    parts = urlsplit(args.base)
    host, port = parts.hostname, parts.port or 80
    cookie, _csrf = sign_in(args.base, args.email, args.password)
    tool = "wrk" if shutil.which("wrk") else "python"
    print(f"{Topic.objects.count()} topics; {args.base}; {args.connections} connections; "
          f"{args.runs} x {args.seconds:.0f}s ({tool})")  # fmt: skip
    print(f"{'page':<22}{'queries':>8}{'bytes':>8}{'1-user p50':>11}{'p95':>7}"
          f"{'req/s':>8}{'p50 ms':>8}{'p90 ms':>8}")  # fmt: skip
    for name, path in paths.items():
        single = [sequential(host, port, path, cookie) for _ in range(args.runs)]
        rounds = []
        for _ in range(args.runs):
            if tool == "wrk":
                rounds.append(wrk(args.base, path, cookie, args.seconds, args.connections))
            else:
                rounds.append(
                    run_round(host, port, path, cookie, args.seconds, args.connections)[:3]
                )
        queries, size = counted[name]
        print(f"{name:<22}{queries:>8}{size:>8}"
              f"{statistics.median(s[0] for s in single):>11.1f}"
              f"{statistics.median(s[1] for s in single):>7.1f}"
              f"{statistics.median(r[0] for r in rounds):>8.0f}"
              f"{statistics.median(r[1] for r in rounds):>8.1f}"
              f"{statistics.median(r[2] for r in rounds):>8.1f}")  # fmt: skip
    conn = http.client.HTTPConnection(host, port, timeout=10)
    times = []
    for _ in range(args.runs):
        for title in TITLES:
            # Typing: every prefix of three or more characters asks again.
            for end in range(4, len(title) + 1, 2):
                started = time.perf_counter()
                conn.request("GET", f"/forum/similar/?title={quote(title[:end])}",
                             headers={"Cookie": cookie})  # fmt: skip
                conn.getresponse().read()
                times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"similar questions: {len(times)} requests, median {statistics.median(times):.1f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
