"""User text: Markdown rendered once and sanitised with nh3, @mentions turned into links."""

from __future__ import annotations

import re

import nh3
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")
MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9._-]*[a-z0-9])", re.IGNORECASE)
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "hr",
}


def mentioned_users(text: str):
    """People named as @firstname.lastname (their email's local part), active only."""
    handles = {match.lower() for match in MENTION.findall(text or "")}
    if not handles:
        return []
    User = get_user_model()
    # Integrations (service accounts) are not people to mention: nobody reads their bell.
    candidates = User.objects.filter(is_active=True, service_account__isnull=True).filter(
        email__iregex=r"^(" + "|".join(re.escape(h) for h in handles) + r")@"
    )
    return list(candidates)


def render(text: str, *, mentions=()) -> str:
    """Markdown to safe HTML; links open as plain links, scripts and styles never survive."""
    html = _markdown.render(text or "")
    # One pass over the text for every person at once, the link put in as it is (a function,
    # never a replacement template: a name may hold "\" or "\g<0>"), so one person's link is
    # never rewritten by the next person's handle in a display name.
    links = {}
    for person in mentions:
        links[person.email.split("@")[0].lower()] = (
            f'<a class="mention" href="{reverse("profiles:person", args=[person.pk])}">'
            f"@{escape(person.display_name)}</a>"
        )
    if links:
        handles = "|".join(re.escape(h) for h in sorted(links, key=len, reverse=True))
        pattern = re.compile(rf"(?<![\w@])@({handles})\b", re.IGNORECASE)
        html = pattern.sub(lambda match: links[match.group(1).lower()], html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "class"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
