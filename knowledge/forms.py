from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.core.forms import Valid
from intranet.governance.forms import FilterForm, PageForm
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
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Article.Language.choices,
        error_messages={
            "required": _("Choose Dutch or English."),
            "invalid_choice": _("Choose Dutch or English."),
        },
    )
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


ID_MAX = 2**63 - 1  # the largest id the database holds
NUMBER_MAX = 2**31 - 1  # the largest revision number


class ArticleListForm(PageForm):
    """?collection=, ?show=stale and ?page= of a space's articles (and the collection a new
    article starts in); anything else is the default."""

    collection = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    show = forms.ChoiceField(choices=[("stale", "stale")], required=False, initial="")


class CollectionForm(Valid, forms.Form):
    name = forms.CharField(required=False)
    parent = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)


class DecisionForm(Valid, forms.Form):
    """Accept (as suggested, or with the title and text edited) or decline with a reason."""

    decision = forms.ChoiceField(
        choices=[("accept", "accept"), ("decline", "decline")],
        error_messages={
            "required": _("Use accept or decline."),
            "invalid_choice": _("Use accept or decline."),
        },
    )
    reason = forms.CharField(required=False)
    title = forms.CharField(required=False)
    body = forms.CharField(required=False, strip=False)

    def edited(self) -> dict:
        """The title and text as the owner edited them, or None for each when not sent
        (accepted as suggested)."""
        edited = "body" in self.data
        return {
            "title": self.cleaned_data["title"] if edited and "title" in self.data else None,
            "body": self.cleaned_data["body"] if edited else None,
        }


class CompareForm(FilterForm):
    """?old= and ?new=: two revision numbers (anything else is none, and the page 404s)."""

    old = forms.IntegerField(required=False, min_value=0, max_value=NUMBER_MAX, initial=0)
    new = forms.IntegerField(required=False, min_value=0, max_value=NUMBER_MAX, initial=0)


class RestoreForm(Valid, forms.Form):
    number = forms.IntegerField(min_value=1, max_value=NUMBER_MAX)


class OutdatedForm(Valid, forms.Form):
    reason = forms.CharField(required=False)


class HelpfulForm(Valid, forms.Form):
    helpful = forms.ChoiceField(
        choices=[("yes", "yes"), ("no", "no")],
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )


class FromAnswerForm(forms.Form):
    """The space the article goes to (its address); none: the question's own space."""

    space = forms.SlugField(required=False, max_length=100, allow_unicode=True)

    def space_or(self, default: str) -> str:
        return (self.is_valid() and self.cleaned_data["space"]) or default


class CoOwnersForm(Valid, forms.Form):
    emails = forms.CharField(required=False)


class UploadForm(Valid, forms.Form):
    file = forms.FileField(required=False, allow_empty_file=True)  # the service says why not


class SearchForm(PageForm):
    """The knowledge search's filters; too long words and tags are cut, not refused; a value
    that does not fit is its default."""

    q = forms.CharField(required=False, initial="", strip=False)
    space = forms.CharField(required=False, initial="", max_length=100)
    collection = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    owner = forms.CharField(required=False, initial="", max_length=254)
    tag = forms.CharField(required=False, initial="", strip=False)
    freshness = forms.ChoiceField(
        choices=[("stale", "stale"), ("fresh", "fresh")], required=False, initial=""
    )

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:200]

    def clean_tag(self) -> str:
        return self.cleaned_data["tag"][:30]
