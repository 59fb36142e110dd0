"""Live delivery latency: N WebSocket clients watch one space; a colleague posts; how long
until every client has the new item? Run against `make serve-prod` (after seed_demo).

    python bench/live.py [--clients 100 500] [--posts 10]

Prints, per N: connect time, delivery p50/p95/max over all (client, post) pairs, and how
many deliveries were lost (a client that did not get a post within 10 s)."""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
import urllib.parse
import urllib.request

import websockets
from session import sign_in


def post(base: str, cookie: str, csrf: str, body: str) -> None:
    data = urllib.parse.urlencode({"space": "it", "body": body}).encode()
    request = urllib.request.Request(
        f"{base}/posts/new/",
        data=data,
        headers={"Cookie": cookie, "X-CSRFToken": csrf, "Referer": f"{base}/spaces/it/"},
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(request, timeout=10)
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise


async def run(base: str, ws_base: str, clients: int, posts: int, reader, author) -> dict:
    space_id = int(
        re.search(
            r"feed=space:(\d+)",
            urllib.request.urlopen(
                urllib.request.Request(f"{base}/spaces/it/", headers={"Cookie": reader[0]})
            )
            .read()
            .decode(),
        ).group(1)
    )
    uri = f"{ws_base}/ws/feed/?feed=space:{space_id}"
    started = time.monotonic()
    sockets = await asyncio.gather(
        *[
            websockets.connect(
                uri,
                additional_headers={"Cookie": reader[0], "Origin": base},
                max_queue=None,
                open_timeout=30,
            )
            for _ in range(clients)
        ]
    )
    connect_s = time.monotonic() - started
    latencies, lost = [], 0
    loop = asyncio.get_running_loop()
    # One unmeasured post first: a fresh process compiles templates and opens connections.
    await loop.run_in_executor(None, post, base, author[0], author[1], "warm-up")
    await asyncio.gather(*[asyncio.wait_for(s.recv(), 10) for s in sockets], return_exceptions=True)
    for n in range(posts):
        marker = f"bench-{time.time_ns()}-{n}"

        async def wait(socket, marker=marker):
            while True:
                message = await socket.recv()
                if marker in message:
                    return time.perf_counter()

        waiters = [asyncio.create_task(asyncio.wait_for(wait(s), 10)) for s in sockets]
        sent = time.perf_counter()
        await loop.run_in_executor(None, post, base, author[0], author[1], marker)
        for result in await asyncio.gather(*waiters, return_exceptions=True):
            if isinstance(result, float):
                latencies.append((result - sent) * 1000)
            else:
                lost += 1
        await asyncio.sleep(0.3)
    await asyncio.gather(*[s.close() for s in sockets])
    latencies.sort()
    return {
        "clients": clients,
        "connect_s": connect_s,
        "deliveries": len(latencies),
        "lost": lost,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan"),
        "max": latencies[-1] if latencies else float("nan"),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--ws", default="ws://127.0.0.1:8001")
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--posts", type=int, default=10)
    args = parser.parse_args()
    reader = sign_in(args.base, "ruben.leeuwen@plein.example", "plein-demo")
    author = sign_in(args.base, "chris.dekker@plein.example", "plein-demo")
    print(
        f"{'clients':>8}{'connect s':>11}{'delivered':>11}{'lost':>6}{'p50 ms':>9}"
        f"{'p95 ms':>9}{'max ms':>9}"
    )
    for clients in args.clients:
        r = asyncio.run(run(args.base, args.ws, clients, args.posts, reader, author))
        print(
            f"{r['clients']:>8}{r['connect_s']:>11.1f}{r['deliveries']:>11}{r['lost']:>6}"
            f"{r['p50']:>9.0f}{r['p95']:>9.0f}{r['max']:>9.0f}"
        )


if __name__ == "__main__":
    main()
