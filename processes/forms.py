"""What the process board pages read from a request. Shape only (numbers, dates, a person by
address, a step of the board being worked on); the rules (names, limits, states, who may) live
in processes.services, and the pages show their refusals through intranet.core.forms.perform."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from intranet.core import forms as core_forms
from intranet.core.forms import Valid
from intranet.governance.models import Department
from processes.models import PainPoint

# The largest number a database integer holds: beyond it is not a number of ours.
BIGGEST = 2**31 - 1


def refusal_of(*forms_) -> ValidationError | None:
    """What the forms (or formsets) refused, as one refusal for a page's banner
    (`error.messages`); None when every one is valid."""
    texts = []
    for form in forms_:
        if form.is_valid():
            continue
        if isinstance(form, forms.BaseFormSet):
            texts += form.non_form_errors()
            for errors in form.errors:
                texts += [text for field in errors.values() for text in field]
        else:
            texts += [text for field in form.errors.values() for text in field]
    # The same message from several rows once.
    return ValidationError(list(dict.fromkeys(texts))) if texts else None


class Switch(forms.CharField):
    """A switch sent as "1" (on); anything else, or nothing, is off."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> bool:
        return super().to_python(value) == "1"


class PersonField(forms.CharField):
    """Someone by e-mail address; empty is nobody."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=254, **kwargs)

    def clean(self, value):
        address = super().clean(value)
        if not address:
            return None
        found = get_user_model().objects.filter(email__iexact=address, is_active=True).first()
        if found is None:
            raise ValidationError(
                _("Nobody here has the address %(email)s."), params={"email": address}
            )
        return found


def _number(**kwargs):
    return forms.IntegerField(required=False, min_value=-BIGGEST, max_value=BIGGEST, **kwargs)


def _steps_of(board, **kwargs):
    return forms.ModelChoiceField(
        queryset=board.steps.all(),
        required=False,
        error_messages={"invalid_choice": _("Choose a step of this board.")},
        **kwargs,
    )


# --- Boards and their steps ---------------------------------------------------------------------


class NewBoardForm(Valid, forms.Form):
    name = forms.CharField(required=False)
    description = forms.CharField(required=False)


class StepRowForm(forms.Form):
    """One step row of the new-board and settings pages."""

    name = forms.CharField(
        required=False,
        max_length=80,
        error_messages={"max_length": _("Every step needs a name of at most 80 characters.")},
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("Choose a department from the list.")},
    )
    wip = forms.IntegerField(
        required=False,
        min_value=-BIGGEST,
        max_value=BIGGEST,
        error_messages={"invalid": _("The limit is a whole number.")},
    )
    position = _number()
    remove = Switch()


class DrawnRows(core_forms.DrawnRows):
    """Rows as the page draws them, each under its own prefix (`step-0-name`, `step-12-name`,
    `new-0-name`): a fixed list of rows instead of a management form, so a post names exactly
    the rows the page offered, however many it sends."""

    def valid(self) -> list[dict]:
        """Each row's cleaned values in the page's order ({} for an untouched empty row); or
        what the rows refused, raised for `perform` to show."""
        refused = refusal_of(self)
        if refused is not None:
            raise refused
        return [form.cleaned_data for form in self.forms]


StepFormSet = forms.formset_factory(StepRowForm, formset=DrawnRows, extra=0)


class ShareForm(Valid, forms.Form):
    """The spaces a board is shared with: only those the page offered."""

    share = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share"].choices = [(space.pk, space.name) for space in candidates]


# --- Cards ---------------------------------------------------------------------------------------


class CardForm(Valid, forms.Form):
    title = forms.CharField(required=False)
    description = forms.CharField(required=False, strip=False)
    owner = PersonField()
    due_date = forms.DateField(
        required=False, error_messages={"invalid": _("Give the due date as a date.")}
    )
    labels = forms.CharField(required=False)


class NewCardForm(CardForm):
    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"] = _steps_of(board)


class MoveForm(Valid, forms.Form):
    to_step = _number(error_messages={"invalid": _("Choose a step of this card's board.")})
    from_step = _number(error_messages={"invalid": _("Choose a step of this card's board.")})
    back = forms.CharField(required=False)


CHECKLIST_ACTIONS = [("add", "add"), ("done", "done"), ("undo", "undo"), ("remove", "remove")]


class ChecklistForm(Valid, forms.Form):
    action = forms.ChoiceField(
        choices=CHECKLIST_ACTIONS,
        error_messages={
            "required": _("Choose what to do with the checklist."),
            "invalid_choice": _("Choose what to do with the checklist."),
        },
    )
    item = _number()
    text = forms.CharField(required=False)


class SwitchForm(Valid, forms.Form):
    """Watch or archive ("1"), or stop ("0" or nothing)."""

    on = Switch()


class UploadForm(Valid, forms.Form):
    # The service checks what the file is (and says so); the form only hands it over.
    file = forms.FileField(
        required=False,
        error_messages={
            kind: _("Choose a file to upload.") for kind in ("invalid", "missing", "empty")
        },
    )


class CommentForm(Valid, forms.Form):
    body = forms.CharField(required=False, strip=False)


# --- Pain points, exceptions and signals ---------------------------------------------------------


class Filter:
    """Choices in an address (?status=, ?state=): one missing or not offered is "open", never
    an error page."""

    def value(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get(self.name) or "open"


class PainFilterForm(Filter, forms.Form):
    name = "status"
    status = forms.ChoiceField(
        choices=[("open", "open"), *PainPoint.Status.choices, ("all", "all")], required=False
    )


class PainForm(Valid, forms.Form):
    what = forms.CharField(required=False)
    frequency = forms.CharField(required=False, max_length=40)
    impact = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"] = _steps_of(board)
        self.fields["card"] = forms.ModelChoiceField(
            queryset=board.cards.all(),
            required=False,
            error_messages={"invalid_choice": _("Choose a step or card of this board.")},
        )


class PainStatusForm(Valid, forms.Form):
    status = forms.CharField(required=False, max_length=40)


class ExceptionForm(Valid, forms.Form):
    category = forms.CharField(required=False, max_length=40)
    text = forms.CharField(required=False)

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"] = _steps_of(board)


class RegroupForm(Valid, forms.Form):
    action = forms.CharField(required=False)
    group = _number()
    report = _number()


class SignalPolicyForm(Valid, forms.Form):
    """Numbers as numbers; the service says which are good ones."""

    min_reports = forms.IntegerField(
        required=False,
        max_value=BIGGEST,
        error_messages={"invalid": _("Use a whole number of at least 1.")},
    )
    min_people = forms.IntegerField(
        required=False,
        max_value=BIGGEST,
        error_messages={"invalid": _("Use a whole number of at least 1.")},
    )
    window_days = forms.IntegerField(
        required=False,
        max_value=BIGGEST,
        error_messages={"invalid": _("Use a whole number of at least 1.")},
    )
    response_days = forms.IntegerField(
        required=False,
        max_value=BIGGEST,
        error_messages={"invalid": _("Use a whole number of at least 1.")},
    )
    similarity = forms.FloatField(
        required=False, error_messages={"invalid": _("Use a similarity between 0.1 and 1.")}
    )
