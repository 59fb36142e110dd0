"""What the forum pages read from a request: shape only (types, lengths, choices); the rules
(who may, how long a title is, which tags exist) are forums.services'."""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from forums import selectors
from forums.models import Topic
from intranet.core.forms import Valid
from intranet.governance.forms import FilterForm, PageForm

ID_MAX = 2**63 - 1  # the largest id the database holds
CHOOSE_KIND = _("Choose a question or a discussion.")
CHOOSE_LANGUAGE = _("Choose Dutch or English.")


class TopicForm(forms.Form):
    """Carries what the ask page collects; forums.services validates and saves it. Editing
    changes the title, the text and the tags only."""

    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=Topic.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_KIND, "invalid_choice": CHOOSE_KIND},
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
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Topic.Language.choices,
        error_messages={"required": CHOOSE_LANGUAGE, "invalid_choice": CHOOSE_LANGUAGE},
    )
    ask_leadership = forms.BooleanField(
        label=_("Also ask the leadership (listed in the open Q&A of the directors)"),
        required=False,
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("kind", "language", "ask_leadership"):
                del self.fields[name]


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is allowed."),
    )


class TopicListForm(PageForm):
    """?show= and ?page= of a space's topics; anything else is the default (all, page 1)."""

    show = forms.ChoiceField(
        choices=[("all", "all"), ("unanswered", "unanswered"), ("leadership", "leadership")],
        required=False,
        initial="all",
    )


class SimilarForm(FilterForm):
    """The title being typed ("before you ask")."""

    title = forms.CharField(required=False, initial="")


class SearchForm(PageForm):
    """The forum search's filters (?q=&space=&tag=&answered=&language=&page=). Too long words
    and tags are cut, not refused; a value that does not fit is its default."""

    q = forms.CharField(required=False, initial="", strip=False)
    space = forms.CharField(required=False, initial="", max_length=100)
    tag = forms.CharField(required=False, initial="", strip=False)
    answered = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")], required=False, initial="")
    language = forms.ChoiceField(choices=Topic.Language.choices, required=False, initial="")

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:200]

    def clean_tag(self) -> str:
        return self.cleaned_data["tag"][:30]


class VoteForm(Valid, forms.Form):
    """Up (1), down (-1), or taking one's vote back (0)."""

    value = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0"), ("-1", "-1")],
        coerce=int,
        error_messages={
            "required": _("Vote up, down or take your vote back."),
            "invalid_choice": _("Vote up, down or take your vote back."),
        },
    )


class AcceptForm(Valid, forms.Form):
    """The answer to accept; none (empty) accepts no answer."""

    answer = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)


class RequestAnswerForm(Valid, forms.Form):
    """The colleague asked to answer (whether they may see the question is the service's)."""

    person = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True),
        error_messages={
            "required": _("Choose a colleague."),
            "invalid_choice": _("Choose a colleague."),
            "invalid_pk_value": _("Choose a colleague."),
        },
    )


class FollowForm(forms.Form):
    """Follow (the default) or stop following."""

    action = forms.CharField(required=False, max_length=20)

    def following(self) -> bool:
        return not (self.is_valid() and self.cleaned_data["action"] == "unfollow")


class CommentForm(Valid, forms.Form):
    """A comment under the question (no answer) or under one of its answers."""

    answer = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    body = forms.CharField(required=False, strip=False)


class ModerateForm(Valid, forms.Form):
    """Lock, unlock, pin, unpin, move (to a space, by its address) or merge (into a topic, by
    its number or address)."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in ("lock", "unlock", "pin", "unpin", "move", "merge")],
        error_messages={
            "required": _("Choose what to do."),
            "invalid_choice": _("Choose what to do."),
        },
    )
    space = forms.CharField(required=False, max_length=100)
    into = forms.CharField(required=False, max_length=300)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "merge":
            into = selectors.topic_id_from(cleaned.get("into", ""))
            if into is None or into > ID_MAX:
                self.add_error("into", _("Give the number or address of the original."))
            else:
                cleaned["into"] = into
        return cleaned
