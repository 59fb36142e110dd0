"""Profiles at benchmark size: realistic names, locations, skills, endorsements and expertise
evidence equivalent to N answered forum posts.

    python bench/seed_large.py --people 10000      # people and spaces first
    python bench/seed_people.py [--answers 200000]

Set-based SQL and bulk inserts, no services: benchmark data, not history. The answer evidence
is stored under source "answers", the name forums will register its provider under; until
forums exists only bench/people.py (which registers a stand-in provider) weighs it."""

from __future__ import annotations

import argparse
import random
import time

from seed_large import connect_to_embedded_services

FIRST = [
    "Anna",
    "Bram",
    "Chris",
    "Daan",
    "Eva",
    "Fatima",
    "Gerrit",
    "Hugo",
    "Ilse",
    "Joost",
    "Kees",
    "Lotte",
    "Mohamed",
    "Noor",
    "Pieter",
    "Roos",
    "Sanne",
    "Thijs",
    "Vera",
    "Wouter",
    "Yara",
    "Ahmet",
    "Esther",
    "Femke",
    "Jeroen",
    "Merel",
    "Niels",
    "Priya",
    "Ruben",
    "Stijn",
    "Tim",
    "Anouk",
    "Bas",
    "Carmen",
    "Dirk",
    "Emma",
    "Floor",
    "Gijs",
    "Hanna",
    "Ivo",
    "Jasmijn",
    "Koen",
    "Lars",
    "Marit",
    "Olaf",
    "Puck",
    "Quinten",
    "Rik",
    "Sofie",
    "Teun",
    "Ufuk",
    "Vincent",
    "Willemijn",
    "Xander",
    "Youssef",
    "Zoë",
]
LAST = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "de Bruin",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "van de Ven",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "van Dam",
    "van der Wal",
    "Prins",
    "Blom",
    "Huisman",
    "Peeters",
    "de Jonge",
    "Kuipers",
    "van Veen",
    "Post",
    "Kuiper",
    "Veenstra",
    "Kramer",
    "van den Brink",
    "Scholten",
    "El Amrani",
    "Bouzid",
    "Yilmaz",
    "Ramdin",
    "Nguyen",
    "Kowalski",
    "Öztürk",
]
LOCATIONS = ["Utrecht", "Amsterdam", "Eindhoven", "Zwolle", "Rotterdam", "Groningen", "Thuis"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--skills", type=int, default=300)
    args = parser.parse_args()
    connect_to_embedded_services()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils.text import slugify

    from profiles import services
    from profiles.models import Endorsement, Evidence, Skill

    User = get_user_model()
    rng = random.Random(11)
    started = time.monotonic()
    bench = list(User.objects.filter(email__startswith="bench").only("pk"))
    for person in bench:
        person.first_name = rng.choice(FIRST)
        person.last_name = rng.choice(LAST)
        person.location = rng.choice(LOCATIONS)
    User.objects.bulk_update(bench, ["first_name", "last_name", "location"], batch_size=2000)
    names = [f"Vaardigheid {i}" for i in range(args.skills)] + ["Python", "BTW", "Excel", "Lean"]
    Skill.objects.bulk_create(
        [Skill(name=n, slug=slugify(n)) for n in names], ignore_conflicts=True, batch_size=1000
    )
    skills = list(Skill.objects.values_list("pk", flat=True))
    people = list(User.objects.filter(is_active=True).values_list("pk", flat=True))
    through = User.skills.through
    through.objects.bulk_create(
        [
            through(user_id=pk, skill_id=skill)
            for pk in people
            for skill in rng.sample(skills, k=rng.randint(2, 6))
        ],
        ignore_conflicts=True,
        batch_size=5000,
    )
    stated = list(through.objects.values_list("user_id", "skill_id"))
    endorsements = [
        Endorsement(endorser_id=rng.choice(people), person_id=user_id, skill_id=skill_id)
        for user_id, skill_id in rng.sample(stated, k=min(len(stated), 30_000))
    ]
    Endorsement.objects.bulk_create(
        [e for e in endorsements if e.endorser_id != e.person_id],
        ignore_conflicts=True,
        batch_size=5000,
    )
    services.rebuild_evidence()
    # N answers: each by a person (a few answer a lot) on a topic, aggregated per person/topic.
    Evidence.objects.filter(source="answers").delete()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH p AS (SELECT array_agg(id ORDER BY id) AS ids FROM profiles_user
                       WHERE is_active),
                 s AS (SELECT array_agg(slug ORDER BY id) AS slugs FROM profiles_skill),
                 answers AS (
                   SELECT p.ids[1 + floor(power(random(), 3) * array_length(p.ids, 1))::int]
                            AS person_id,
                          s.slugs[1 + floor(random() * array_length(s.slugs, 1))::int] AS topic,
                          now() - random() * interval '1000 days' AS at
                   FROM generate_series(1, %s), p, s)
            INSERT INTO profiles_evidence (person_id, topic, source, count, last_at, examples)
            SELECT person_id, topic, 'answers', count(*), max(at), '[]'::jsonb
            FROM answers GROUP BY person_id, topic
            """,
            [args.answers],
        )
        cursor.execute("ANALYZE profiles_evidence; ANALYZE profiles_user;")
    print(
        f"{len(people)} people, {len(skills)} skills, {len(stated)} stated skills, "
        f"{Endorsement.objects.count()} endorsements, {Evidence.objects.count()} evidence rows "
        f"({args.answers} answers) in {time.monotonic() - started:.1f}s"
    )


if __name__ == "__main__":
    main()
