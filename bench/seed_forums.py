"""Forums at benchmark size: N topics and M answers spread over the spaces, with search
vectors, plus one question with exactly 20 answers in the IT space for bench/pages.py.

    python bench/seed_large.py && python bench/seed_forums.py [--topics 20000] [--answers 200000]

Set-based SQL (generate_series), no services: benchmark data, not history."""

from __future__ import annotations

import argparse
import time

from seed_large import connect_to_embedded_services


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--topics", type=int, default=20_000)
    parser.add_argument("--answers", type=int, default=200_000)
    args = parser.parse_args()
    connect_to_embedded_services()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from forums import services
    from forums.models import Answer, Topic
    from intranet.governance.models import Space

    started = time.monotonic()
    people = list(get_user_model().objects.values_list("pk", flat=True)[:2000])
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH s AS (SELECT array_agg(id) AS ids FROM governance_space),
                 p AS (SELECT %s::bigint[] AS ids)
            INSERT INTO forums_topic (space_id, author_id, kind, title, body, body_html, language,
                                      ask_leadership, answer_count, created_at, last_activity_at,
                                      locked, pinned)
            SELECT s.ids[1 + (g * 7919) %% array_length(s.ids, 1)],
                   p.ids[1 + (g * 104729) %% array_length(p.ids, 1)],
                   CASE WHEN g %% 10 = 0 THEN 'discussion' ELSE 'question' END,
                   -- Titles from a vocabulary, so words are spread as in a real forum.
                   (ARRAY['Hoe','Waar','Wanneer','Wie','Waarom'])[1 + g %% 5] || ' ' ||
                   (ARRAY['boek','vind','regel','plan','meld','koppel','bestel','declareer',
                          'deel','controleer'])[1 + (g / 5) %% 10] || ' ik ' ||
                   (ARRAY['facturen','btw','export','verlof','laptop','printer','offertes',
                          'klachten','roosters','contracten','reiskosten','wachtwoorden',
                          'leveringen','budgetten','rapportages','teams','licenties',
                          'vacatures','storingen','bestellingen'])[1 + (g / 50) %% 20] ||
                   ' voor ' ||
                   (ARRAY['klanten','leveranciers','collega''s','de directie','het magazijn',
                          'nieuwe medewerkers','externen','projecten'])[1 + (g / 1000) %% 8] ||
                   ' (' || g || ')',
                   'Toelichting bij vraag ' || g, '<p>Toelichting bij vraag ' || g || '</p>',
                   CASE WHEN g %% 7 = 0 THEN 'en' ELSE 'nl' END, false, 0,
                   now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval,
                   false, false
            FROM generate_series(1, %s) AS g, s, p
            """,
            [people, args.topics],
        )
        cursor.execute(
            """
            WITH t AS (SELECT array_agg(id) AS ids FROM forums_topic),
                 p AS (SELECT %s::bigint[] AS ids)
            INSERT INTO forums_answer (topic_id, author_id, body, body_html, score, created_at)
            SELECT t.ids[1 + (g * 31) %% array_length(t.ids, 1)],
                   p.ids[1 + (g * 7907) %% array_length(p.ids, 1)],
                   'Antwoord ' || g, '<p>Antwoord ' || g || '</p>', g %% 5, now()
            FROM generate_series(1, %s) AS g, t, p
            """,
            [people, args.answers],
        )
        cursor.execute(
            """
            UPDATE forums_topic t SET answer_count = c.n
            FROM (SELECT topic_id, count(*) AS n FROM forums_answer GROUP BY topic_id) c
            WHERE c.topic_id = t.id;
            UPDATE forums_topic SET search =
              setweight(to_tsvector(CASE language WHEN 'nl' THEN 'dutch'::regconfig
                                    ELSE 'english'::regconfig END, title), 'A') ||
              setweight(to_tsvector(CASE language WHEN 'nl' THEN 'dutch'::regconfig
                                    ELSE 'english'::regconfig END, body), 'B');
            ANALYZE forums_topic; ANALYZE forums_answer;
            """
        )
    it = Space.objects.get(slug="it")
    chris = get_user_model().objects.get(email="chris.dekker@plein.example")
    topic = services.ask(
        author=chris, space=it, kind="question", title="Benchmarkvraag met twintig antwoorden"
    )
    Answer.objects.bulk_create(
        Answer(topic=topic, author_id=people[i], body="x", body_html=f"<p>Antwoord {i}</p>")
        for i in range(20)
    )
    Topic.objects.filter(pk=topic.pk).update(answer_count=20)
    print(
        f"{Topic.objects.count()} topics, {Answer.objects.count()} answers "
        f"({time.monotonic() - started:.1f}s); question page: /forum/topics/{topic.pk}/"
    )


if __name__ == "__main__":
    main()
