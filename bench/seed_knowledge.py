"""The knowledge base at benchmark size: N articles over the spaces (with search vectors and a
first revision), a hundred of them with 200 revisions, and one article with two large
revisions (2,000 lines, a tenth changed) for the diff measurement.

    python bench/seed_large.py && python bench/seed_knowledge.py [--articles 20000]

Set-based SQL (generate_series), no services: benchmark data, not history."""

from __future__ import annotations

import argparse
import time

from seed_large import connect_to_embedded_services

TITLE = """(ARRAY['Werkinstructie','Handleiding','Beleid','Checklist','Uitleg'])[1 + g %% 5]
 || ' ' || (ARRAY['facturen','btw','export','verlof','laptop','printer','offertes',
        'klachten','roosters','contracten','reiskosten','wachtwoorden','leveringen','budgetten','rapportages','teams',
        'licenties','vacatures','storingen','bestellingen'])[1 + (g / 5) %% 20] || ' voor ' ||
 (ARRAY['klanten','leveranciers','collega''s','de directie','het magazijn',
        'nieuwe medewerkers','externen','projecten'])[1 + (g / 100) %% 8] || ' (' || g || ')'"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    connect_to_embedded_services()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from intranet.governance.models import Space
    from knowledge import services
    from knowledge.models import Article, Revision

    started = time.monotonic()
    people = list(get_user_model().objects.values_list("pk", flat=True)[:2000])
    body = (
        "## Stappen\n\n1. Open het systeem\n2. Kies het menu\n3. Sla op\n\n"
        "## Uitzonderingen\n\nBij twijfel: vraag het de eigenaar van dit artikel."
    )
    html = ('<h3 id="stappen">Stappen</h3><ol><li>Open het systeem</li><li>Kies het menu</li>'
            '<li>Sla op</li></ol><h3 id="uitzonderingen">Uitzonderingen</h3><p>Bij twijfel: '
            "vraag het de eigenaar van dit artikel.</p>")  # fmt: skip
    toc = '[[3, "stappen", "Stappen"], [3, "uitzonderingen", "Uitzonderingen"]]'
    with connection.cursor() as cursor:
        cursor.execute(
            # TITLE is a constant of this file; every value is a parameter.
            f"""
            WITH s AS (SELECT array_agg(id) AS ids FROM governance_space
                       WHERE modules @> ARRAY['knowledge']::varchar[]),
                 p AS (SELECT %s::bigint[] AS ids)
            INSERT INTO knowledge_article (space_id, title, language, owner_id, body, body_html,
                toc, revision_count, review_at, helpful_yes, helpful_no, created_at, updated_at)
            SELECT s.ids[1 + (g * 7919) %% array_length(s.ids, 1)], {TITLE},
                   CASE WHEN g %% 7 = 0 THEN 'en' ELSE 'nl' END,
                   p.ids[1 + (g * 104729) %% array_length(p.ids, 1)],
                   %s || E'\\n\\nArtikel ' || g, %s, %s::jsonb, 1,
                   current_date + (g %% 400 - 60), g %% 9, g %% 3, now(), now()
            FROM generate_series(1, %s) AS g, s, p
            """,  # noqa: S608
            [people, body, html, toc, args.articles],
        )
        cursor.execute(
            """
            INSERT INTO knowledge_revision (article_id, number, title, body, author_id, summary,
                                            created_at)
            SELECT id, 1, title, body, owner_id, 'Eerste versie', created_at
            FROM knowledge_article WHERE NOT EXISTS (
                SELECT 1 FROM knowledge_revision r WHERE r.article_id = knowledge_article.id);
            -- A hundred articles with 200 revisions each.
            WITH a AS (SELECT id, title, body, owner_id FROM knowledge_article ORDER BY id
                       LIMIT 100)
            INSERT INTO knowledge_revision (article_id, number, title, body, author_id, summary,
                                            created_at)
            SELECT a.id, n, a.title, a.body || E'\\n\\nAanvulling ' || n, a.owner_id,
                   'Aanvulling ' || n, now()
            FROM a, generate_series(2, 200) AS n;
            UPDATE knowledge_article SET revision_count = 200
            WHERE id IN (SELECT id FROM knowledge_article ORDER BY id LIMIT 100);
            UPDATE knowledge_article SET search =
              setweight(to_tsvector(CASE language WHEN 'nl' THEN 'dutch'::regconfig
                                    ELSE 'english'::regconfig END, title), 'A') ||
              setweight(to_tsvector(CASE language WHEN 'nl' THEN 'dutch'::regconfig
                                    ELSE 'english'::regconfig END, body), 'B');
            ANALYZE knowledge_article; ANALYZE knowledge_revision;
            """
        )
    it = Space.objects.get(slug="it")
    chris = get_user_model().objects.get(email="chris.dekker@plein.example")
    lines = [f"Regel {n}: uitleg over stap {n} van het proces." for n in range(2000)]
    large = services.publish(
        author=chris, space=it, title="Benchmark: groot artikel", body="\n".join(lines)
    )
    changed = [f"{line} (herzien)" if n % 10 == 0 else line for n, line in enumerate(lines)]
    services.revise(actor=chris, article=large, base_number=1, title=large.title,
                    body="\n".join(changed))  # fmt: skip
    print(
        f"{Article.objects.count()} articles, {Revision.objects.count()} revisions "
        f"({time.monotonic() - started:.1f}s); large article: /knowledge/{large.pk}/"
    )


if __name__ == "__main__":
    main()
