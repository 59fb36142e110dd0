"""API read throughput with a personal access token against a browser session, against a
running Plein (`make serve-prod`, with the API budgets off for one fast client:
`PLEIN_RATE_LIMITS='{"api": {}}'`).

    python bench/api_tokens.py [--base http://127.0.0.1:8000] [--seconds 10] [--runs 3]

Signs in as a demo employee, makes a token with the `read` scope on the token page (as a person
would), then for each endpoint runs `--runs` rounds of `--seconds` with `--concurrency`
keep-alive connections, once with the session cookie and once with `Authorization: Bearer`,
and prints requests/s, median and p95 latency per round and the median over rounds. A token
request checks the token (one indexed query), its scopes, and notes its use at most once a
minute; a session request reads the session from Redis.
"""

from __future__ import annotations

import argparse
import re
import statistics
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import urlsplit

from pages import run_round
from session import sign_in

ENDPOINTS = [
    ("me", "/api/v1/me/"),
    ("spaces", "/api/v1/spaces/"),
    ("feed", "/api/v1/feed/"),
    ("unanswered", "/api/v1/topics/unanswered/"),
]


def make_token(base: str, cookie: str, csrf: str) -> str:
    """A token from the token page, the way a person makes one."""
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf, "name": "bench", "scopes": "read", "days": "7"}
    ).encode()
    request = urllib.request.Request(
        f"{base}/account/tokens/",
        data=data,
        headers={"Cookie": cookie, "Referer": f"{base}/account/tokens/"},
    )
    try:
        page = urllib.request.urlopen(request).read().decode()
    except urllib.error.HTTPError as error:
        page = error.read().decode()
    found = re.search(r'id="token-value"[^>]*value="(plein_[^"]+)"', page)
    if not found:
        raise SystemExit("making a token failed; is the token page there?")
    return found.group(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--email", default="chris.dekker@plein.example")
    parser.add_argument("--password", default="plein-demo")
    args = parser.parse_args()
    parts = urlsplit(args.base)
    host, port = parts.hostname, parts.port or 80
    cookie, csrf = sign_in(args.base, args.email, args.password)
    token = make_token(args.base, cookie, csrf)
    ways = {"session": ({}, cookie), "token": ({"Authorization": f"Bearer {token}"}, "")}
    print(f"{args.base}  concurrency {args.concurrency}  {args.runs} x {args.seconds:.0f}s")
    print(f"{'endpoint':<14}{'with':<9}{'run':>4}{'req/s':>9}{'median ms':>11}{'p95 ms':>9}"
          f"{'errors':>8}")  # fmt: skip
    for name, path in ENDPOINTS:
        for way, (headers, session_cookie) in ways.items():
            rounds = []
            for run in range(1, args.runs + 1):
                result = run_round(host, port, path, session_cookie, args.seconds,
                                   args.concurrency, headers=headers)  # fmt: skip
                rounds.append(result)
                print(f"{name:<14}{way:<9}{run:>4}{result[0]:>9.0f}{result[1]:>11.1f}"
                      f"{result[2]:>9.1f}{result[3]:>8}")  # fmt: skip
            median = [statistics.median(r[i] for r in rounds) for i in range(3)]
            print(f"{name:<14}{way:<9}{'med':>4}{median[0]:>9.0f}{median[1]:>11.1f}"
                  f"{median[2]:>9.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
