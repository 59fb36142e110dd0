"""Accepted answers as expertise evidence on the question's tags (profiles' finder)."""

from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from profiles.expertise import EvidenceRow, Provider


def describe(count: int, examples: list[dict], topic: str) -> str:
    text = ngettext(
        "%(count)d accepted answer on %(topic)s", "%(count)d accepted answers on %(topic)s", count
    ) % {"count": count, "topic": topic}
    titles = [e["title"] for e in examples if e.get("title")]
    if titles:
        text += " " + _("(such as “%(title)s”)") % {"title": titles[0]}
    return text


def rebuild():
    from forums.models import Topic

    rows = (
        Topic.objects.filter(accepted_answer__isnull=False, tags__isnull=False)
        .values("accepted_answer__author_id", "tags__slug")
        .annotate(n=Count("pk"), last=Max("accepted_answer__created_at"))
    )
    for row in rows.iterator():
        yield EvidenceRow(
            row["accepted_answer__author_id"], row["tags__slug"], row["n"], row["last"], []
        )


def provider() -> Provider:
    return Provider("answers", 3.0, describe, rebuild)
