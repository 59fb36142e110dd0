"""The search page and the top bar's suggestions (htmx)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from intranet.search import selectors
from intranet.search.forms import SearchForm


@require_GET
def search(request):
    q, suggest = SearchForm(request.GET).query()
    suggest = bool(request.htmx) and suggest
    groups = selectors.search(user=request.user, q=q, limit=5 if suggest else 20)
    template = "search/_suggestions.html" if suggest else "search/results.html"
    return render(request, template, {"q": q, "groups": groups})
