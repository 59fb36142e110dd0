"""Insight charts drawn on the server as SVG (no script, no external host): the department
network and the phase timeline. Each has a title, and the page shows a table with the same
figures beside it; the SVG is also offered as a download."""

from __future__ import annotations

import math
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from insights.models import Phase

BLUE, ORANGE, GREY, DARK = "#2563eb", "#b45309", "#94a3b8", "#1e293b"
PHASE_COLOURS = {0: "#e2e8f0", 1: "#bfdbfe", 2: "#93c5fd", 3: "#3b82f6", 4: "#1d4ed8"}


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - all text is escaped


def network(*, departments: list[dict], ties: list[dict], title: str) -> SafeString:
    """Departments on a circle, sized by members; lines as thick as their ties; silos in
    orange, bridges ringed."""
    size, radius = 640, 220
    centre = size / 2
    count = max(len(departments), 1)
    where = {}
    for index, d in enumerate(departments):
        angle = 2 * math.pi * index / count - math.pi / 2
        where[d["id"]] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    heaviest = max((t["weight"] for t in ties), default=1) or 1
    biggest = max((d["members"] for d in departments), default=1) or 1
    body = []
    for tie in ties:
        (x1, y1), (x2, y2) = where[tie["a_id"]], where[tie["b_id"]]
        width = 1 + 9 * tie["weight"] / heaviest
        body.append(
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="{GREY}" '
            f'stroke-width="{width:.1f}" stroke-linecap="round" opacity="0.8"/>'
        )
    for d in departments:
        x, y = where[d["id"]]
        r = 8 + 22 * math.sqrt(d["members"] / biggest)
        fill = ORANGE if d["silo"] else BLUE
        ring = f' stroke="{DARK}" stroke-width="4"' if d["bridge"] else ""
        anchor = "start" if x >= centre else "end"
        dx = r + 6 if x >= centre else -(r + 6)
        body.append(
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{r:.0f}" fill="{fill}"{ring}/>'
            f'<text x="{x + dx:.0f}" y="{y + 5:.0f}" text-anchor="{anchor}" font-size="14" '
            f'fill="currentColor">{escape(d["name"])}</text>'
        )
    legend_y = size - 18
    body.append(
        f'<circle cx="20" cy="{legend_y}" r="7" fill="{BLUE}"/>'
        f'<text x="32" y="{legend_y + 5}" font-size="13" fill="currentColor">'
        f"{escape(_('Department'))}</text>"
        f'<circle cx="150" cy="{legend_y}" r="7" fill="{ORANGE}"/>'
        f'<text x="162" y="{legend_y + 5}" font-size="13" fill="currentColor">'
        f"{escape(_('Silo'))}</text>"
        f'<circle cx="240" cy="{legend_y}" r="7" fill="{BLUE}" stroke="{DARK}" stroke-width="3"/>'
        f'<text x="252" y="{legend_y + 5}" font-size="13" fill="currentColor">'
        f"{escape(_('Bridge'))}</text>"
    )
    return _svg(size + 160, size, title, ['<g transform="translate(80,0)">', *body, "</g>"])


def timeline(*, rows: dict, start: date, end: date, title: str) -> SafeString:
    """One row per department, coloured by its phase from day to day."""
    label_width, width, row = 180, 480, 26
    days = max((end - start).days, 1)
    body = []
    for index, (department, steps) in enumerate(rows.items()):
        y = 8 + index * row
        body.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="13" '
            f'fill="currentColor">{escape(str(department))}</text>'
        )
        for n, (day, phase) in enumerate(steps):
            until = steps[n + 1][0] if n + 1 < len(steps) else end
            x1 = label_width + width * max((day - start).days, 0) / days
            x2 = label_width + width * max((until - start).days, 0) / days
            body.append(
                f'<rect x="{x1:.1f}" y="{y + 2}" width="{max(x2 - x1, 2):.1f}" height="{row - 8}" '
                f'fill="{PHASE_COLOURS[phase]}"><title>{escape(str(Phase(phase).label))} '
                f"({day:%d-%m-%Y})</title></rect>"
            )
    # Month ticks under the rows, so "when" can be read off without hovering.
    axis_y = 8 + len(rows) * row + 4
    month = date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            x = label_width + width * (month - start).days / days
            body.append(
                f'<line x1="{x:.1f}" y1="8" x2="{x:.1f}" y2="{axis_y}" stroke="currentColor" '
                f'stroke-opacity="0.15"/><text x="{x:.1f}" y="{axis_y + 12}" font-size="11" '
                f'text-anchor="middle" fill="currentColor">{month:%m-%Y}</text>'
            )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    legend_y = axis_y + 24
    x = label_width
    for phase in Phase:
        body.append(
            f'<rect x="{x}" y="{legend_y}" width="14" height="14" fill="{PHASE_COLOURS[phase]}"/>'
            f'<text x="{x + 18}" y="{legend_y + 12}" font-size="12" fill="currentColor">'
            f"{escape(str(phase.label))}</text>"
        )
        x += 24 + 8 * len(str(phase.label))
    return _svg(label_width + width + 20, legend_y + 30, title, body)
