from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from intranet.core.forms import DrawnRows
from profiles.adapters import email_may_sign_up
from profiles.models import FieldVisibility, MentoringRole, User


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form with a name (colleagues need to see one, not an address) and the
    rule of who may join: an allowed email domain, or an invitation for this address."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["first_name", "last_name", "email", "password1", "password2"])

    def clean_email(self):
        email = super().clean_email()
        if not email_may_sign_up(email):
            if settings.SIGNUP_EMAIL_DOMAINS:
                domains = ", ".join("@" + d for d in settings.SIGNUP_EMAIL_DOMAINS)
                raise forms.ValidationError(
                    _(
                        "Sign up with your work email address (%(domains)s), or ask an "
                        "administrator for an invitation."
                    )
                    % {"domains": domains}
                )
            raise forms.ValidationError(
                _("This address has no invitation. Ask an administrator to invite you.")
            )
        return email


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Browser default")), *settings.LANGUAGES],
        required=False,
    )
    next = forms.CharField(required=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))


# A comma-separated list of skills with suggestions for the item being typed (htmx fills the
# datalist; the browser offers them).
SKILL_INPUT = {
    "list": "skill-options",
    "autocomplete": "off",
    "hx-get": reverse_lazy("profiles:skill_options"),
    "hx-trigger": "input changed delay:200ms",
    "hx-target": "#skill-options",
}


class ProfileForm(forms.Form):
    """Collects what the profile page edits; profiles.services validates and saves it, and its
    refusals come back onto these fields. The manager is there only for administrators:
    reporting lines come from the organisation, never from the person."""

    first_name = forms.CharField(label=_("First name"), required=False)
    last_name = forms.CharField(label=_("Last name"), required=False)
    job_title = forms.CharField(label=_("Job title"), required=False)
    manager_email = forms.CharField(
        label=_("Manager"),
        required=False,
        help_text=_(
            "The email address of the person they report to. Empty: the department's manager. "
            "Only administrators set this."
        ),
    )
    location = forms.CharField(label=_("Location"), required=False)
    location_visibility = forms.ChoiceField(
        label=_("Who sees my location"), choices=FieldVisibility.choices
    )
    phone = forms.CharField(label=_("Phone"), required=False)
    phone_visibility = forms.ChoiceField(
        label=_("Who sees my phone number"), choices=FieldVisibility.choices
    )
    languages = forms.CharField(
        label=_("Languages I speak"), required=False, help_text=_("Separate with commas.")
    )
    working_hours = forms.CharField(
        label=_("Working hours"), required=False, help_text=_("For example: Mon–Thu, 8:30–17:00")
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        help_text=_("Separate with commas. Colleagues can endorse them."),
        widget=forms.TextInput(attrs=SKILL_INPUT),
    )
    ask_me_about = forms.CharField(
        label=_("Ask me about"),
        required=False,
        help_text=_("Topics you are happy to answer questions on. Separate with commas."),
        widget=forms.TextInput(attrs=SKILL_INPUT),
    )
    bio = forms.CharField(
        label=_("About me"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is allowed."),
    )

    FIELDS = (
        "first_name",
        "last_name",
        "job_title",
        "location",
        "location_visibility",
        "phone",
        "phone_visibility",
        "languages",
        "working_hours",
        "skills",
        "ask_me_about",
        "bio",
    )

    def __init__(self, *args, may_set_manager: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_set_manager:
            del self.fields["manager_email"]

    @property
    def sets_manager(self) -> bool:
        return "manager_email" in self.fields

    @classmethod
    def for_person(cls, person, data=None, *, may_set_manager: bool = False):
        initial = {field: getattr(person, field) for field in cls.FIELDS[:-3]}
        initial["languages"] = ", ".join(person.languages)
        initial["skills"] = ", ".join(s.name for s in person.skills.all())
        initial["ask_me_about"] = ", ".join(s.name for s in person.ask_me_about.all())
        initial["bio"] = person.bio
        if may_set_manager:
            initial["manager_email"] = person.manager.email if person.manager else ""
        return cls(data, initial=initial, may_set_manager=may_set_manager)

    def clean_manager_email(self) -> int | None:
        """The manager's id from their address (empty: none named; the service checks the
        rest, such as someone reporting to their own reports)."""
        email = self.cleaned_data["manager_email"]
        if not email:
            return None
        manager = User.objects.filter(email__iexact=email, is_active=True).first()
        if manager is None:
            raise forms.ValidationError(_("No active colleague has this email address."))
        return manager.pk

    def service_data(self) -> dict:
        """The values for the service (it validates them; this form checks their shape)."""
        data = {field: self.cleaned_data.get(field, "") for field in self.FIELDS}
        if self.sets_manager:
            data["manager"] = self.cleaned_data.get("manager_email")
        return data


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), help_text=_("PNG, JPEG, WebP or GIF, at most 5 MB."))


