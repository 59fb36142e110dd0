"""Article text: Markdown with headings, tables, code and images, sanitised with nh3 (no
script, no javascript: links or images), headings given anchors for the table of contents."""

from __future__ import annotations

import html
import re

import nh3
from django.utils.text import slugify
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
TAGS = {"p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a",
        "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td", "img"}  # fmt: skip
HEADING = re.compile(r"<h([234])>(.*?)</h\1>", re.S)


def _shift_headings(text: str) -> str:
    # "# Title" in an article is a section: the page's own title is the only <h1>.
    return re.sub(r"^(#{1,3})(?=\s)", lambda m: "#" + m.group(1), text, flags=re.M)


def render(text: str) -> tuple[str, list[list]]:
    """(safe HTML, table of contents [[level, anchor, text], ...])."""
    raw = _markdown.render(_shift_headings(text or ""))
    clean = nh3.clean(
        raw,
        tags=TAGS,
        attributes={
            "a": {"href"},
            "img": {"src", "alt", "title"},
            "th": {"align"},
            "td": {"align"},
        },
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    toc: list[list] = []
    used: set[str] = set()

    def anchor(match) -> str:
        level, inner = match.group(1), match.group(2)
        label = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        base = slugify(label)[:60] or "section"
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        toc.append([int(level), slug, label])
        return f'<h{level} id="{slug}">{inner}</h{level}>'

    return HEADING.sub(anchor, clean), toc
