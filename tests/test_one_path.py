"""One way from request to service (README, "From request to service").

Every API view is an ApiView that declares what each handler reads (`<method>_input` for the
body, `<method>_query` for the query parameters); the same declarations are the OpenAPI schema,
so the schema cannot say one thing while the view parses another. Pages and API views read
input only through forms and those serializers: no view picks `request.POST`, `request.GET`,
`request.data` or `request.query_params` apart by hand."""

from __future__ import annotations

import ast
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers
from rest_framework.views import APIView

from intranet.core.api import ApiView

ROOT = Path(__file__).resolve().parent.parent
SURFACES = {"views.py", "api.py", "people_views.py"}
BODY_METHODS = ("post", "put", "patch", "delete")
RAW_INPUT = {"POST", "GET", "data", "query_params"}
# The one place that reads them for every API view (ApiView.body, .query).
READER = Path("intranet/core/api.py")


def api_views() -> dict[str, type]:
    """Every API view class reachable under /api/v1/, by its address."""
    found: dict[str, type] = {}

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                view = getattr(entry.callback, "view_class", None) or getattr(
                    entry.callback, "cls", None
                )
                if view is not None and issubclass(view, APIView):
                    found[prefix + str(entry.pattern)] = view

    walk(get_resolver().url_patterns, "/")
    return {path: view for path, view in found.items() if path.startswith("/api/v1/")}


def undeclared() -> list[str]:
    problems = []
    for path, view in sorted(api_views().items()):
        if view.__module__.startswith(("drf_spectacular", "rest_framework")):
            continue
        if not issubclass(view, ApiView):
            problems.append(f"{path} {view.__name__}: not an ApiView")
            continue
        for method in BODY_METHODS:
            if not hasattr(view, method):
                continue
            declared = getattr(view, f"{method}_input", "missing")
            if declared == "missing":
                problems.append(f"{path} {view.__name__}.{method}: no {method}_input")
            elif declared is not None and not (
                isinstance(declared, type) and issubclass(declared, serializers.BaseSerializer)
            ):
                problems.append(f"{path} {view.__name__}.{method}_input: not a serializer class")
    return problems


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def raw_input_reads() -> list[str]:
    """Views that read request.POST / .GET / .data / .query_params themselves. Handing them to a
    form (`AnswerForm(request.POST)`, `PainFormSet(data=request.POST)`) is the way to read."""
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if path.name not in SURFACES or relative.parts[0] in {".venv", "tests", "bench", "var"}:
            continue
        if relative == READER:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        to_forms = {
            id(inner)
            for call in ast.walk(tree)
            if isinstance(call, ast.Call) and _callee(call).endswith(("Form", "FormSet", "form"))
            for argument in [*call.args, *(keyword.value for keyword in call.keywords)]
            for inner in ast.walk(argument)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and id(node) not in to_forms
                and node.attr in RAW_INPUT
                and isinstance(node.value, ast.Name)
                and node.value.id == "request"
            ):
                found.append(f"{relative}:{node.lineno} request.{node.attr}")
    return found


def test_every_api_handler_declares_its_input():
    assert undeclared() == [], (
        "Every API view is an intranet.core.api.ApiView and declares the body of each write "
        "handler (`post_input = SomeSerializer`, or `post_input = None` when it takes none); "
        "the OpenAPI schema is built from those declarations."
    )


def test_views_read_input_only_through_forms_and_serializers():
    assert raw_input_reads() == [], (
        "Parse input with a Django form (pages) or the view's declared serializer (API: "
        "self.body(request), self.query(request)); forms and serializers check shape, "
        "services keep the rules."
    )


def test_the_schema_documents_every_write_body():
    """A write handler with a declared body has that body in the schema; with `None`, none."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing = []
    for path, view in api_views().items():
        documented = schema["paths"].get(_openapi_path(path), {})
        for method in BODY_METHODS:
            declared = getattr(view, f"{method}_input", None)
            body = documented.get(method, {}).get("requestBody")
            if hasattr(view, method) and declared is not None and body is None:
                missing.append(f"{method.upper()} {path}")
    assert missing == []


def _openapi_path(pattern: str) -> str:
    """/api/v1/topics/<int:topic_id>/ -> /api/v1/topics/{topic_id}/"""
    import re

    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)


def test_the_checks_see_a_raw_read(monkeypatch):
    """The scans are not vacuous: a view reading request.POST by hand is caught."""
    fake = ROOT / "forums" / "views.py"
    source = fake.read_text(encoding="utf-8") + "\n\ndef _raw(request):\n    return request.POST\n"
    original = Path.read_text

    def read_text(self, *args, **kwargs):
        return source if self == fake else original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    assert any(line.startswith("forums/views.py") for line in raw_input_reads())
