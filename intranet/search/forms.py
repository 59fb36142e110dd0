"""What the search page reads from its address: the words to look for, and whether the top
bar asks for suggestions. A query string is never refused: what is missing is empty."""

from django import forms

from intranet.search import selectors


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=False)
    suggest = forms.CharField(required=False)

    def clean_q(self) -> str:
        # Spaces collapsed and cut at selectors.MAX_QUERY, as the sources search it.
        return selectors.clean_query(self.cleaned_data["q"])

    def query(self) -> tuple[str, bool]:
        """(the words, whether suggestions are asked for)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("q", ""), bool(cleaned.get("suggest"))