# As profiles.services.offer_mentoring says it.
ROLE = _("Choose whether you offer or seek mentoring.")


class MentoringOfferForm(forms.Form):
    role = forms.ChoiceField(
        label=_("I want to"),
        choices=MentoringRole.choices,
        error_messages={"required": ROLE, "invalid_choice": ROLE},
    )
    skill = forms.CharField(
        label=_("Skill"),
        required=False,
        widget=forms.TextInput(attrs=SKILL_INPUT),
    )
    reverse = forms.BooleanField(
        label=_("Reverse mentoring: I am the junior and teach a senior colleague"),
        required=False,
    )
    note = forms.CharField(label=_("Note"), required=False)


class FilterForm(forms.Form):
    """Choices in an address (?q=, ?page=, ?before= ...): a value that is missing or not of
    the right shape is its field's default, never an error page."""

    def values(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name] if cleaned.get(name) not in (None, "") else field.initial
            for name, field in self.fields.items()
        }


class DirectoryForm(FilterForm):
    """The directory's search and filters, as DirectoryQuery holds them, and the page."""

    q = forms.CharField(required=False, strip=False, initial="")
    department = forms.IntegerField(required=False)
    skill = forms.CharField(required=False, initial="")
    location = forms.CharField(required=False, initial="")
    page = forms.CharField(required=False)  # the paginator reads any value (else page 1)

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())[:100]

    def clean_skill(self) -> str:
        return slugify(self.cleaned_data["skill"])[:60]

    def clean_location(self) -> str:
        return self.cleaned_data["location"][:120]

    def query(self):
        from profiles.selectors import DirectoryQuery

        values = self.values()
        return DirectoryQuery(
            q=values["q"],
            department=values["department"],
            skill=values["skill"],
            location=values["location"],
        )


class FeedForm(FilterForm):
    """?before= pages back through a person's activity."""

    before = forms.IntegerField(required=False)


class SkillTypedForm(FilterForm):
    """What was typed into one of the skill fields (the htmx autocomplete sends that field)."""

    q = forms.CharField(required=False, strip=False)
    skill = forms.CharField(required=False, strip=False)
    skills = forms.CharField(required=False, strip=False)
    ask_me_about = forms.CharField(required=False, strip=False)

    def typed(self) -> str:
        return next((value for value in self.values().values() if value), "")


class ExpertiseForm(FilterForm):
    topic = forms.CharField(required=False, strip=False, initial="")

    def clean_topic(self) -> str:
        return " ".join(self.cleaned_data["topic"].split())[:60]


class ValidateOnlyForm(FilterForm):
    """The profile form's htmx check as it is filled in: check, do not save."""

    _validate = forms.CharField(required=False, initial="")

    def validate_only(self) -> bool:
        return bool(self.values()["_validate"])


class PhotoUploadForm(forms.Form):
    """A new photo, or `action=remove`; profiles.services judges the picture."""

    action = forms.CharField(required=False)
    photo = forms.FileField(required=False)


class EndorseForm(forms.Form):
    skill = forms.CharField(required=False)
    action = forms.CharField(required=False)  # "withdraw", else endorse


