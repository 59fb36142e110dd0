"""Insight charts drawn on the server as SVG (no script, no external host): the department
network, the phase timeline, each layer's participation over time and the value Plein
returned per month. Each has a title, and the page shows a table with the same figures beside
it; the SVG is also offered as a download."""

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


# Each line differs in colour, dash and marker, so colour is never the only way to tell them.
LINE_STYLES = [
    ("#2563eb", "", "circle"),
    ("#b45309", "8 4", "square"),
    ("#15803d", "2 3", "diamond"),
    ("#7c3aed", "10 3 2 3", "triangle"),
]


def _nice_top(value: float) -> tuple[float, float]:
    """(axis maximum, tick step): about four steps of 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 4, 1
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1)
    return step * math.ceil(value / step), step


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if kind == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _panel(*, left: float, top: float, months: list[date], label: str, values: list[int],
           style: tuple[str, str, str]) -> list[str]:  # fmt: skip
    """One figure over the months: its name, its own axis (a figure of 3 a month is not
    flattened by one of 300), the line, each point's value on hover, the last value written."""
    colour, dash, marker = style
    width, height = 300, 130
    count = max(len(months), 1)
    axis_top, step = _nice_top(max(values, default=0))
    plot_top = top + 24
    body = [
        f'<text x="{left}" y="{top + 12}" font-size="13" font-weight="600" '
        f'fill="currentColor">{escape(label)}</text>'
    ]
    tick = 0.0
    while tick <= axis_top + 1e-9:
        y = plot_top + height - height * tick / axis_top
        body.append(
            f'<line x1="{left + 36}" y1="{y:.1f}" x2="{left + 36 + width}" y2="{y:.1f}" '
            f'stroke="currentColor" stroke-opacity="0.15"/><text x="{left + 30}" '
            f'y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="currentColor">{tick:g}</text>'
        )
        tick += step

    def x_of(index: int) -> float:
        return left + 36 + width * (index + 0.5) / count

    # The first, the last and a few months between, so the labels never overlap.
    every = max(1, math.ceil(count / 4))
    for index, month in enumerate(months):
        if index % every == 0 or index == count - 1:
            body.append(
                f'<text x="{x_of(index):.1f}" y="{plot_top + height + 16}" font-size="11" '
                f'text-anchor="middle" fill="currentColor">{month:%m-%Y}</text>'
            )
    points = [(x_of(i), plot_top + height - height * v / axis_top) for i, v in enumerate(values)]
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    body.append(
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dashed}/>'
    )
    for (x, y), month, v in zip(points, months, values, strict=True):
        body.append(
            f"<g>{_marker(marker, x, y, colour)}<title>{escape(label)}, {month:%m-%Y}: {v}"
            "</title></g>"
        )
    if points:
        x, y = points[-1]
        body.append(
            f'<text x="{x:.1f}" y="{y - 9:.1f}" font-size="12" font-weight="600" '
            f'text-anchor="middle" fill="currentColor">{values[-1]}</text>'
        )
    return body


def lines(*, months: list[date], series: list[tuple[str, list[int]]], title: str) -> SafeString:
    """Counts per month, one small chart per series ((label, values), at most four) side by
    side, each with its own axis, line style and marker."""
    column, row = 360, 200
    body = []
    for n, ((label, values), style) in enumerate(zip(series, LINE_STYLES, strict=False)):
        body += _panel(left=8 + (n % 2) * column, top=8 + (n // 2) * row, months=months,
                       label=label, values=values, style=style)  # fmt: skip
    rows = (min(len(series), len(LINE_STYLES)) + 1) // 2
    return _svg(2 * column + 8, rows * row + 8, title, body)


def share_lines(*, series: list[tuple[str, list[tuple[date, float]]]], start: date, end: date,
                title: str) -> SafeString:  # fmt: skip
    """Shares (0 to 1) over days, one line per series ((label, [(day, share)])), on one axis
    from 0 to 100%: the layers of the organisation side by side. Each line has its own colour,
    dash and marker (at its last point, with the value written) and a legend; each point's
    value shows on hover. A series is drawn only over the days it has; one without any is
    left out of the chart and its legend but keeps its place, so each series keeps its style
    whichever others are shown."""
    label_width, width, height, top = 48, 520, 200, 12
    days = max((end - start).days, 1)

    def x_of(day: date) -> float:
        return label_width + width * min(max((day - start).days, 0), days) / days

    def y_of(share: float) -> float:
        return top + height - height * min(max(share, 0.0), 1.0)

    body = []
    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick / 100)
        body.append(
            f'<line x1="{label_width}" y1="{y:.1f}" x2="{label_width + width}" y2="{y:.1f}" '
            f'stroke="currentColor" stroke-opacity="0.15"/><text x="{label_width - 6}" '
            f'y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="currentColor">{tick}%</text>'
        )
    axis_y = top + height
    month = date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            x = x_of(month)
            body.append(
                f'<text x="{x:.1f}" y="{axis_y + 16}" font-size="11" text-anchor="middle" '
                f'fill="currentColor">{month:%m-%Y}</text>'
            )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    for (label, values), (colour, dash, marker) in zip(series, LINE_STYLES, strict=False):
        if not values:
            continue
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        path = " ".join(f"{x_of(day):.1f},{y_of(share):.1f}" for day, share in values)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
            f"{dashed}><title>{escape(label)}</title></polyline>"
        )
        for day, share in values:
            body.append(
                f'<circle cx="{x_of(day):.1f}" cy="{y_of(share):.1f}" r="6" fill="transparent">'
                f"<title>{escape(label)}, {day:%d-%m-%Y}: {round(share * 100)}%</title></circle>"
            )
        day, share = values[-1]
        x, y = x_of(day), y_of(share)
        body.append(
            f"{_marker(marker, x, y, colour)}"
            f'<text x="{x + 8:.1f}" y="{y + 4:.1f}" font-size="12" font-weight="600" '
            f'fill="currentColor">{round(share * 100)}%</text>'
        )
    legend_y = axis_y + 32
    x = label_width
    for (label, values), (colour, dash, marker) in zip(series, LINE_STYLES, strict=False):
        if not values:
            continue
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<line x1="{x}" y1="{legend_y}" x2="{x + 28}" y2="{legend_y}" stroke="{colour}" '
            f'stroke-width="2.5"{dashed}/>{_marker(marker, x + 14, legend_y, colour)}'
            f'<text x="{x + 34}" y="{legend_y + 4}" font-size="12" fill="currentColor">'
            f"{escape(label)}</text>"
        )
        x += 60 + 8 * len(label)
    return _svg(label_width + width + 60, legend_y + 16, title, body)
