"""Shared API helpers: services answer the API as they answer the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound, Throttled
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from intranet.core.ratelimit import RateLimited


def _summary(data) -> str:
    """One sentence for a refusal with messages per field: "title: This field is required." """
    parts = []
    for field, messages in data.items():
        if field == "detail":
            continue
        first = messages
        while isinstance(first, (list, dict)) and first:
            first = next(iter(first.values())) if isinstance(first, dict) else first[0]
        parts.append(f"{field}: {first}" if field != "non_field_errors" else str(first))
    return "; ".join(parts) or _("The request was refused.")


def exception_handler(exc, context):
    """Every refusal of the API in one shape: an object whose "detail" is a sentence, and for
    refused input, the messages per field beside it ({"detail": "...", "title": ["..."]})."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, list):
        data = {"detail": " ".join(str(item) for item in data)}
    elif isinstance(data, dict):
        detail = data.get("detail")
        if isinstance(detail, list):
            data = {**data, "detail": " ".join(str(item) for item in detail)}
        elif detail is None:
            data = {"detail": _summary(data), **data}
    response.data = data
    return response


class Pagination(LimitOffsetPagination):
    """?limit= and ?offset= as DRF reads them, bounded: at most `max_limit` rows a page, and an
    offset past anything stored is an empty page, never a number the database cannot hold."""

    max_limit = 500
    max_offset = 2**31

    def get_offset(self, request) -> int:
        return min(super().get_offset(request), self.max_offset)


def request_object(request) -> dict:
    """The body of an API write as an object (a JSON object or a form). A body of another type
    (a string, a list, a number, null) is refused with 400 and says what to send. Call it after
    access was checked, so the refusal never tells whether the address exists."""
    data = request.data
    if not isinstance(data, dict):
        raise ApiValidationError({"detail": [_("Send an object.")]})
    return data


class LimitReached(Throttled):
    """429 with our own message, which already says when to try again (DRF's Throttled would
    add its own sentence about the wait); DRF sets Retry-After from `wait`."""

    def __init__(self, *, wait: int, detail: str):
        APIException.__init__(self, detail)
        self.wait = wait


def refusal(error: ValidationError) -> APIException:
    """A service's ValidationError as a 400 with messages per field (or under "detail"); a
    write refused by a rate limit as 429 with Retry-After (intranet.core.ratelimit)."""
    if isinstance(error, RateLimited):
        return LimitReached(wait=error.retry_after, detail=error.message)
    if hasattr(error, "error_dict"):
        return ApiValidationError(error.message_dict)
    return ApiValidationError({"detail": error.messages})


def call_service(call):
    """Run a service: forbidden is 404 (never confirm what one may not see), refused is 400."""
    try:
        return call()
    except PermissionDenied as error:
        raise NotFound from error
    except ValidationError as error:
        raise refusal(error) from error


class PageQuery(serializers.Serializer):
    """?limit= and ?offset= of a list that comes in pages (Pagination); a view's `get_query`
    subclasses it so the schema documents both."""

    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=500, help_text="rows per page (50 if not given)"
    )
    offset = serializers.IntegerField(required=False, min_value=0, help_text="rows to skip")


class ApiView(APIView):
    """The base of every API view: one way from request to service.

    A view declares its input next to its handlers, and the same declaration documents it in the
    OpenAPI schema (intranet.core.openapi.Schema), so what the schema says is what is parsed:

        class AnswersView(ApiView):
            post_input = AnswerInput        # the body of POST, a Serializer (None: no body)
            get_query = AnswerFilters       # the query parameters of GET, a Serializer

            def post(self, request, topic_id):
                topic = access...           # access first: never tell what exists
                data = self.body(request)   # 400 with messages per field, or the cleaned dict
                answer = call_service(lambda: services.answer(..., **data))

    Serializers only check shape (types, lengths, choices); the services keep the rules.
    """

    def _declared(self, request, kind: str):
        return getattr(self, f"{request.method.lower()}_{kind}", None)

    def body(self, request, **context) -> dict:
        """The request body, validated by the handler's `<method>_input` serializer. A body
        that is not an object (a string, a list, null) is refused before any field is read."""
        serializer_class = self._declared(request, "input")
        if serializer_class is None:
            raise TypeError(f"{type(self).__name__} declares no {request.method.lower()}_input")
        serializer = serializer_class(
            data=request_object(request), context={"request": request, **context}
        )
        if not serializer.is_valid():
            raise ApiValidationError(serializer.errors)
        return dict(serializer.validated_data)

    def query(self, request, **context) -> dict:
        """The query parameters, validated by the handler's `<method>_query` serializer."""
        serializer_class = self._declared(request, "query")
        if serializer_class is None:
            raise TypeError(f"{type(self).__name__} declares no {request.method.lower()}_query")
        serializer = serializer_class(
            data=request.query_params, context={"request": request, **context}
        )
        if not serializer.is_valid():
            raise ApiValidationError(serializer.errors)
        return dict(serializer.validated_data)

    def page(self, request, rows, serializer_class, **context) -> Response:
        """A list that can grow, one page of it: {"count", "next", "previous", "results"}
        (?limit= and ?offset=, intranet.core.api.Pagination)."""
        # A limit or offset that is not a number in range is refused, not quietly replaced.
        bounds = PageQuery(data=request.query_params)
        if not bounds.is_valid():
            raise ApiValidationError(bounds.errors)
        paginator = Pagination()
        chunk = paginator.paginate_queryset(rows, request, view=self)
        data = serializer_class(chunk, many=True, context={"request": request, **context}).data
        return paginator.get_paginated_response(data)
