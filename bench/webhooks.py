"""Webhook fan-out: 1,000 events to 20 subscribers, delivered by Celery workers to receivers on
loopback; how long until all arrived, and that none was lost or sent twice.

    python bench/webhooks.py [--events 1000] [--subscribers 20] [--workers 2] [--threads 8]

Needs DATABASE_URL / REDIS_URL (a migrated database; use a REDIS_PREFIX of its own so no other
worker takes the tasks). It makes a space with an owner and --subscribers webhooks on it, each
to its own HTTP receiver on 127.0.0.1 (threads in this process) that checks every signature,
starts --workers Celery worker processes (thread pool, --threads each) with
PLEIN_WEBHOOKS_ALLOW_PRIVATE on (the receivers are on loopback), then posts --events messages in
the space through the real service (each one commits, after which its tasks are queued) and
waits until every delivery row is done. It prints the time to publish, the time until the last
delivery arrived, deliveries/s, latency from event to arrival (median, p95), and lost /
duplicated / badly signed counts, which must be 0. Everything it made is deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SETTINGS = """from intranet.settings import *  # noqa: F403

PLEIN_WEBHOOKS_ALLOW_PRIVATE = True  # the bench's receivers listen on loopback
"""


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
    import django

    django.setup()


class Receivers:
    """One HTTP receiver per subscriber; each checks the signature of every message."""

    def __init__(self, count: int):
        self.lock = threading.Lock()
        self.seen: list[tuple[int, int, float, str]] = []  # (port, event id, at, occurred_at)
        self.bad_signatures = 0
        self.secrets: dict[int, str] = {}
        self.servers = []
        receivers = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                from intranet.webhooks import payloads

                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                port = self.server.server_address[1]
                ok = payloads.verify(
                    secret=receivers.secrets.get(port, ""),
                    body=body,
                    header=self.headers.get("Plein-Signature", ""),
                )
                data = json.loads(body)
                with receivers.lock:
                    if not ok:
                        receivers.bad_signatures += 1
                    receivers.seen.append((port, data["id"], time.time(), data["occurred_at"]))
                self.send_response(204 if ok else 400)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        for _ in range(count):
            server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)

    def urls(self) -> list[tuple[int, str]]:
        return [
            (s.server_address[1], f"http://127.0.0.1:{s.server_address[1]}/hook")
            for s in self.servers
        ]

    def stop(self):
        for server in self.servers:
            server.shutdown()
            server.server_close()


def start_workers(workers: int, threads: int, settings_dir: str) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "webhooks_bench_settings",
        "PYTHONPATH": os.pathsep.join([settings_dir, str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "intranet",
                "worker",
                "--pool",
                "threads",
                "--concurrency",
                str(threads),
                "-n",
                f"webhookbench{i}-{os.getpid()}@%h",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        for i in range(workers)
    ]


def run(*, events: int, subscribers: int, workers: int, threads: int) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from intranet.activity import services as activity
    from intranet.core import ratelimit
    from intranet.governance.models import Membership, Space
    from intranet.webhooks import services
    from intranet.webhooks.models import Delivery, Subscription

    settings.PLEIN_WEBHOOKS_ALLOW_PRIVATE = True
    tag = f"webhookbench-{os.getpid()}"
    User = get_user_model()
    owner = User.objects.create_user(email=f"{tag}@bench.invalid", password=None,
                                     first_name="Bench", last_name="Eigenaar")  # fmt: skip
    space = Space.objects.create(kind="team", name=f"Bench {tag}", slug=tag, visibility="open")
    Membership.objects.create(space=space, user=owner, role="owner")
    receivers = Receivers(subscribers)
    subscription_ids = []
    for port, url in receivers.urls():
        subscription, secret = services.create_subscription(
            actor=owner, space=space, name=f"Ontvanger {port}", url=url, format="generic",
            kinds=["post.created"],
        )  # fmt: skip
        receivers.secrets[port] = secret
        subscription_ids.append(subscription.pk)
    settings_dir = tempfile.mkdtemp(prefix="webhooks-bench-")
    Path(settings_dir, "webhooks_bench_settings.py").write_text(SETTINGS)
    procs = start_workers(workers, threads, settings_dir)
    time.sleep(8)  # workers connect to the broker
    expected = events * subscribers
    try:
        started = time.perf_counter()
        with ratelimit.unlimited():
            for n in range(events):
                activity.create_post(author=owner, space=space, body=f"Bericht {n} uit de bench")
        published = time.perf_counter() - started
        deadline = started + 900
        while time.perf_counter() < deadline:
            with receivers.lock:
                arrived = len(receivers.seen)
            if arrived >= expected:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        time.sleep(2)  # anything sent twice would arrive now
        rows = Delivery.objects.filter(subscription_id__in=subscription_ids)
        delivered = rows.filter(status="delivered").count()
        failed = rows.filter(status="failed").count()
        open_rows = rows.filter(status__in=["pending", "retrying"]).count()
        retried = rows.filter(attempts__gt=1).count()
        with receivers.lock:
            seen = list(receivers.seen)
        unique = {(port, event) for port, event, _at, _when in seen}
        latencies = sorted(
            at - datetime.fromisoformat(when).timestamp() for _p, _e, at, when in seen
        )
        lost = expected - len(unique)
        print(
            f"\nWebhook fan-out: {events} events x {subscribers} subscribers = {expected} "
            f"deliveries; {workers} worker processes x {threads} threads"
        )
        print(
            f"{'publish s':>10} {'all in s':>9} {'deliv/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'received':>9} {'delivered':>10} {'retried':>8} {'failed':>7} {'open':>5} "
            f"{'dupes':>6} {'badsig':>7} {'lost':>5}"
        )
        p50 = statistics.median(latencies) * 1000 if latencies else 0
        p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0
        print(
            f"{published:>10.1f} {elapsed:>9.1f} {len(unique) / elapsed:>8.0f} {p50:>8.0f} "
            f"{p95:>8.0f} {len(seen):>9} {delivered:>10} {retried:>8} {failed:>7} "
            f"{open_rows:>5} {len(seen) - len(unique):>6} {receivers.bad_signatures:>7} "
            f"{lost:>5}"
        )
        assert lost == 0, f"{lost} deliveries lost"
        assert len(seen) == len(unique), "a delivery arrived twice"
        assert receivers.bad_signatures == 0
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        receivers.stop()
        Subscription.objects.filter(pk__in=subscription_ids).delete()
        space.delete()
        owner.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--subscribers", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    setup()
    run(
        events=args.events,
        subscribers=args.subscribers,
        workers=args.workers,
        threads=args.threads,
    )


if __name__ == "__main__":
    main()
