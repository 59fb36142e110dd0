"""Grow the demo organisation to benchmark size: many people and spaces.

    python bench/seed_large.py [--people 2000] [--spaces 500]

Run it after `make run` or `make serve-prod` has created var/ (it attaches to the embedded
PostgreSQL and Redis there), or with DATABASE_URL / REDIS_URL set. Idempotent per size: it
tops the organisation up to the numbers asked, in bulk, without audit entries or events (this
is benchmark data, not history)."""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def connect_to_embedded_services() -> None:
    """Attach to the embedded servers of a running `make run` / `make serve-prod`. If the
    PostgreSQL there is not running, it is started for this script and stopped at its end."""
    import atexit

    from intranet.embedded import EmbeddedPostgres, short_socket_dir

    var = Path(os.environ.get("PLEIN_VAR_DIR", ROOT / "var"))
    if not os.environ.get("DATABASE_URL"):
        already_running = (var / "postgres" / "postmaster.pid").exists()
        postgres = EmbeddedPostgres(data_dir=var / "postgres")
        os.environ["DATABASE_URL"] = postgres.start()
        if not already_running:
            atexit.register(postgres.stop)
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = f"unix://{short_socket_dir(data_dir=var / 'redis')}/redis.sock"
    os.environ.setdefault("PLEIN_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--spaces", type=int, default=500)
    args = parser.parse_args()
    connect_to_embedded_services()
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from intranet.governance.models import Department, Membership, Space

    User = get_user_model()
    rng = random.Random(42)
    started = time.monotonic()
    departments = list(Department.objects.all())
    password = make_password("plein-demo")
    have = User.objects.filter(email__startswith="bench").count()
    new_people = [
        User(email=f"bench{i}@plein.example", first_name=f"Collega{i}", last_name="Bench",
             password=password, department=rng.choice(departments))
        for i in range(have, args.people)
    ]  # fmt: skip
    User.objects.bulk_create(new_people, batch_size=1000)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in new_people],
        batch_size=1000,
    )
    people = list(User.objects.values_list("pk", flat=True))
    have = Space.objects.filter(slug__startswith="bench-").count()
    spaces = Space.objects.bulk_create(
        [Space(kind=rng.choice(["team", "project", "community"]), name=f"Bench ruimte {i}",
               slug=f"bench-{i}", visibility=rng.choice(["open"] * 6 + ["private", "secret"]),
               closed_reason="benchmark")
         for i in range(have, args.spaces)],
        batch_size=500,
    )  # fmt: skip
    memberships = []
    for space in spaces:
        members = rng.sample(people, k=min(len(people), rng.randint(3, 40)))
        memberships += [Membership(space=space, user_id=pk, role="member") for pk in members[1:]]
        memberships.append(Membership(space=space, user_id=members[0], role="owner"))
    Membership.objects.bulk_create(memberships, batch_size=2000, ignore_conflicts=True)
    print(
        f"{User.objects.count()} people, {Space.objects.count()} spaces, "
        f"{Membership.objects.count()} memberships ({time.monotonic() - started:.1f}s)"
    )


if __name__ == "__main__":
    main()