class IdField(forms.IntegerField):
    """The id of something to act on. Any other value names nothing, so it is 0 and the
    service answers as for an id that does not exist (404)."""

    def to_python(self, value):
        try:
            return super().to_python(value) or 0
        except forms.ValidationError:
            return 0


class MentoringActionForm(forms.Form):
    """The buttons of the mentoring page other than the offer form."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in ("offer", "withdraw", "propose", "accept", "decline", "end")],
        error_messages={"required": _("Unknown action."), "invalid_choice": _("Unknown action.")},
    )
    offer = IdField(required=False)
    match = IdField(required=False)
    pair = IdField(required=False)


# --- Reverse-mentoring cohorts (issue 22) --------------------------------------------------------
# Shape only: profiles.services judges names, periods, people and pairs.

DATE = _("Give the date as a date (yyyy-mm-dd).")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False)
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What should the seniors and the juniors get out of it?"),
    )
    themes = forms.CharField(
        label=_("Themes (optional)"),
        required=False,
        help_text=_(
            "Topics the juniors teach, separated by commas (for example Teams, AI, social "
            "media). Empty: whatever they know that the seniors do not."
        ),
    )
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=DateInput(), error_messages={"invalid": DATE}
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=DateInput(), error_messages={"invalid": DATE}
    )
    department = forms.TypedChoiceField(
        label=_("For"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a department from the list.")},
    )

    def __init__(self, *args, departments=(), everyone: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        whole = [("", _("The whole organisation"))] if everyone else []
        self.fields["department"].choices = whole + [(d.pk, d.name) for d in departments]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data.get("name", ""),
            "goals": data.get("goals", ""),
            "themes": data.get("themes", ""),
            "starts_on": data.get("starts_on"),
            "ends_on": data.get("ends_on"),
            "department_id": data.get("department"),
        }


PERSON = _("Name a colleague by e-mail address.")


class CohortPairRowForm(forms.Form):
    """One row of the bulk pairing page: a suggested pair (ticked to add) or one typed in."""

    add = forms.BooleanField(required=False)
    senior = forms.CharField(required=False, max_length=254, error_messages={"max_length": PERSON})
    junior = forms.CharField(required=False, max_length=254, error_messages={"max_length": PERSON})
    topic = forms.CharField(
        required=False,
        max_length=60,
        error_messages={"max_length": _("A topic is at most 60 characters.")},
    )


class CohortPairRows(DrawnRows):
    """The pairing page's rows: `pick-<n>` (suggestions, added when ticked) and `new-<n>`
    (typed in, added when filled in)."""

    def valid(self) -> list[dict]:
        texts = [text for errors in self.errors for field in errors.values() for text in field]
        if texts:
            raise forms.ValidationError(list(dict.fromkeys(texts)))
        return [form.cleaned_data for form in self.forms]

    def chosen(self) -> list[dict]:
        """The rows to add, as profiles.services.add_cohort_pairs takes them."""
        rows = []
        for name, row in zip(self.rows, self.valid(), strict=True):
            wanted = (
                row.get("add")
                if name.startswith("pick-")
                else any(row.get(key) for key in ("senior", "junior", "topic"))
            )
            if wanted:
                rows.append({key: row.get(key, "") for key in ("senior", "junior", "topic")})
        return rows


CohortPairFormSet = forms.formset_factory(CohortPairRowForm, formset=CohortPairRows, extra=0)


class SessionForm(forms.Form):
    pair = IdField(required=False, widget=forms.HiddenInput)
    held_on = forms.DateField(
        label=_("Held on"), required=False, widget=DateInput(), error_messages={"invalid": DATE}
    )
    notes = forms.CharField(
        label=_("Notes and learnings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the two of you read these; the organiser sees how many sessions."),
    )


RATING = _("Give a rating from 1 to 5.")


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was it? (1 poor, 5 excellent)"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": RATING},
    )
    what_learned = forms.CharField(
        label=_("What did you learn?"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    would_recommend = forms.BooleanField(
        label=_("I would recommend it to a colleague"), required=False
    )
    share_learning = forms.BooleanField(
        label=_("The organiser may read what I learned (without my name)"), required=False
    )
