"""What the insight pages read from a request. Shape only (numbers, choices); the privacy rules
and the limits live in insights.services."""

from __future__ import annotations

import math

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from insights import phases, selectors
from insights.models import WINDOWS
from insights.value import DEFAULT_MONTHS, MONTH_CHOICES


class FilterForm(forms.Form):
    """Choices in an address (?window=, ?measure=, ?export=): a value that is missing or not
    offered is its field's default, never an error page."""

    def values(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name] if cleaned.get(name) not in (None, "") else field.initial
            for name, field in self.fields.items()
        }


def _window():
    return forms.TypedChoiceField(
        choices=[(str(w), str(w)) for w in WINDOWS], coerce=int, required=False, initial=90
    )


class ExportFilterForm(FilterForm):
    export = forms.CharField(required=False, initial="")


class NetworkFilterForm(ExportFilterForm):
    window = _window()


class ValueFilterForm(ExportFilterForm):
    """How many months the value page shows: 6, 12 or 24. Anything else shows the default
    and the page says so (refused())."""

    months = forms.TypedChoiceField(
        choices=[(str(m), str(m)) for m in MONTH_CHOICES],
        coerce=int,
        required=False,
        initial=DEFAULT_MONTHS,
    )

    def refused(self) -> bool:
        """A number of months was asked that the page does not offer."""
        self.is_valid()
        return "months" in self.errors


class PeopleLookForm(FilterForm):
    """The measure and period of the named-people page (GET shows the choice, POST looks)."""

    window = _window()
    measure = forms.ChoiceField(
        choices=[(m, m) for m in selectors.MEASURES], required=False, initial="leaders"
    )
    export = forms.CharField(required=False, initial="")


class WhichForm(FilterForm):
    """Which of the settings page's forms was sent (its hidden `form` field)."""

    form = forms.ChoiceField(
        choices=[("settings", "settings"), ("thresholds", "thresholds")],
        required=False,
        initial="",
    )


MIN_GROUP = _("The smallest group must be a whole number from 3 to 1000.")


class SettingsForm(forms.Form):
    min_group = forms.IntegerField(error_messages={"invalid": MIN_GROUP, "required": MIN_GROUP})
    person_level = forms.BooleanField(required=False)
    purpose = forms.CharField(required=False)


class NumberField(forms.CharField):
    """A number as people type it: a decimal comma or point."""

    default_error_messages = {"invalid": _("Enter a number.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class ThresholdsForm(forms.Form):
    """Every phase rule's threshold; shares are typed as percentages and sent to the service
    as fractions (its rules say what is allowed)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for rule in phases.RULES:
            self.fields[rule.key] = NumberField(error_messages={"required": _("Enter a number.")})

    def thresholds(self) -> dict:
        shares = {rule.key for rule in phases.RULES if rule.share}
        return {
            key: value / 100 if key in shares else value for key, value in self.cleaned_data.items()
        }


class OptOutForm(forms.Form):
    """Leave ("1") or rejoin (anything else) the person-level views."""

    out = forms.CharField(required=False)

    def clean_out(self) -> bool:
        return self.cleaned_data["out"] == "1"


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True),
        error_messages={"required": _("Choose a person."), "invalid_choice": _("Choose a person.")},
    )
    revoke = forms.BooleanField(required=False)
