from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from intranet.governance.constants import (
    Action,
    Module,
    OrgRole,
    SpaceKind,
    SpaceRole,
    Visibility,
)
from intranet.governance.models import Department

User = get_user_model()


class SpaceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[c for c in SpaceKind.choices if c[0] != SpaceKind.DEPARTMENT]
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("What is this space for?"), widget=forms.Textarea(attrs={"rows": 3}),
        required=False, max_length=2000,
    )  # fmt: skip
    visibility = forms.ChoiceField(
        label=_("Who may see it?"), choices=Visibility.choices, initial=Visibility.OPEN,
        widget=forms.RadioSelect,
        help_text=_("Open: every colleague. Private: listed, content for members. Secret: only "
                    "members know it exists."),
    )  # fmt: skip
    closed_reason = forms.CharField(
        label=_("Why is it not open?"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Plein works open, unless. Administrators read this reason."),
    )  # fmt: skip


class SpaceSettingsForm(SpaceForm):
    modules = forms.MultipleChoiceField(
        label=_("Modules"), choices=Module.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, allowed_modules=(), department_space=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        self.fields["modules"].choices = [c for c in Module.choices if c[0] in allowed_modules]
        if department_space:
            self.fields["visibility"].choices = [
                c for c in Visibility.choices if c[0] != Visibility.SECRET
            ]


class ColleagueField(forms.EmailField):
    """A colleague picked by email address; unknown addresses are a clear error."""

    def clean(self, value):
        email = super().clean(value)
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Nobody with this email address uses Plein."))
        return user


class InviteForm(forms.Form):
    invitee = ColleagueField(label=_("Colleague's email address"))
    message = forms.CharField(label=_("Message"), required=False, max_length=1000)


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("Why would you like to join?"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=SpaceRole.choices)


class PersonForm(forms.Form):
    # The person of the row (a hidden field); one that does not exist is a 404 in the view.
    user_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    role = forms.ChoiceField(
        label=_("Organisation role"),
        choices=OrgRole.choices,
        error_messages={"invalid_choice": _("This role does not exist.")},
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("This department does not exist.")},
    )


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = forms.ModelChoiceField(
        label=_("Part of"), queryset=Department.objects.all(), required=False
    )
    manager = forms.ModelChoiceField(
        label=_("Manager"), queryset=User.objects.filter(is_active=True), required=False
    )


class PilotForm(forms.Form):
    enabled = forms.BooleanField(label=_("Run Plein as a pilot"), required=False)
    departments = forms.ModelMultipleChoiceField(
        label=_("Pilot departments"), queryset=Department.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip


class MfaPolicyForm(forms.Form):
    required = forms.BooleanField(
        label=_("Require two-step verification for everyone"),
        help_text=_(
            "Administrators always need it. With this on, every colleague and guest sets it up "
            "before Plein opens for them."
        ),
        required=False,
    )


class MatrixForm(forms.Form):
    """The permission grid: checkboxes named perm:<action>:<role>, ticked when sent. Names
    are read as sent, unknown actions and roles included, so the service (which decides what
    may change) can say which one it does not know."""

    def matrix(self) -> dict[str, list[str]]:
        """{action: [roles ticked]}, every known action present."""
        matrix: dict[str, list[str]] = {action: [] for action in Action.values}
        for key in self.data:
            if key.startswith("perm:"):
                _prefix, action, role = [*key.split(":"), "", ""][:3]
                matrix.setdefault(action, []).append(role)
        return matrix


class DefaultsForm(MatrixForm):
    """A kind of space's default grid and the modules its spaces may switch on."""

    # Every value ticked, as sent: which modules exist is the service's to say.
    modules = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def clean_modules(self) -> list[str]:
        return [str(value) for value in self.cleaned_data["modules"] or []]


class SpaceImageForm(forms.Form):
    """The space's picture; what makes a usable image is the service's to say."""

    image = forms.FileField(required=False, allow_empty_file=True)


class SectionForm(forms.Form):
    """Which part of the settings page was sent: the general form, the image or the grid."""

    section = forms.ChoiceField(
        choices=[("general", "general"), ("image", "image"), ("matrix", "matrix")],
        required=False,
    )

    def chosen(self) -> str:
        return self.cleaned_data["section"] if self.is_valid() else ""


class DecisionForm(forms.Form):
    """Accept or decline a join request or an invitation (anything else declines)."""

    decision = forms.CharField(required=False)

    def accepted(self) -> bool:
        return self.is_valid() and self.cleaned_data["decision"] == "accept"


class FilterForm(forms.Form):
    """Filters from a query string: never refused; a value that does not fit is its default."""

    def values(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name] if cleaned.get(name) not in (None, "") else field.initial
            for name, field in self.fields.items()
        }


class PageForm(FilterForm):
    """?page= of a list shown 50 (or 30) at a time: anything but a page number is the first
    page, and a number past the end is the last (Paginator.get_page)."""

    page = forms.IntegerField(required=False, min_value=1, max_value=2**31, initial=1)

    def number(self) -> int:
        return self.values()["page"]


class DirectoryFilterForm(PageForm):
    kind = forms.ChoiceField(choices=SpaceKind.choices, required=False, initial="")
    scope = forms.ChoiceField(
        choices=[("all", "all"), ("mine", "mine")], required=False, initial="all"
    )


class PeopleFilterForm(PageForm):
    q = forms.CharField(required=False, max_length=200, initial="")
    role = forms.ChoiceField(choices=OrgRole.choices, required=False, initial="")


class AuditFilterForm(PageForm):
    action = forms.CharField(required=False, max_length=200, initial="")
    actor = forms.CharField(required=False, max_length=200, initial="")
    target_type = forms.CharField(required=False, max_length=100, initial="")
