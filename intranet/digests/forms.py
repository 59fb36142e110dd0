"""What the digest pages read from a request. Shape only: which frequencies, days, hours and
time zones exist is the service's to say (intranet.digests.services.set_preferences)."""

from django import forms


class DigestPreferencesForm(forms.Form):
    frequency = forms.CharField(required=False, max_length=20)
    weekday = forms.CharField(required=False, max_length=20)
    hour = forms.CharField(required=False, max_length=20)
    time_zone = forms.CharField(required=False, max_length=100)


class PreviewForm(forms.Form):
    """The colleague whose next digest an administrator looks at, by email address."""

    preview = forms.CharField(required=False, max_length=254)


class MessagePartForm(forms.Form):
    """?part=html shows a kept message's HTML part (sandboxed); anything else its page."""

    part = forms.ChoiceField(choices=[("html", "html")], required=False)

    def html(self) -> bool:
        return self.is_valid() and self.cleaned_data["part"] == "html"
