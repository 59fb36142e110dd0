"""The follow-up page (signals from the floor) and the value page against a running Plein
(`make serve-prod`, demo seeded, grown with bench/seed_large.py --people 5000).

    python bench/follow_up.py [--base http://127.0.0.1:8000] [--signals 2000] [--runs 3]

Tops the organisation up to --signals signals (bulk, on posts in open department spaces, owned
by the demo's Operations manager, with supporters; benchmark data, not history), then prints for
each page: queries and bytes (rendered in-process against the same database, second request)
and single-user latency (one connection, 200 sequential requests: median and p95), median over
--runs rounds. The follow-up page as the owner of the signals (tab "mine") and as a colleague
(tab "all"), a signal's page, and the value page as the administrator.
"""

from __future__ import annotations

import argparse
import http.client
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from forum_pages import in_process, sequential
from seed_large import connect_to_embedded_services
from session import sign_in

OWNER = "mary.jansen@plein.example"
COLLEAGUE = "anouk.verbeek@plein.example"
ADMIN = "beheer@plein.example"
PASSWORD = "plein-demo"  # noqa: S105 - the demo's printed password


def top_up(signals: int) -> int:
    """Grow to `signals` signals; returns the id of one of them."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from intranet.activity.models import Post
    from intranet.governance.models import Space
    from intranet.signals.models import Signal, Support

    User = get_user_model()
    owner = User.objects.get(email=OWNER)
    have = Signal.objects.count()
    if have < signals:
        spaces = list(Space.objects.filter(visibility="open", kind="department")[:8])
        authors = list(User.objects.filter(is_active=True).values_list("pk", flat=True)[:5000])
        rng = random.Random(7)
        now = timezone.now()
        with transaction.atomic():
            posts = Post.objects.bulk_create(
                Post(
                    space=rng.choice(spaces),
                    author_id=rng.choice(authors),
                    body=f"Signaal {n}: de scanner in hal {n % 7} doet het weer niet",
                    body_html=f"<p>Signaal {n}</p>",
                )
                for n in range(have, signals)
            )
            made = Signal.objects.bulk_create(
                Signal(
                    source="post",
                    object_id=post.pk,
                    space=post.space,
                    title=post.body[:200],
                    how="author",
                    raised_by_id=post.author_id,
                    owner=owner,
                    due_at=now + timezone.timedelta(days=rng.randint(-20, 20)),
                    support_count=3,
                    status=rng.choice(["new", "new", "review", "adopted"]),
                    created_at=now - timezone.timedelta(days=rng.randint(0, 60)),
                )
                for post in posts
            )
            Support.objects.bulk_create(
                Support(signal=s, user_id=pk) for s in made for pk in rng.sample(authors, 3)
            )
    return Signal.objects.filter(owner=owner).order_by("pk").values_list("pk", flat=True).first()


def check(host, port, path, cookie) -> int:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    return response.status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--signals", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    connect_to_embedded_services()
    started = time.perf_counter()
    one = top_up(args.signals)
    from django.contrib.auth import get_user_model

    from intranet.signals.models import Signal

    people = get_user_model().objects.filter(is_active=True).count()
    print(
        f"{people} people, {Signal.objects.count()} signals "
        f"(top-up {time.perf_counter() - started:.1f} s)"
    )
    pages = [
        ("follow-up, owner (mine)", OWNER, "/follow-up/?tab=mine", False),
        ("follow-up, colleague (all)", COLLEAGUE, "/follow-up/?tab=all", False),
        ("follow-up, overdue", OWNER, "/follow-up/?tab=mine&state=overdue", False),
        ("a signal's page", OWNER, f"/follow-up/{one}/", False),
        ("value page", ADMIN, "/insights/value/", True),
    ]
    split = urlsplit(args.base)
    print(f"\n{'page':<30} {'queries':>7} {'KB':>6} {'p50 ms':>8} {'p95 ms':>8}")
    from insights import services as insights

    chief = get_user_model().objects.get(email=ADMIN)
    insights.grant(actor=chief, user=chief)  # the value page is for those who see insights
    for name, email, path, admin in pages:
        # Signed in over HTTP first: an administrator enrols two-step verification there,
        # which the in-process rendering then finds.
        cookie, _csrf = sign_in(args.base, email, PASSWORD, admin=admin)
        status = check(split.hostname, split.port, path, cookie)
        if status != 200:
            raise SystemExit(f"{path} answered {status} for {email}")
        queries, size = in_process(email, {name: path})[name]
        rounds = [sequential(split.hostname, split.port, path, cookie) for _ in range(args.runs)]
        p50 = statistics.median(r[0] for r in rounds)
        p95 = statistics.median(r[1] for r in rounds)
        print(f"{name:<30} {queries:>7} {size / 1024:>6.1f} {p50:>8.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
