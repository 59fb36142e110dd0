"""What the recognition pages read from a request. Shape only (text, numbers, dates, ids, a
choice in an address); what earns points, what a badge counts, who may publish or appoint is
decided in gamification.services, and the pages show its refusals through
intranet.core.forms.perform."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gamification.models import Period
from intranet.core import forms as core_forms
from intranet.core.forms import Valid
from intranet.governance.models import Department

# The largest number a database integer holds: beyond it is not an id of ours.
BIGGEST = 2**31 - 1


class Switch(forms.CharField):
    """A switch sent as "1" (on); anything else, or nothing, is off."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> bool:
        return super().to_python(value) == "1"


class ListOf(forms.Field):
    """Every value sent under one name (a field repeated on the page, a multiple select),
    each cleaned by `field`."""

    widget = forms.MultipleHiddenInput

    def __init__(self, field: forms.Field, **kwargs):
        super().__init__(required=False, **kwargs)
        self.field = field

    def to_python(self, value) -> list:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return [self.field.clean(item) for item in values]


class _ManyFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.Field):
    """Every file sent under one name; the service checks what each one is."""

    widget = _ManyFiles

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> list:
        if not value:
            return []
        return [upload for upload in (value if isinstance(value, list) else [value]) if upload]


def _text(max_length: int = 20, **kwargs):
    return forms.CharField(required=False, max_length=max_length, **kwargs)


def _department(**kwargs):
    return forms.ModelChoiceField(
        queryset=Department.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("Choose a department from the list.")},
        **kwargs,
    )


# --- Points, levels and leaderboards ------------------------------------------------------------


class DepartmentFilterForm(forms.Form):
    """?department= of the leaderboard and the stories: none given is everyone; one that is
    not a department is a page that does not exist (`unknown`)."""

    department = _department()

    def chosen(self):
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("department")

    @property
    def unknown(self) -> bool:
        return "department" in self.errors


