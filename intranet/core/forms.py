"""Shared form helpers for thin views."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def errors_onto(form, error: ValidationError, *, rename: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form: each message next to its field when the form has
    that field (optionally under another name), else at the top of the form."""
    if not hasattr(form, "cleaned_data"):
        form.full_clean()
        # An empty post leaves a `Form(request.POST or None)` unbound: nothing was cleaned,
        # and the refusal still goes on the form (not a crash).
        if not hasattr(form, "cleaned_data"):
            form.cleaned_data = {}
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, texts in by_field.items():
        field = (rename or {}).get(field, field)
        form.add_error(field if field in form.fields else None, texts)


def run(call):
    """Run a service for a page: forbidden is 404 (never confirm what one may not see); a
    refusal comes back as (None, the ValidationError) for the page to show."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    try:
        return call(), None
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        return None, error
