"""One way from request to service for the pages.

A view parses its input with a Django form (a formset for repeated parts), the form checks shape
only, and the view calls one service through `perform`, which turns the service's refusal into
what the person sees: messages next to the form's fields, or one message at the top of the page.
The API has the same in intranet.core.api (ApiView, call_service).

    form = AnswerForm(request.POST)
    if form.is_valid():
        answer, refused = perform(
            request, lambda: services.answer(author=request.user, topic=topic, **form.cleaned_data),
            form=form,
        )
        if not refused:
            return redirect(answer)
    return render(request, "...", {"form": form})
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.formsets import (
    INITIAL_FORM_COUNT,
    MAX_NUM_FORM_COUNT,
    MIN_NUM_FORM_COUNT,
    TOTAL_FORM_COUNT,
    ManagementForm,
)
from django.http import Http404
from django.utils.functional import cached_property


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


class Valid:
    """For a form whose refusal is shown as a service's is (the small forms behind a button,
    row forms): `valid()` gives the cleaned values, or raises what the form refused (messages
    per field) inside `perform`, which shows both the same way."""

    def valid(self) -> dict:
        if not self.is_valid():
            raise ValidationError(self.errors.as_data())
        return self.cleaned_data


class DrawnRows(forms.BaseFormSet):
    """Rows as the page draws them, each under its own prefix (`step-0-name`, `rule-3-points`,
    `new-0-name`): a fixed list of rows instead of a management form, so a post names exactly
    the rows the page offered, however many it sends. Apps add `valid()` with their wording."""

    def __init__(self, data=None, *, rows: list[str], initial=None, **kwargs):
        self.rows = list(rows)
        super().__init__(data, initial=initial, prefix="rows", **kwargs)

    @cached_property
    def management_form(self):
        counts = {
            TOTAL_FORM_COUNT: len(self.rows),
            INITIAL_FORM_COUNT: len(self.initial or ()),
            MIN_NUM_FORM_COUNT: 0,
            MAX_NUM_FORM_COUNT: len(self.rows),
        }
        form = ManagementForm(
            {f"{self.prefix}-{key}": value for key, value in counts.items()}, prefix=self.prefix
        )
        form.full_clean()
        return form

    def add_prefix(self, index):
        if isinstance(index, int) and index < len(self.rows):
            return self.rows[index]
        return super().add_prefix(index)


def refusal_text(error: ValidationError) -> str:
    """A refusal as one sentence (or a few), for a message or an inline note."""
    return " ".join(error.messages)


def perform(request, call, *, form=None, rename: dict[str, str] | None = None, quiet=False):
    """Run one service for a page: (its result, None), or (None, the refusal).

    Forbidden is 404 (never confirm what one may not see). A refusal goes onto `form` next to
    its fields when a form is given, else becomes one error message on the next page, unless
    `quiet` (the view shows `refusal_text(error)` where the person acted, as htmx fragments do).
    Nothing is saved: services write in one transaction after their checks."""
    try:
        return call(), None
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        if form is not None:
            errors_onto(form, error, rename=rename)
        elif not quiet:
            messages.error(request, refusal_text(error))
        return None, error
