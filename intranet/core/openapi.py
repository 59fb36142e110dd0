"""The API's refusals in its OpenAPI schema (drf-spectacular post-processing hook).

The views document what they answer when all goes well; the refusals are the same everywhere
and are added here, so the schema lists every status code the API answers (the schema fuzzer,
tests/fuzz/test_api_schema.py, holds the API to it):

- 400: the input was refused (a field, a query parameter, a body that is not an object, a NUL
  byte or invalid UTF-8: intranet.core.middleware.RequestInputMiddleware);
- 401: not signed in, or an access token that is not valid (WWW-Authenticate: Bearer);
- 403: no valid CSRF token, a token without the scope, two-step verification still to be set
  up, or outside a running pilot;
- 404: the address names nothing one may see (forbidden and missing answer alike:
  intranet.core.api.call_service);
- 413 and 415: a body too large, or of a type the API does not read;
- 429: a rate limit (intranet.core.ratelimit), with Retry-After.

Every refusal is a JSON object with "detail", a sentence; refused input also has its messages
under the field names ({"detail": "title: This field is required.", "title": ["..."]}).
"""

from __future__ import annotations

import inspect

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_media_type_object
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": (
        'A refusal: {"detail": sentence}, and for refused input the messages per field beside '
        "it ({field: [messages]}; a list's items by position, an object's fields by name)."
    ),
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {
        "oneOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}},
            {"type": "object"},
        ]
    },
}
DESCRIPTIONS = {
    "400": "The input was refused; the messages say why.",
    "401": "Not signed in, or the access token is not valid.",
    "403": "No valid CSRF token, a token without the scope, or two-step verification not set up.",
    "404": "Not found, or not for you to see (the API answers both alike).",
    "413": "The request body is too large.",
    "415": "The request body is of a type the API does not read.",
    "429": "Too many requests; Retry-After says when to try again.",
}


class Schema(AutoSchema):
    """The schema reads what an ApiView parses (intranet.core.api.ApiView): `<method>_input` is
    the request body and `<method>_query` the query parameters, the same serializers the view
    validates with, so the documentation cannot drift from the parsing."""

    def _declared(self, kind: str):
        return getattr(self.view, f"{self.method.lower()}_{kind}", None)

    def get_request_serializer(self):
        # `post_input = None` declares a handler that takes no body: the schema shows none.
        if hasattr(self.view, f"{self.method.lower()}_input"):
            return self._declared("input")
        return super().get_request_serializer()

    def get_description(self):
        # The handler's or the view's own docstring; never one inherited from ApiView.
        handler = getattr(self.view, self.method.lower(), None)
        own = (handler.__doc__ if handler is not None else None) or type(self.view).__dict__.get(
            "__doc__"
        )
        return inspect.cleandoc(own) if own else ""

    def _get_request_body(self, direction="request"):
        # drf-spectacular documents a body for POST, PUT and PATCH only; a DELETE that
        # declares `delete_input` reads one too, so the schema shows it.
        serializer = self.get_request_serializer() if self.method == "DELETE" else None
        if serializer is None:
            return super()._get_request_body(direction)
        schema, _required = self._get_request_for_media_type(serializer, direction)
        return {
            "content": {
                media_type: build_media_type_object(
                    schema, self._get_examples(serializer, direction, media_type, None, None)
                )
                for media_type in self.map_parsers()
            }
        }

    def get_override_parameters(self):
        from intranet.core.api import PageQuery

        parameters = super().get_override_parameters()
        declared = self._declared("query")
        if declared is not None:
            parameters = [*parameters, declared]
        # A list answered a page at a time takes ?limit= and ?offset= (ApiView.page).
        pages = isinstance(declared, type) and issubclass(declared, PageQuery)
        if self.method == "GET" and not pages and self._answers_pages():
            parameters = [*parameters, PageQuery]
        return parameters

    def _answers_pages(self) -> bool:
        answers = self.get_response_serializers()
        if isinstance(answers, dict):
            answers = answers.get(200) or answers.get("200")
        return any(answers is page for page in _PAGES.values())


_PAGES: dict[str, object] = {}


def paginated(serializer_class, name: str | None = None):
    """The schema of one page of a list (ApiView.page): count, next, previous, results."""
    name = name or f"Paginated{serializer_class.__name__.removesuffix('Serializer')}List"
    if name not in _PAGES:
        _PAGES[name] = inline_serializer(
            name,
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": serializer_class(many=True),
            },
        )
    return _PAGES[name]


def refusal(code: int, description: str = "") -> OpenApiResponse:
    """A refusal for a view's own @extend_schema(responses=...): one the rules below do not
    add, such as 404 from a view without an id in its path (a guest, a switched-off module)."""
    return OpenApiResponse(
        response={"$ref": f"#/components/schemas/{ERROR}"},
        description=description or DESCRIPTIONS[str(code)],
    )


METHODS = {"get", "put", "post", "patch", "delete"}


def versioned_only(endpoints):
    """The schema documents /api/v1/ only; the unversioned aliases answer the same."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def document_errors(result, generator, request, public):
    """Add the refusals an operation can answer to its responses (never replacing what a
    view documents itself)."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR}"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            parameters = operation.get("parameters", [])
            takes_body = "requestBody" in operation
            codes = ["401", "403", "429"]
            # Any write may be refused by its service (a rule, not the input's shape).
            writes = method != "get"
            if writes or takes_body or any(p.get("in") == "query" for p in parameters):
                codes.append("400")
            if "{" in path:
                codes.append("404")
            if takes_body:
                codes += ["413", "415"]
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(code, {"content": error, "description": DESCRIPTIONS[code]})
    return result
