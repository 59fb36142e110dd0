"""Snippets from PostgreSQL's ts_headline, made safe: the database marks the found words with
two control characters; the text is escaped first and only those marks become <mark>."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

HIT_START, HIT_END = "\x02", "\x03"
MARKS = {"start_sel": HIT_START, "stop_sel": HIT_END}


def highlighted(text: str) -> str:
    marked = escape(text or "").replace(HIT_START, "<mark>").replace(HIT_END, "</mark>")
    return mark_safe(marked)  # noqa: S308 - escaped above; only our marks become tags
