from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.activity.models import Channel, NotificationKind
from intranet.activity.selectors import Feed
from intranet.core.forms import Valid
from intranet.governance.forms import ColleagueField
from intranet.governance.models import Department


class PostForm(forms.Form):
    space = forms.SlugField(widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Share something with this space"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown works. Mention a colleague with @firstname.lastname."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 2})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AnnouncementForm(forms.Form):
    """An announcement, for whom and until when. The department choice lists only where the
    person may announce (`departments`, from activity.access.announceable_departments); the
    whole organisation is offered only to those who may address `everyone`. The service
    checks both again."""

    title = forms.CharField(label=_("Title"), max_length=160)
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea)
    department = forms.ModelChoiceField(
        label=_("For"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("The whole organisation"),
        help_text=_("A department's announcement also reaches every department below it."),
        error_messages={"invalid_choice": _("You cannot announce to this department.")},
    )
    expires_at = forms.DateTimeField(
        label=_("Pinned until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, departments=None, everyone: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        field.queryset = departments if departments is not None else Department.objects.all()
        if not everyone:
            # Only their own departments: one must be chosen.
            field.required = True
            field.empty_label = None
            field.error_messages["required"] = _("Choose the department to announce to.")


class DelegateForm(forms.Form):
    """A colleague who may announce for a department, by email address."""

    email = ColleagueField(label=_("Colleague's email address"), max_length=254)


class RemoveDelegateForm(Valid, forms.Form):
    """The delegate to take off (the person's id, from the row's button)."""

    user = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)


class PreferencesForm(forms.Form):
    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Channel.choices,
                initial=current[kind],
                error_messages={"invalid_choice": _("Choose one of the offered options.")},
            )


class FeedPageForm(forms.Form):
    """Which feed and from where, as the address says (?feed=space:12&before=340). A query
    string is never refused: a `before` that is not a whole number is the first page, and a
    feed that names nothing is None (the view answers 404)."""

    feed = forms.CharField(required=False)
    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def chosen(self) -> tuple[Feed | None, int | None]:
        """(the feed asked for, or None; the oldest item shown, or None for the first page)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return Feed.parse(cleaned.get("feed") or ""), cleaned.get("before")


class ReactionForm(forms.Form):
    """The kind of reaction clicked; which kinds exist is the service's to say."""

    kind = forms.CharField(required=False, max_length=40)


class FollowForm(forms.Form):
    """Follow (the default) or stop following."""

    action = forms.CharField(required=False)

    def unfollow(self) -> bool:
        return self.is_valid() and self.cleaned_data["action"] == "unfollow"


class MarkReadForm(forms.Form):
    """One notification by id, or "all" of them."""

    notification = forms.CharField(required=False, max_length=20)

    def target(self) -> int | str | None:
        """ "all", a notification id, or None when the post names neither."""
        if not self.is_valid():
            return None
        value = self.cleaned_data["notification"]
        if value == "all":
            return value
        number = int(value) if value.isascii() and value.isdecimal() else None
        return number if number is not None and number < 2**63 else None
