"""Page throughput and latency against a running Plein (start it with `make serve-prod`).

    python bench/pages.py [--base http://127.0.0.1:8000] [--seconds 10] [--concurrency 8]

Signs in as a demo user, then for each page runs `--runs` rounds of `--seconds` with
`--concurrency` keep-alive connections, and prints requests/s and latency (median, p95) per
round plus the median over rounds. The load generator runs in this process: on a 2-core
machine it competes with the server, so compare figures from the same machine only.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit

from session import sign_in

PAGES = [("login (anonymous)", "/accounts/login/", False), ("home", "/", True),
         ("healthz", "/healthz", False), ("api/me", "/api/me/", True),
         ("spaces directory", "/spaces/", True), ("space home", "/spaces/it/", True),
         ("space members", "/spaces/it/members/", True), ("org chart", "/organisation/", True),
         ("api/spaces", "/api/spaces/", True), ("api/feed", "/api/feed/", True),
         ("notifications", "/notifications/", True)]  # fmt: skip


def run_round(host, port, path, cookie, seconds, concurrency, *, headers=None):
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker():
        nonlocal errors
        conn = http.client.HTTPConnection(host, port, timeout=10)
        sent = {**({"Cookie": cookie} if cookie else {}), **(headers or {})}
        own: list[float] = []
        own_errors = 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=sent)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    own_errors += 1
            except (OSError, http.client.HTTPException):
                own_errors += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
                continue
            own.append(time.perf_counter() - started)
        with lock:
            latencies.extend(own)
            errors += own_errors

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
    return len(latencies) / seconds, statistics.median(latencies) * 1000, p95 * 1000, errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated page names to run")
    parser.add_argument("--email", default="chris.dekker@plein.example")
    parser.add_argument("--password", default="plein-demo")
    args = parser.parse_args()
    parts = urlsplit(args.base)
    host, port = parts.hostname, parts.port or 80
    cookie, _csrf = sign_in(args.base, args.email, args.password)
    print(f"{args.base}  concurrency {args.concurrency}  {args.runs} x {args.seconds:.0f}s")
    print(f"{'page':<20}{'run':>4}{'req/s':>10}{'median ms':>12}{'p95 ms':>10}{'errors':>8}")
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    for name, path, needs_login in PAGES:
        if wanted and name not in wanted:
            continue
        rounds = []
        for run in range(1, args.runs + 1):
            result = run_round(host, port, path, cookie if needs_login else "", args.seconds,
                               args.concurrency)  # fmt: skip
            rounds.append(result)
            print(f"{name:<20}{run:>4}{result[0]:>10.0f}{result[1]:>12.1f}{result[2]:>10.1f}"
                  f"{result[3]:>8}")  # fmt: skip
        median = [statistics.median(r[i] for r in rounds) for i in range(3)]
        print(f"{name:<20}{'med':>4}{median[0]:>10.0f}{median[1]:>12.1f}{median[2]:>10.1f}")


if __name__ == "__main__":
    main()
