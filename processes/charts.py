"""Flow charts drawn on the server as SVG: no script, no external host, readable when printed
and by a screen reader (each chart has a title and a table with the same figures beside it)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

ROW = 28
LABEL_WIDTH = 170
BAR_WIDTH = 360


def bars(*, title: str, rows: list[tuple[str, float, str]], highlight: str = "") -> SafeString:
    """Horizontal bars: rows of (label, value, value as text). The row named `highlight`
    (the bottleneck) is drawn in the warning colour."""
    height = ROW * max(len(rows), 1) + 8
    width = LABEL_WIDTH + BAR_WIDTH + 90
    top = max((value for _label, value, _text in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, (label, value, text) in enumerate(rows):
        y = 4 + index * ROW
        length = round(BAR_WIDTH * value / top) if value else 0
        colour = "#b45309" if label == highlight and highlight else "#2563eb"
        short = label if len(label) <= 24 else label[:23] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" '
            f'font-size="13" fill="currentColor">{escape(short)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{max(length, 1)}" height="{ROW - 10}" '
            f'rx="3" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + max(length, 1) + 6}" y="{y + 17}" font-size="13" '
            f'fill="currentColor">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def duration(value) -> str:
    """A stay as people say it: "3 h", "2.5 days"."""
    if value is None:
        return "—"
    hours = value.total_seconds() / 3600
    if hours < 1:
        return _("%(n)d min") % {"n": round(hours * 60)}
    if hours < 48:
        return _("%(n)s h") % {"n": f"{hours:.1f}".rstrip("0").rstrip(".")}
    return _("%(n)s days") % {"n": f"{hours / 24:.1f}".rstrip("0").rstrip(".")}


def for_flow(flow, *, language: str) -> dict[str, SafeString]:
    bottleneck = flow.bottleneck.name if flow.bottleneck else ""
    return {
        "cards": bars(
            title=_("Cards per step now"),
            rows=[(s.name, s.cards_now, str(s.cards_now)) for s in flow.steps],
        ),
        "stay": bars(
            title=_("Average time in each step"),
            rows=[
                (
                    s.name,
                    s.average_stay.total_seconds() if s.average_stay else 0,
                    duration(s.average_stay),
                )
                for s in flow.steps
            ],
            highlight=bottleneck,
        ),
        "throughput": bars(
            title=_("Cards finished per week"),
            rows=[(week, n, str(n)) for week, n in flow.throughput.items()],
        ),
        "handoffs": bars(
            title=_("Hand-offs per pair of departments"),
            rows=[
                (f"{a} → {b}", n, str(n))
                for (a, b), n in sorted(flow.handoffs.items(), key=lambda kv: -kv[1])
            ],
        ),
    }
