"""Seed a large activity history for feed benchmarks: N posts with their activity rows,
spread over the spaces, and make one demo user a member of 10 of them.

    python bench/seed_activities.py [--activities 1000000] [--user chris.dekker@plein.example]

Uses set-based SQL (generate_series), not the services: this is benchmark data, not history.
Run bench/seed_large.py first so there are spaces to spread over."""

from __future__ import annotations

import argparse
import time

from seed_large import connect_to_embedded_services


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--user", default="chris.dekker@plein.example")
    args = parser.parse_args()
    connect_to_embedded_services()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from intranet.governance.models import Membership, Space

    user = get_user_model().objects.get(email=args.user)
    spaces = list(
        Space.objects.filter(visibility="open").order_by("pk").values_list("pk", flat=True)
    )
    for space_id in spaces[:10]:
        Membership.objects.get_or_create(space_id=space_id, user=user, defaults={"role": "member"})
    people = list(get_user_model().objects.values_list("pk", flat=True)[:500])
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH s AS (SELECT array_agg(id) AS ids FROM governance_space),
                 p AS (SELECT %s::bigint[] AS ids),
                 new_posts AS (
                   INSERT INTO activity_post (space_id, author_id, body, body_html, created_at)
                   SELECT s.ids[1 + (g::bigint * 7919) %% array_length(s.ids, 1)],
                          p.ids[1 + (g::bigint * 104729) %% array_length(p.ids, 1)],
                          'Benchmarkbericht ' || g, '<p>Benchmarkbericht ' || g || '</p>',
                          now() - (g || ' seconds')::interval
                   FROM generate_series(1, %s) AS g, s, p
                   RETURNING id, space_id, author_id, created_at)
            INSERT INTO activity_activity (verb, actor_id, space_id, target_type, target_id,
                                           data, created_at)
            SELECT 'post.created', author_id, space_id, 'post', id, '{}'::jsonb, created_at
            FROM new_posts ORDER BY id
            """,
            [people, args.activities],
        )
        cursor.execute("ANALYZE activity_activity; ANALYZE activity_post;")
        cursor.execute("SELECT count(*) FROM activity_activity")
        total = cursor.fetchone()[0]
    print(
        f"{total} activities in the database ({time.monotonic() - started:.0f}s); "
        f"{args.user} is a member of {Membership.objects.filter(user=user).count()} spaces"
    )


if __name__ == "__main__":
    main()
