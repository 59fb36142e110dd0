"""Shared API helpers: services answer the API as they answer the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException, NotFound, Throttled
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import LimitOffsetPagination

from intranet.core.ratelimit import RateLimited


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
