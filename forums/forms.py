from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from forums.models import Topic


class TopicForm(forms.Form):
    """Carries what the ask page collects; forums.services validates and saves it."""

    kind = forms.ChoiceField(
        label=_("What is it?"), choices=Topic.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        help_text=_("One sentence that says what you want to know."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "hx-get": reverse_lazy("forums:similar"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#similar-topics",
                "aria-describedby": "similar-topics",
            }
        ),
    )
    body = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, `code`, lists and links."),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Up to 5, separated by commas: btw, export")
    )
    language = forms.ChoiceField(label=_("Language"), choices=Topic.Language.choices)
    ask_leadership = forms.BooleanField(
        label=_("Also ask the leadership (listed in the open Q&A of the directors)"),
        required=False,
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is allowed."),
    )
