"""Accepted answers as expertise evidence on the question's tags (profiles' finder).

Each row remembers the space of its questions (one row per person, tag and space), so the
finder counts it and shows its examples only to readers of that space. Rows are recomputed
from the questions themselves whenever what counts changes: an answer accepted or another
chosen, a question or answer hidden or restored, a question moved, merged or re-tagged. Only
accepted answers that every reader of the space can see count: the question and the answer
not hidden, the question not merged away."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intranet.governance.constants import Module
from profiles.expertise import EvidenceRow, Provider

SOURCE = "answers"
EXAMPLES = 3


def describe(count: int, examples: list[dict], topic: str) -> str:
    text = ngettext(
        "%(count)d accepted answer on %(topic)s", "%(count)d accepted answers on %(topic)s", count
    ) % {"count": count, "topic": topic}
    titles = [e["title"] for e in examples if e.get("title")]
    if titles:
        text += " " + _("(such as “%(title)s”)") % {"title": titles[0]}
    return text


def _counting(condition: Q):
    """Questions whose accepted answer counts as evidence, one row per tag."""
    from forums.models import Topic

    return Topic.objects.filter(
        condition,
        accepted_answer__isnull=False,
        accepted_answer__hidden_at__isnull=True,
        hidden_at__isnull=True,
        merged_into__isnull=True,
        tags__isnull=False,
    )


def _rows(condition: Q) -> Iterable[EvidenceRow]:
    """Evidence rows per (answerer, tag, space) with up to three recent questions as examples.
    Two queries, whatever the number of rows."""
    from django.urls import reverse

    key = ("accepted_answer__author_id", "tags__slug", "space_id")
    totals = (
        _counting(condition)
        .values(*key)
        .annotate(n=Count("pk"), last=Max("accepted_answer__created_at"))
        .order_by()
    )
    newest = Window(
        RowNumber(),
        partition_by=[F(k) for k in key],
        order_by=[F("accepted_answer__created_at").desc(), F("pk").desc()],
    )
    examples = (
        _counting(condition)
        .annotate(place=newest)
        .filter(place__lte=EXAMPLES)
        .values_list(*key, "pk", "title")
        .order_by(*key, "place")
    )
    url = reverse("forums:topic", args=[987654321]).replace("987654321", "%d")
    shown: dict[tuple, list[dict]] = {}
    for person_id, tag, space_id, topic_id, title in examples:
        shown.setdefault((person_id, tag, space_id), []).append(
            {"title": title, "url": url % topic_id}
        )
    # Tags are slugs with Unicode; the finder's topics are ASCII slugs: rows that meet on one
    # topic are added up.
    merged: dict[tuple, EvidenceRow] = {}
    for row in totals:
        person_id, tag, space_id = (row[k] for k in key)
        topic = slugify(tag)[:60]
        if not topic:
            continue
        found = shown.get((person_id, tag, space_id), [])
        before = merged.get((person_id, topic, space_id))
        if before is not None:
            found = [*before.examples, *found][:EXAMPLES]
            row["n"] += before.count
            row["last"] = max(row["last"], before.last_at)
        merged[(person_id, topic, space_id)] = EvidenceRow(
            person_id, topic, row["n"], row["last"], found, space_id
        )
    return list(merged.values())


def rebuild() -> Iterable[EvidenceRow]:
    return _rows(Q())


def refresh(person_ids: list[int]) -> Iterable[EvidenceRow]:
    return _rows(Q(accepted_answer__author_id__in=person_ids))


def provider() -> Provider:
    return Provider(SOURCE, 3.0, describe, rebuild, refresh=refresh, module=Module.FORUMS)


# --- Keeping it current --------------------------------------------------------------------------


def answerers_of(topic_ids) -> set[int]:
    """Who has an accepted answer on these questions now (their evidence may change)."""
    from forums.models import Topic

    return set(
        Topic.objects.filter(pk__in=list(topic_ids), accepted_answer__isnull=False)
        .values_list("accepted_answer__author_id", flat=True)
        .distinct()
    )


def refresh_people(person_ids) -> None:
    """Recompute these people's evidence from accepted answers, after the current transaction
    commits (what they answered is then settled)."""
    ids = sorted({pk for pk in person_ids if pk is not None})
    if not ids:
        return

    def run():
        from profiles import services as profiles

        profiles.refresh_evidence(source=SOURCE, person_ids=ids)

    # Derived data: a failure is logged and must not undo the write it follows.
    transaction.on_commit(run, robust=True)
