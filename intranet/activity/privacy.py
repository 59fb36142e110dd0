"""The smallest group Plein reports figures about (an announcement's reach).

Insights owns the organisation's setting (InsightSettings.min_group, edited on its settings
page, with a works-council agreement behind it); the platform may not import a feature app,
so insights hands its reader over in its AppConfig.ready(). Without insights the platform
holds to the same default."""

from __future__ import annotations

from collections.abc import Callable

DEFAULT_SMALLEST_GROUP = 5
_source: Callable[[], int] | None = None


def use_smallest_group(source: Callable[[], int] | None) -> None:
    """Where the smallest reportable group size is read (None: the default)."""
    global _source
    _source = source


def smallest_group() -> int:
    if _source is None:
        return DEFAULT_SMALLEST_GROUP
    return max(int(_source()), 1)
