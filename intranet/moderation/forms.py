"""What the moderation pages read from a request: which content (a kind and an id), and the
reason or note given. Shape only: which kinds and reasons exist, and how long a reason may be,
is the service's to say (intranet.moderation.services)."""

from django import forms

from intranet.governance.access import object_id


class TargetForm(forms.Form):
    """The content a report or decision is about. A malformed id answers the same 404 as a
    missing or forbidden one (intranet.governance.access.object_id)."""

    kind = forms.CharField(required=False, max_length=50)
    object_id = forms.CharField(required=False, max_length=30, strip=False)

    def target(self) -> tuple[str, int]:
        """(the kind, the id); Http404 when the id is not one."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("kind", ""), object_id(cleaned.get("object_id", ""))

    def text(self, name: str) -> str:
        """A text field as sent, or "" when it was not (the service says what is missing)."""
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get(name) or ""


class ShownForm(TargetForm):
    """A report or decision page's address: the content, and where to return afterwards."""

    next = forms.CharField(required=False, max_length=2000)


class ReportForm(TargetForm):
    reason = forms.CharField(required=False, max_length=50)
    note = forms.CharField(required=False)


class ReasonForm(TargetForm):
    """Hide or restore: the reason the author will read."""

    reason = forms.CharField(required=False)
