"""The forms of the webhook pages: shape only; the rules (where a webhook may send, which
events exist, who may subscribe where) are in intranet.webhooks.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.governance import permissions
from intranet.webhooks import payloads, selectors
from intranet.webhooks.models import Format


class SubscriptionForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("Where it sends to, for example “Teams channel Finance”."),
    )
    space = forms.ModelChoiceField(label=_("Space"), queryset=None)
    url = forms.CharField(
        label=_("Address"),
        max_length=500,
        help_text=_(
            "The receiver's address, starting with https://. For Teams or Slack: the incoming "
            "webhook address the channel gives you."
        ),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.GENERIC)
    kinds = forms.MultipleChoiceField(
        label=_("Events"),
        choices=payloads.event_kinds,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only events you may see are sent, checked again at the moment of sending."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        space = self.fields["space"]
        space.queryset = selectors.manageable_spaces(user=user)
        if permissions.is_administrator(user):
            space.required = False
            space.empty_label = _("The whole organisation (open spaces only)")
        else:
            space.empty_label = None


class SpaceFilterForm(forms.Form):
    """?space=<slug>: the webhooks of one space (among those one manages)."""

    space = forms.SlugField(required=False, max_length=120)