class LeaderboardFilterForm(DepartmentFilterForm):
    """?period= (a month unless another period is offered), ?department=, ?space=."""

    period = forms.ChoiceField(choices=Period.choices, required=False)
    space = _text(max_length=100)

    def period_chosen(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("period") or Period.MONTH


class PrivacyForm(Valid, forms.Form):
    visible = forms.ChoiceField(
        choices=[("0", "0"), ("1", "1")],
        error_messages={
            "required": _("Choose whether colleagues see your points."),
            "invalid_choice": _("Choose whether colleagues see your points."),
        },
    )


class RuleRowForm(forms.Form):
    """One rule of the rules page, as typed: the service says which numbers are good ones
    (and names the rule in its message)."""

    points = _text()
    cap = _text()
    pair = _text()
    active = Switch()


class DrawnRows(core_forms.DrawnRows):
    """Rows as the page draws them, each under its own prefix (`rule-3-points`): a fixed list
    of rows instead of a management form, so a post names exactly the rows the page offered."""

    def valid(self) -> list[dict]:
        """Each row's cleaned values in the page's order ({} for an untouched empty row); or
        what the rows refused, raised for `perform` to show."""
        if not self.is_valid():
            raise ValidationError(
                [text for errors in self.errors for field in errors.values() for text in field]
                or list(self.non_form_errors())
            )
        return [form.cleaned_data for form in self.forms]


RuleFormSet = forms.formset_factory(RuleRowForm, formset=DrawnRows, extra=0)


class GameSettingsForm(Valid, forms.Form):
    points_on = Switch()
    leaderboards_on = Switch()
    visible_by_default = Switch()


# --- Badges -------------------------------------------------------------------------------------


class BadgeForm(Valid, forms.Form):
    """A badge as typed; the service checks the criteria whole (a known deed, rising tiers, a
    space that exists) and says what to correct."""

    name = _text(200)
    name_nl = _text(200)
    description = _text(1000)
    description_nl = _text(1000)
    deed = _text(60)
    bronze = _text()
    silver = _text()
    gold = _text()
    period_days = _text()
    space = _text()
    active = forms.CharField(required=False, max_length=20)

    def clean_active(self) -> bool:
        return bool(self.cleaned_data["active"])


# --- Success stories ----------------------------------------------------------------------------


class StoryForm(Valid, forms.Form):
    title = forms.CharField(required=False)
    challenge = forms.CharField(required=False)
    approach = forms.CharField(required=False)
    result = forms.CharField(required=False)
    people = ListOf(
        forms.IntegerField(
            min_value=1,
            max_value=BIGGEST,
            error_messages={
                kind: _("Some of the people tagged are not colleagues here.")
                for kind in ("invalid", "min_value", "max_value", "required")
            },
        )
    )
    teams = ListOf(
        forms.IntegerField(
            min_value=1,
            max_value=BIGGEST,
            error_messages={
                kind: _("Some of the teams tagged do not exist.")
                for kind in ("invalid", "min_value", "max_value", "required")
            },
        )
    )
    images = FilesField()
    alt = ListOf(forms.CharField(required=False, max_length=1000))


class ReuseForm(Valid, forms.Form):
    kind = _text(40)
    note = forms.CharField(required=False)


class FeatureForm(Valid, forms.Form):
    featured = Switch()


# --- Ambassadors and challenges -----------------------------------------------------------------


class AppointForm(Valid, forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.all(),
        error_messages={
            "required": _("Choose a colleague."),
            "invalid_choice": _("Choose a colleague."),
        },
    )
    department = _department()
    action = _text()


DATES = _("Choose a start date and an end date on or after it.")


class ChallengeForm(Valid, forms.Form):
    title = forms.CharField(required=False)
    description = forms.CharField(required=False)
    starts_on = forms.DateField(required=False, error_messages={"invalid": DATES})
    ends_on = forms.DateField(required=False, error_messages={"invalid": DATES})
    step_deed = ListOf(_text(60))
    step_count = ListOf(
        forms.IntegerField(
            required=False,
            min_value=-BIGGEST,
            max_value=BIGGEST,
            error_messages={
                "invalid": _("Each step is something from the list, done 1 to 100 times.")
            },
        )
    )

    def steps(self) -> list[tuple[str, int]]:
        """(deed, count) of each row the page drew."""
        data = self.valid()
        return [
            (deed, count or 0)
            for deed, count in zip(data["step_deed"], data["step_count"], strict=False)
        ]


# --- Informal leaders: invitations and the ambassadors' log (issue 22) ---------------------------


def _window():
    from insights.models import WINDOWS

    return forms.TypedChoiceField(
        choices=[(str(days), str(days)) for days in WINDOWS], coerce=int, required=False
    )


def _measure():
    from insights.selectors import MEASURES

    return forms.ChoiceField(choices=[(key, key) for key in MEASURES], required=False)


class PeopleViewForm(forms.Form):
    """?measure=&window= of the invite page: the person view the administrator came from. A
    view that does not exist is a page that does not exist (`view()` is None)."""

    measure = _measure()
    window = _window()

    def view(self) -> tuple[str, int] | None:
        if not self.is_valid():
            return None
        measure, window = self.cleaned_data["measure"], self.cleaned_data["window"]
        return (measure, window) if measure and window else None


class InviteLeaderForm(Valid, forms.Form):
    """The invitation as typed (posted to the address that names the person view)."""

    kind = _text(40)
    reason = forms.CharField(required=False, max_length=4000, strip=False)
    counterpart = forms.EmailField(
        required=False,
        max_length=254,
        error_messages={"invalid": _("Choose another colleague by their email address.")},
    )
    skill = _text(200)


class AnswerInvitationForm(Valid, forms.Form):
    action = forms.ChoiceField(
        choices=[("accept", "accept"), ("decline", "decline")],
        error_messages={
            "required": _("Choose to accept or decline."),
            "invalid_choice": _("Choose to accept or decline."),
        },
    )
    skill = _text(200)


HOURS = _("Give a whole number of hours from 0 to 200.")


class HoursGrantedForm(Valid, forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.all(),
        error_messages={
            "required": _("Choose a colleague."),
            "invalid_choice": _("Choose a colleague."),
        },
    )
    hours = forms.IntegerField(
        min_value=-BIGGEST,
        max_value=BIGGEST,
        error_messages={"invalid": HOURS, "required": HOURS},
    )


LOGGED = _("Give the hours it took: more than 0, at most 24 (e.g. 1.5).")


class AmbassadorLogForm(Valid, forms.Form):
    kind = _text(40)
    date = forms.DateField(
        required=False,
        error_messages={"invalid": _("Give a date in the past year, not in the future.")},
    )
    hours = forms.DecimalField(
        max_digits=6,
        decimal_places=2,
        error_messages=dict.fromkeys(
            ("invalid", "required", "max_digits", "max_decimal_places", "max_whole_digits"),
            LOGGED,
        ),
    )
    department = _department()
    note = forms.CharField(required=False, max_length=1000)
