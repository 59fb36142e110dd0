"""Sections that feature apps add to platform pages (the home page, a profile), so the
platform shows them without importing the apps. A panel's context function returns None when
it has nothing to show for this viewer; then nothing is rendered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    # context(request, **page_values) -> dict | None
    context: Callable[..., dict | None]
    order: int = 50


_panels: dict[str, dict[str, Panel]] = {}


def register(place: str, panel: Panel) -> None:
    _panels.setdefault(place, {})[panel.key] = panel


def unregister(place: str, key: str) -> None:
    _panels.get(place, {}).pop(key, None)


def render(place: str, request, **values) -> SafeString:
    parts = []
    for panel in sorted(_panels.get(place, {}).values(), key=lambda p: p.order):
        context = panel.context(request, **values)
        if context is not None:
            parts.append(render_to_string(panel.template, context, request))
    return mark_safe("".join(parts))  # noqa: S308 - our own templates, autoescaped
