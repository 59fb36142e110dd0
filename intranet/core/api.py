"""Shared API helpers: services answer the API as they answer the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError


def refusal(error: ValidationError) -> ApiValidationError:
    """A service's ValidationError as a 400 with messages per field (or under "detail")."""
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
