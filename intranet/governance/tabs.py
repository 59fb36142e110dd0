"""The tabs of a space page. Feature apps register theirs (forum, knowledge, boards) in
AppConfig.ready(); a tab shows when its module is switched on in the space."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class SpaceTab:
    key: str
    label: str  # a lazy translation
    url_name: str  # takes the space's slug
    module: str
    order: int

    def url(self, space) -> str:
        return reverse(self.url_name, args=[space.slug])


_tabs: dict[str, SpaceTab] = {}


def register(tab: SpaceTab) -> None:
    _tabs[tab.key] = tab


def tabs_for(space) -> list[dict]:
    """[{key, label, url}] for the modules switched on in this space (a tab without a module,
    such as the idea box, is in every space)."""
    modules = set(space.modules or [])
    return [
        {"key": tab.key, "label": tab.label, "url": tab.url(space)}
        for tab in sorted(_tabs.values(), key=lambda tab: tab.order)
        if not tab.module or tab.module in modules
    ]
