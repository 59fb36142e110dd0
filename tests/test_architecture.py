"""The shape that keeps access in one place (README, "Where access is decided").

import-linter (make lint) keeps pages, API and sockets from importing other apps' models; this
test checks what an import contract cannot: that they query no content model themselves. A
page that wants a topic, a card or an article asks that app's access module or selectors,
which filter for the reader."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
SURFACES = {"views.py", "api.py", "consumers.py", "people_views.py"}
# The organisation's structure is not content: every employee sees every department.
NOT_CONTENT = {"Department"}


def content_models() -> set[str]:
    """Models that live in a space (a `space` field or a `readable_by` queryset)."""
    found = set()
    for model in apps.get_models():
        fields = {field.name for field in model._meta.get_fields()}
        if "space" in fields or hasattr(model._default_manager, "readable_by"):
            found.add(model.__name__)
    # Spaces themselves are content of governance: its own pages load them through
    # governance.selectors, and so does everyone else.
    found.add("Space")
    return found - NOT_CONTENT


def direct_queries() -> list[str]:
    names = content_models()
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if path.name not in SURFACES or relative.parts[0] in {".venv", "tests", "bench", "var"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Model.objects.readable_by(user) is the access module's own list: allowed.
        listed = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "readable_by"
        }
        for node in ast.walk(tree):
            if id(node) in listed:
                continue
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"objects", "_default_manager"}
                and isinstance(node.value, ast.Name)
                and node.value.id in names
            ):
                found.append(f"{relative}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_pages_api_and_sockets_load_content_only_through_access_modules():
    assert direct_queries() == [], (
        "These pages, API views or consumers query content models directly. Load content "
        "through the app's access module (access_<thing>() or Model.objects.readable_by()) "
        "or a selector built on it, so the reader's access is decided in one place."
    )


def test_the_check_sees_a_direct_query(tmp_path, monkeypatch):
    """The scan is not vacuous: a view that loads a topic by hand is caught."""
    fake = ROOT / "forums" / "views.py"
    source = (
        fake.read_text(encoding="utf-8")
        + "\n\ndef _leak(pk):\n    return Topic.objects.get(pk=pk)\n"
    )
    original = Path.read_text

    def read_text(self, *args, **kwargs):
        return source if self == fake else original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    assert any(entry.startswith("forums/views.py:") and "Topic.objects" in entry
               for entry in direct_queries())  # fmt: skip
