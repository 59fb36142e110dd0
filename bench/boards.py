"""Process boards against a running Plein (`make serve-prod`, demo seeded).

    python bench/boards.py [--base http://127.0.0.1:8000] [--ws ws://127.0.0.1:8001]
                           [--runs 3] [--sockets 100] [--moves 20] [--exceptions 10000]

Prints three tables:
1. a board with 500 cards: queries and bytes (in-process), single-user latency (median, p95)
   and throughput with 8 connections (wrk when installed);
2. a move reaching N open boards: N WebSockets follow the board, cards are moved over HTTP,
   and the time from sending the move to each socket receiving it (median, p95, max);
3. exceptions: the first reports registered one by one through the service on an empty
   board (each grouped on arrival by trigram similarity; median and p95 ms per report), then
   all N grouped again at once (services.regroup, as after a change of the similarity).
It creates its own boards ("Bench: 500 kaarten", "Bench: uitzonderingen") in the Operations
space; the exceptions board is emptied before each run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import time
import urllib.parse
import urllib.request
from urllib.parse import urlsplit

import websockets
from forum_pages import in_process, sequential, wrk
from pages import run_round
from session import sign_in

WORDS = [
    "klant",
    "betalen",
    "termijnen",
    "levering",
    "ophalen",
    "magazijn",
    "factuur",
    "korting",
    "spoed",
    "retour",
    "adres",
    "monteur",
    "contract",
    "offerte",
    "btw",
]


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * share) - 1)]


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
    import django

    django.setup()


def big_board():
    """A board of 500 cards over five steps, made once."""
    from django.contrib.auth import get_user_model

    from intranet.governance.models import Space
    from processes import services
    from processes.models import Board, Card

    board = Board.objects.filter(name="Bench: 500 kaarten").first()
    if board is not None:
        return board
    mary = get_user_model().objects.get(email="mary.jansen@plein.example")
    space = Space.objects.get(slug="operations")
    board = services.create_board(
        actor=mary,
        space=space,
        name="Bench: 500 kaarten",
        steps=[{"name": f"Stap {n}"} for n in range(1, 6)],
    )
    steps = list(board.steps.all())
    people = list(get_user_model().objects.filter(email__endswith="@plein.example")[:20])
    Card.objects.bulk_create(
        Card(
            board=board,
            step=steps[n % 5],
            title=f"Order 25-{n:04d} klant {n % 97}",
            owner=people[n % len(people)],
            labels=["spoed"] if n % 7 == 0 else [],
        )
        for n in range(500)
    )
    return board


def texts(total: int, rng) -> list[str]:
    """Exceptions as people write them: about one theme per 50 reports, each told in its own
    words (shuffled, a word left out, a word added)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = sorted(
        {"".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(5000)}
    )
    themes = [rng.sample(vocabulary, 7) for _ in range(max(1, total // 50))]
    made = []
    for _n in range(total):
        words = list(rng.choice(themes))
        rng.shuffle(words)
        words = [*words[1:], rng.choice(vocabulary)]
        made.append("Klant " + " ".join(words))
    return made


def grouping(total: int, registered: int) -> tuple[float, float, float, int, int]:
    """(per-report registration median ms and p95 ms for `registered` reports through the
    service, seconds to regroup `total` reports at once, groups, signals)."""
    import random

    from django.contrib.auth import get_user_model

    from intranet.governance.models import Space
    from processes import services
    from processes.models import Board, ExceptionReport

    people = list(get_user_model().objects.filter(email__endswith="@plein.example")[:30])
    board = Board.objects.filter(name="Bench: uitzonderingen").first()
    if board is None:
        board = services.create_board(
            actor=get_user_model().objects.get(email="mary.jansen@plein.example"),
            space=Space.objects.get(slug="operations"),
            name="Bench: uitzonderingen",
            steps=[{"name": "Stap"}],
        )
    board.exceptions.all().delete()
    board.exception_groups.all().delete()
    rng = random.Random(7)
    made = texts(total, rng)
    times = []
    for n, text in enumerate(made[:registered]):
        started = time.perf_counter()
        services.report_exception(
            reporter=people[n % len(people)], board=board, category="other", text=text
        )
        times.append((time.perf_counter() - started) * 1000)
    ExceptionReport.objects.bulk_create(
        ExceptionReport(board=board, reporter=people[n % len(people)], category="other", text=text)
        for n, text in enumerate(made[registered:], registered)
    )
    started = time.perf_counter()
    groups = services.regroup(board_id=board.pk)
    seconds = time.perf_counter() - started
    signals = board.exception_groups.filter(signal__isnull=False).count()
    return statistics.median(times), percentile(times, 0.95), seconds, groups, signals


def move(base: str, cookie: str, csrf: str, card_id: int, to_step: int, from_step: int) -> int:
    data = urllib.parse.urlencode({"to_step": to_step, "from_step": from_step}).encode()
    request = urllib.request.Request(
        f"{base}/boards/cards/{card_id}/move/",
        data=data,
        headers={
            "Cookie": cookie,
            "X-CSRFToken": csrf,
            "HX-Request": "true",
            "Referer": f"{base}/",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


async def live(base, ws_base, board, card, steps, sockets, moves, who) -> dict:
    uri = f"{ws_base}/ws/feed/?feed=board:{board.pk}"
    opened = await asyncio.gather(
        *[
            websockets.connect(
                uri,
                additional_headers={"Cookie": who[0], "Origin": base},
                max_queue=None,
                open_timeout=30,
            )
            for _ in range(sockets)
        ]
    )
    loop = asyncio.get_running_loop()
    latencies, lost = [], 0
    where = card.step_id
    for n in range(moves + 1):
        to = steps[1] if where == steps[0] else steps[0]
        marker = f'id="card-{card.pk}" hx-swap-oob="delete"'

        async def wait(socket, marker=marker):
            while True:
                if marker in await socket.recv():
                    return time.perf_counter()

        waiters = [asyncio.create_task(asyncio.wait_for(wait(s), 10)) for s in opened]
        sent = time.perf_counter()
        await loop.run_in_executor(None, move, base, who[0], who[1], card.pk, to, where)
        where = to
        results = await asyncio.gather(*waiters, return_exceptions=True)
        if n == 0:
            continue  # warm-up: a fresh worker compiles templates
        for result in results:
            if isinstance(result, float):
                latencies.append((result - sent) * 1000)
            else:
                lost += 1
        await asyncio.sleep(0.2)
    await asyncio.gather(*[s.close() for s in opened])
    return {
        "deliveries": len(latencies),
        "lost": lost,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": percentile(latencies, 0.95) if latencies else float("nan"),
        "max": max(latencies) if latencies else float("nan"),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--ws", default="ws://127.0.0.1:8001")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--sockets", type=int, default=100)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--exceptions", type=int, default=10000)
    parser.add_argument("--registered", type=int, default=1000)
    parser.add_argument("--email", default="mary.jansen@plein.example")
    parser.add_argument("--password", default="plein-demo")
    args = parser.parse_args()
    setup()
    board = big_board()
    path = board.get_absolute_url()
    queries, size = in_process(args.email, {"board": path})["board"]
    parts = urlsplit(args.base)
    host, port = parts.hostname, parts.port or 80
    who = sign_in(args.base, args.email, args.password)
    tool = "wrk" if shutil.which("wrk") else "python"
    single = [sequential(host, port, path, who[0], n=100) for _ in range(args.runs)]
    rounds = []
    for _ in range(args.runs):
        if tool == "wrk":
            rounds.append(wrk(args.base, path, who[0], args.seconds, args.connections))
        else:
            rounds.append(run_round(host, port, path, who[0], args.seconds, args.connections)[:3])
    print(
        f"1. board with {board.cards.count()} cards; {args.runs} rounds ({tool}, "
        f"{args.connections} connections)"
    )
    print(f"{'queries':>8}{'bytes':>9}{'1-user p50':>11}{'p95':>7}{'req/s':>8}{'p50 ms':>8}")
    print(
        f"{queries:>8}{size:>9}{statistics.median(s[0] for s in single):>11.1f}"
        f"{statistics.median(s[1] for s in single):>7.1f}"
        f"{statistics.median(r[0] for r in rounds):>8.0f}"
        f"{statistics.median(r[1] for r in rounds):>8.1f}"
    )

    steps = list(board.steps.values_list("pk", flat=True))[:2]
    card = board.cards.filter(step_id=steps[0]).order_by("pk").first()
    results = []
    for _round in range(args.runs):
        card.refresh_from_db(fields=["step"])  # where the last round left it
        results.append(
            asyncio.run(live(args.base, args.ws, board, card, steps, args.sockets, args.moves, who))
        )
    print(f"\n2. a move reaching {args.sockets} open boards; {args.moves} moves x {args.runs}")
    print(f"{'round':>6}{'delivered':>11}{'lost':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for n, r in enumerate(results, 1):
        print(
            f"{n:>6}{r['deliveries']:>11}{r['lost']:>6}{r['p50']:>9.0f}{r['p95']:>9.0f}"
            f"{r['max']:>9.0f}"
        )

    print(
        f"\n3. exceptions: {args.registered} registered one by one through the service "
        f"(grouped on arrival), then all {args.exceptions} grouped again at once"
    )
    print(
        f"{'round':>6}{'report p50 ms':>15}{'p95 ms':>8}{'regroup s':>11}{'groups':>8}"
        f"{'signals':>9}"
    )
    for n in range(1, args.runs + 1):
        p50, p95, seconds, groups, signals = grouping(args.exceptions, args.registered)
        print(f"{n:>6}{p50:>15.1f}{p95:>8.1f}{seconds:>11.1f}{groups:>8}{signals:>9}")


if __name__ == "__main__":
    main()
