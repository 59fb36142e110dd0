"""The forms of the signal pages and the idea box: shape only; the rules (who may raise,
answer or assign, what a deadline may be) are in intranet.signals.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.core.forms import Valid
from intranet.signals.models import IdeaKind, SignalStatus
from intranet.signals.selectors import STATES, TABS


class FollowUpFilterForm(forms.Form):
    """?tab=mine|supported|all&state=open|overdue|answered|closed&page=n"""

    tab = forms.ChoiceField(choices=[(t, t) for t in TABS], required=False)
    state = forms.ChoiceField(choices=[("", "")] + [(s, s) for s in STATES], required=False)

    def value(self) -> tuple[str, str]:
        if not self.is_valid():
            return "mine", ""
        return self.cleaned_data["tab"] or "mine", self.cleaned_data["state"] or ""


class RaiseForm(Valid, forms.Form):
    source = forms.SlugField(max_length=20)
    object_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class SupportForm(Valid, forms.Form):
    action = forms.ChoiceField(choices=[("support", "support"), ("withdraw", "withdraw")])

    def on(self) -> bool:
        return self.valid()["action"] == "support"


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(v, label) for v, label in SignalStatus.choices if v != SignalStatus.NEW],
    )
    response = forms.CharField(
        label=_("Answer"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Public: everyone who supports the signal reads it (you said, we did)."),
    )


class AssignForm(forms.Form):
    owner_email = forms.EmailField(label=_("New owner (email address)"), required=False)
    due_on = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PolicyForm(forms.Form):
    response_days = forms.IntegerField(
        label=_("Owners answer within (days)"), min_value=1, max_value=180
    )
    support_threshold = forms.IntegerField(
        label=_("Support that raises an idea or pain point by itself"),
        min_value=2,
        max_value=10000,
    )


class IdeaForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=IdeaKind.choices)
    title = forms.CharField(label=_("Title"), max_length=160)
    body = forms.CharField(
        label=_("Explanation"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
