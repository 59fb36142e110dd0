"""The left rail. Feature apps register their entry in AppConfig.ready(), so the platform
never imports a feature app and the rail shows only what is installed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # a lazy translation
    url_name: str
    icon: str
    order: int
    visible: Callable | None = None  # visible(user) -> bool; None: every signed-in user

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def items_for(user) -> list[NavItem]:
    return [
        item
        for item in sorted(_items.values(), key=lambda item: item.order)
        if item.visible is None or item.visible(user)
    ]
