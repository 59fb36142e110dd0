"""The new text of a reply: the plain-text part (or the HTML part turned into text), without
what the mail program quoted (lines starting with ">", "On ... wrote:", "Op ... schreef ...:",
Outlook's "From: / Sent: / To:" block, "-----Original Message-----") and without the
signature ("-- " and the lines after it, "Sent from my iPhone")."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A line where the quoted message begins: everything from it on is dropped.
_QUOTE_STARTS = [
    re.compile(r"^\s*On\b.{0,300}\bwrote\s*:?\s*$", re.IGNORECASE),
    re.compile(r"^\s*Op\b.{0,300}\bschreef\b.{0,300}:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Op\b.{0,300}\bheeft\b.{0,300}\bgeschreven\s*:?\s*$", re.IGNORECASE),
    re.compile(r"^\s*Le\b.{0,300}\ba écrit\s*:?\s*$", re.IGNORECASE),
    re.compile(r"^\s*Am\b.{0,300}\bschrieb\b.{0,300}:?\s*$", re.IGNORECASE),
    re.compile(
        r"^\s*-{2,}\s*(original message|oorspronkelijk bericht|origineel bericht|"
        r"forwarded message|doorgestuurd bericht)\s*-{2,}\s*$",
        re.IGNORECASE,
    ),
    re.compile(r"^\s*_{20,}\s*$"),  # Outlook's line above its header block
]
# Outlook's header block: "From:" (or "Van:") followed by "Sent:", "To:", "Subject:" ...
_HEADER_FROM = re.compile(r"^\s*\*?(from|van)\s*:\*?\s", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(sent|date|to|cc|subject|verzonden|datum|aan|onderwerp)\s*:\*?\s", re.IGNORECASE
)
# The signature: "-- " on its own line, and what phones add.
_SIGNATURE = [
    re.compile(r"^--\s?$"),
    re.compile(
        r"^\s*(sent from my |sent from outlook|get outlook for |verzonden (vanaf|vanuit|met) "
        r"(mijn |outlook)|verstuurd (vanaf|vanuit|met) (mijn |outlook))",
        re.IGNORECASE,
    ),
]


def _quote_starts(lines: list[str], index: int) -> bool:
    line = lines[index]
    nxt = lines[index + 1] if index + 1 < len(lines) else ""
    if any(p.match(line) for p in _QUOTE_STARTS):
        return True
    # "On Mon, 3 Jun 2024 at 10:00, Plein <reply+...@x>\nwrote:" (wrapped by the mail program)
    if re.match(r"^\s*(On|Op)\s", line) and nxt.strip():
        joined = f"{line.rstrip()} {nxt.strip()}"
        if any(p.match(joined) for p in _QUOTE_STARTS[:3]):
            return True
    if _HEADER_FROM.match(line):
        following = lines[index + 1 : index + 5]
        return any(_HEADER_NEXT.match(other) for other in following)
    return False


def strip_quoted(text: str) -> str:
    """Only what the person wrote in this reply."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _quote_starts(lines, index) or any(p.match(line) for p in _SIGNATURE):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    text = "\n".join(kept)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


class _HtmlText(HTMLParser):
    """HTML to plain text: paragraphs and line breaks kept, quoted parts left out (a
    <blockquote>, Gmail's and Thunderbird's quote containers), and everything from Outlook's
    reply header on dropped."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table"}
    SKIP = {"script", "style", "head", "title"}
    QUOTE_CLASSES = {"gmail_quote", "gmail_extra", "moz-cite-prefix", "yahoo_quoted"}
    STOP_IDS = {"appendonsend", "divrplyfwdmsg", "stopspelling"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []  # the tag that started a skip, per nested level
        self.depth = 0  # how deep inside that tag we are
        self.stopped = False

    def handle_starttag(self, tag, attrs):
        if self.stopped:
            return
        values = {name: value or "" for name, value in attrs}
        if self.skipping:
            if tag == self.skipping[-1]:
                self.depth += 1
            return
        if values.get("id", "").lower() in self.STOP_IDS:
            self.stopped = True
            return
        classes = set(values.get("class", "").lower().split())
        if (
            tag in self.SKIP
            or tag == "blockquote"
            or (tag == "div" and classes & self.QUOTE_CLASSES)
        ):
            self.skipping.append(tag)
            self.depth = 1
            return
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "hr":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if self.stopped:
            return
        if self.skipping:
            if tag == self.skipping[-1]:
                self.depth -= 1
                if self.depth == 0:
                    self.skipping.pop()
            return
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.stopped and not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _content(part) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    return content


def new_text(message) -> str:
    """The new text of a reply (plain text preferred, HTML turned into text otherwise)."""
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        text = _content(part)
    else:
        part = message.get_body(preferencelist=("html",))
        if part is None:
            return ""
        text = html_to_text(_content(part))
    return strip_quoted(text.replace("\x00", ""))
