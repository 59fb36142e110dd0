"""The forms of the token pages: shape only; the rules are in intranet.tokens.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.tokens import scopes
from intranet.tokens.services import VALID_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What uses it, for example “HR announcements script”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=scopes.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give a script no more than it needs. Writing includes reading."),
    )
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        initial=90,
        choices=[(d, _("%(days)d days") % {"days": d}) for d in VALID_DAYS],
    )


class ServiceAccountForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(
        label=_("What it is for"), max_length=300, required=False, widget=forms.Textarea
    )
