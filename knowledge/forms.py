from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.models import Article


class ArticleForm(forms.Form):
    """Carries what the editor collects; knowledge.services validates and saves it."""

    title = forms.CharField(label=_("Title"), required=False)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown: ## headings, **bold**, lists, tables, `code` and links."),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Up to 5, separated by commas")
    )
    language = forms.ChoiceField(label=_("Language"), choices=Article.Language.choices)
    collection = forms.TypedChoiceField(
        label=_("Collection"), required=False, coerce=int, empty_value=None
    )
    summary = forms.CharField(
        label=_("What changed?"), required=False, help_text=_("One line for the history.")
    )
    base = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, collections=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collection"].choices = [("", _("No collection"))] + [
            (c.pk, c.name if c.parent_id is None else f"— {c.name}") for c in collections
        ]
        if editing:
            del self.fields["language"]
            del self.fields["collection"]


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False)
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 18})
    )
    note = forms.CharField(
        label=_("Note for the owner"),
        required=False,
        help_text=_("What you added or corrected, and why."),
    )
    base = forms.IntegerField(widget=forms.HiddenInput, required=False)
