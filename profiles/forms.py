from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from profiles.adapters import email_may_sign_up


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
