from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.activity.models import Channel, NotificationKind
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
    title = forms.CharField(label=_("Title"), max_length=160)
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea)
    department = forms.ModelChoiceField(
        label=_("For"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("The whole organisation"),
    )
    expires_at = forms.DateTimeField(
        label=_("Pinned until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


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
