"""The API's refusals in its OpenAPI schema (drf-spectacular post-processing hook).

The views document what they answer when all goes well; the refusals are the same everywhere
and are added here, so the schema lists every status code the API answers (the schema fuzzer,
tests/fuzz/test_api_schema.py, holds the API to it):

- 400: the input was refused (a field, a query parameter, a body that is not an object, a NUL
  byte or invalid UTF-8: intranet.core.middleware.RequestInputMiddleware);
- 403: not signed in, no valid CSRF token, or two-step verification still to be set up;
- 404: the address names nothing one may see (forbidden and missing answer alike:
  intranet.core.api.call_service);
- 413 and 415: a body too large, or of a type the API does not read;
- 429: a rate limit (intranet.core.ratelimit), with Retry-After.

Every refusal is a JSON object: {"detail": "..."} or, for refused input, lists of messages
under the field names (or under "detail").
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

ERROR = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": (
        'A refusal: {"detail": message} or messages per field ({field: [messages]}; a list\'s '
        "items by position, an object's fields by name)."
    ),
    "properties": {
        "detail": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        }
    },
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
    "403": "Not signed in, no valid CSRF token, or two-step verification is not set up.",
    "404": "Not found, or not for you to see (the API answers both alike).",
    "413": "The request body is too large.",
    "415": "The request body is of a type the API does not read.",
    "429": "Too many requests; Retry-After says when to try again.",
}


def refusal(code: int, description: str = "") -> OpenApiResponse:
    """A refusal for a view's own @extend_schema(responses=...): one the rules below do not
    add, such as 404 from a view without an id in its path (a guest, a switched-off module)."""
    return OpenApiResponse(
        response={"$ref": f"#/components/schemas/{ERROR}"},
        description=description or DESCRIPTIONS[str(code)],
    )


METHODS = {"get", "put", "post", "patch", "delete"}


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
            codes = ["403", "429"]
            if takes_body or any(p.get("in") == "query" for p in parameters):
                codes.append("400")
            if "{" in path:
                codes.append("404")
            if takes_body:
                codes += ["413", "415"]
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(code, {"content": error, "description": DESCRIPTIONS[code]})
    return result
