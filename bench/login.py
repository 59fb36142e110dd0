"""Sign-in latency with the rate limits on, against a running Plein (`make serve-prod`).

    python bench/login.py [--base http://127.0.0.1:8000] [--runs 40]

For each run: fetch the sign-in form (not timed), then time the POST of a demo employee's email
and password through allauth, with its per-address and per-account failure limits, Argon2id
password checking and the session written to Redis; a run counts only when it ends signed in.
Then sends wrong passwords for another demo account until allauth refuses, to show where the
limit stops a guesser, and times those refusals. Prints median and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
import urllib.error

from session import login_post

PASSWORD = "plein-demo"  # noqa: S105 - the demo organisation's published password


def attempt(base: str, email: str, password: str) -> tuple[float, str, bool]:
    """One sign-in from a fresh browser: (milliseconds of the POST alone, without the page it
    redirects to, the answer, signed in)."""
    opener, jar, request = login_post(base, email, password, follow=False)
    request.add_header("Accept-Language", "en")
    started = time.perf_counter()
    try:
        with opener.open(request) as response:
            body = response.read().decode()
    except urllib.error.HTTPError as error:
        body = error.read().decode()
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, body, any(cookie.name == "plein_session" for cookie in jar)


def summary(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"| {label} | {len(times)} | {statistics.median(times):.1f} | {p95:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--email", default="chris.dekker@plein.example")
    parser.add_argument("--guessed", default="mary.jansen@plein.example")
    args = parser.parse_args()

    good = []
    for _ in range(args.runs):
        elapsed, _page, signed_in = attempt(args.base, args.email, PASSWORD)
        if not signed_in:
            raise SystemExit(f"signing in as {args.email} failed; is the demo seeded?")
        good.append(elapsed)
    wrong, refused_after = [], None
    for n in range(1, 21):
        elapsed, page, _signed_in = attempt(args.base, args.guessed, "geraden-wachtwoord")
        wrong.append(elapsed)
        if "Too many failed login attempts" in page:
            refused_after = n - 1
            break
    # Once refused, the account's own password does not get in either until the window passes.
    locked = refused_after is not None and not attempt(args.base, args.guessed, PASSWORD)[2]
    print("| sign-in | runs | median ms | p95 ms |")
    print("|---|---|---|---|")
    summary("correct password (signed in)", good[1:] or good)  # the first warms the worker
    summary("wrong password", wrong)
    print()
    print(
        f"wrong passwords for {args.guessed}: refused after {refused_after} guesses; "
        f"the right password then {'also refused' if locked else 'still got in'}"
    )


if __name__ == "__main__":
    main()
