"""Queries per main page, with a small and a large data set, in a throwaway test database.

    PLEIN_ENV=test DATABASE_URL=... REDIS_URL=... python bench/query_counts.py [--large 60]

Seeds one open space the reader belongs to, a secret and a narrowed-View space beside it, and
`n` questions, answers, posts, articles and cards (n = 3, then --large), then prints, for every
main page, the number of queries a signed-in employee's second request costs (caches warm, as
under load). A page whose count grows with n has a query per row. Run it on two trees to
compare a change (the numbers are exact, not timed, so one run is enough).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
os.environ.setdefault("PLEIN_ENV", "test")


def seed(n: int, *, prefix: str) -> dict:
    from forums import services as forums
    from intranet.activity import services as activity
    from intranet.governance import services as governance
    from knowledge import services as knowledge
    from processes import services as processes
    from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

    department = DepartmentFactory(name=f"Afdeling {prefix}", slug=f"afd-{prefix}")
    owner = UserFactory(first_name="Olga", last_name=f"Owner{prefix}", department=department)
    reader = UserFactory(first_name="Rik", last_name=f"Reader{prefix}", department=department)
    admin = UserFactory(first_name="Ada", last_name=f"Admin{prefix}", org_role="administrator")
    space = governance.create_space(actor=owner, kind="team", name=f"Team {prefix}")
    secret = governance.create_space(
        actor=owner, kind="project", name=f"Geheim {prefix}", visibility="secret",
        closed_reason="bench",
    )  # fmt: skip
    narrowed = governance.create_space(actor=owner, kind="team", name=f"Smal {prefix}")
    for where in (space, narrowed):
        MembershipFactory(space=where, user=reader, role="member" if where == space else "reader")
    governance.set_space_matrix(actor=owner, space=narrowed, matrix={"view": ["owner", "member"]})
    board = processes.create_board(
        actor=owner, space=space, name=f"Proces {prefix}",
        steps=[{"name": "In", "department": department, "wip_limit": None},
               {"name": "Uit", "department": None, "wip_limit": None}],
    )  # fmt: skip
    topic = article = None
    for i in range(n):
        for where in (space, secret, narrowed):
            topic = forums.ask(author=owner, space=where, kind="question",
                               title=f"Vraag {i} over facturen {prefix}", body="Hoe?",
                               tags=["facturen"])  # fmt: skip
            forums.answer(author=owner, topic=topic, body=f"Antwoord {i}")
            activity.create_post(author=owner, space=where, body=f"Bericht {i} {prefix}")
            article = knowledge.publish(author=owner, space=where, title=f"Artikel {i} {prefix}",
                                        body="Tekst", tags=["facturen"])  # fmt: skip
        processes.add_card(actor=owner, board=board, title=f"Kaart {i}")
    first_topic = forums.ask(author=owner, space=space, kind="question",
                             title=f"Open vraag {prefix}", body="?")  # fmt: skip
    for i in range(n):
        forums.answer(author=owner, topic=first_topic, body=f"Nog een antwoord {i}")
    first_article = knowledge.publish(author=owner, space=space, title=f"Gids {prefix}", body="x")
    return {
        "reader": reader,
        "admin": admin,
        "pages": {
            "home": "/",
            "space home": f"/spaces/{space.slug}/",
            "forum tab": f"/spaces/{space.slug}/forum/",
            "question page": f"/forum/topics/{first_topic.pk}/",
            "knowledge tab": f"/spaces/{space.slug}/knowledge/",
            "article page": f"/knowledge/{first_article.pk}/",
            "board page": f"/boards/{board.pk}/",
            "space directory": "/spaces/",
            "people directory": "/people/",
            "person page": f"/people/{owner.pk}/",
            "who knows": "/people/expertise/?topic=facturen",
            "search": "/search/?q=facturen",
            "notifications": "/notifications/",
        },
        "unused": (topic, article),
    }


def count(client, url: str) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches, as a page under load would have them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=60)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rows: dict[str, list] = {}
        for n, prefix in ((3, "s"), (args.large, "l")):
            data = seed(n, prefix=prefix)
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            client.force_login(data["reader"])
            for page, url in data["pages"].items():
                rows.setdefault(page, []).append(count(client, url))
        print(f"{'page':<18} {'status':>6} {'n=3':>6} {f'n={args.large}':>7}")
        for page, ((status, small), (_status, large)) in rows.items():
            flag = "  <- grows" if large > small else ""
            print(f"{page:<18} {status:>6} {small:>6} {large:>7}{flag}")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
