"""Knowledge pages. Thin: selectors read, services write; what one may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.forms import errors_onto, perform
from intranet.governance import permissions
from intranet.governance.constants import Action, Module
from intranet.governance.forms import PageForm
from intranet.search import fulltext
from knowledge import access as knowledge_access
from knowledge import diff, selectors, services
from knowledge.forms import (
    ArticleForm,
    ArticleListForm,
    CollectionForm,
    CompareForm,
    CoOwnersForm,
    DecisionForm,
    FromAnswerForm,
    HelpfulForm,
    OutdatedForm,
    RestoreForm,
    SearchForm,
    SuggestionForm,
    UploadForm,
)


def _space(request, slug: str):
    return knowledge_access.access_knowledge(user=request.user, slug=slug)


def _article(request, article_id: int):
    return knowledge_access.access_article(user=request.user, article_id=article_id)


def _may_edit(request, article, access) -> bool:
    return services.may_edit(user=request.user, access=access, article=article)


def _in(collections, collection_id: int | None):
    """The collection (or sub-collection) with this id among a space's, or None."""
    return next(
        (c for top in collections for c in (top, *top.children.all()) if c.pk == collection_id),
        None,
    )


@require_GET
def space_knowledge(request, slug: str):
    access = _space(request, slug)
    filters = ArticleListForm(request.GET).values()
    collections = selectors.collections_of(space=access.space)
    chosen = _in(collections, filters["collection"])
    stale = filters["show"] == "stale"
    articles = selectors.articles_in(space=access.space, collection=chosen, stale=stale)
    page = Paginator(articles, selectors.PAGE_SIZE).get_page(filters["page"])
    return render(
        request,
        "knowledge/space.html",
        {
            "space": access.space,
            "access": access,
            "tab": "knowledge",
            "collections": collections,
            "chosen": chosen,
            "stale": stale,
            "page": page,
            "may_write": access.can(Action.WRITE_ARTICLE),
        },
    )


@require_POST
def new_collection(request, slug: str):
    access = _space(request, slug)
    form = CollectionForm(request.POST)

    def create():
        data = form.valid()
        parent = (
            knowledge_access.collection_in(space=access.space, collection_id=data["parent"])
            if data["parent"]
            else None
        )
        return services.create_collection(
            actor=request.user, space=access.space, name=data["name"], parent=parent
        )

    made, refused = perform(request, create)
    if refused:
        return redirect("knowledge:space", slug=slug)
    return redirect(f"{reverse('knowledge:space', args=[slug])}?collection={made.pk}")


@require_http_methods(["GET", "POST"])
def new_article(request, slug: str):
    access = _space(request, slug)
    if not access.can(Action.WRITE_ARTICLE):
        raise Http404
    collections = [
        c
        for top in selectors.collections_of(space=access.space)
        for c in (top, *top.children.all())
    ]
    form = ArticleForm(
        request.POST or None,
        collections=collections,
        initial={
            "language": get_language()[:2],
            "collection": ArticleListForm(request.GET).values()["collection"],
        },
    )
    status = 200
    if request.method == "POST":
        status = 400  # unless it is published
        if form.is_valid():
            data = form.cleaned_data
            article, refused = perform(
                request,
                lambda: services.publish(
                    author=request.user,
                    space=access.space,
                    title=data["title"],
                    body=data["body"],
                    language=data["language"],
                    tags=data["tags"],
                    collection=next((c for c in collections if c.pk == data["collection"]), None),
                    summary=data["summary"],
                ),
                form=form,
            )
            if not refused:
                messages.success(request, _("Published."))
                return redirect(article.get_absolute_url())
    return render(
        request,
        "knowledge/edit.html",
        {"space": access.space, "access": access, "tab": "knowledge", "form": form, "new": True},
        status=status,
    )


@require_GET
def article(request, article_id: int):
    article, access = _article(request, article_id)
    services.record_view(article_id=article.pk)
    context = selectors.article_page(article=article, user=request.user)
    context.update(
        article=article,
        space=article.space,
        access=access,
        tab="knowledge",
        may_edit=services.may_edit(
            user=request.user,
            access=access,
            article=article,
            co_owner_ids=context["co_owner_ids"],
        ),
        may_suggest=not permissions.is_guest(request.user),
        moderator=access.can(Action.MODERATE),
    )
    return render(request, "knowledge/article.html", context)


@require_http_methods(["GET", "POST"])
def edit(request, article_id: int):
    article, access = _article(request, article_id)
    if not _may_edit(request, article, access):
        raise Http404
    tags = ", ".join(t.name for t in article.tags.all())
    form = ArticleForm(
        request.POST or None,
        editing=True,
        initial={
            "title": article.title,
            "body": article.body,
            "tags": tags,
            "base": article.revision_count,
        },
    )
    status, conflict = 200, None
    if request.method == "POST":
        status = 400  # unless it is saved
        if form.is_valid():
            data = form.cleaned_data
            saved, refused = perform(
                request,
                lambda: services.revise(
                    actor=request.user,
                    article=article,
                    base_number=data["base"] or 0,
                    title=data["title"],
                    body=data["body"],
                    summary=data["summary"],
                    tags=data["tags"],
                ),
                form=form,
            )
            if not refused:
                messages.success(request, _("Saved as a new revision."))
                return redirect(saved.get_absolute_url())
            if isinstance(refused, services.EditConflict):
                conflict, status = refused, 409
                # Saving again is based on what is there now; the text stays this person's.
                posted = form.data.copy()
                posted["base"] = str(refused.current.number)
                form = ArticleForm(posted, editing=True)
                errors_onto(form, refused)
    return render(
        request,
        "knowledge/edit.html",
        {"space": article.space, "access": access, "tab": "knowledge", "form": form,
         "article": article, "conflict": conflict},
        status=status,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def suggest(request, article_id: int):
    article, access = _article(request, article_id)
    if permissions.is_guest(request.user) or _may_edit(request, article, access):
        raise Http404
    form = SuggestionForm(
        request.POST or None,
        initial={"title": article.title, "body": article.body, "base": article.revision_count},
    )
    status = 200
    if request.method == "POST":
        status = 400  # unless it is sent
        if form.is_valid():
            data = form.cleaned_data
            _made, refused = perform(
                request,
                lambda: services.suggest(
                    proposer=request.user,
                    article=article,
                    base_number=data["base"] or 0,
                    title=data["title"],
                    body=data["body"],
                    note=data["note"],
                ),
                form=form,
                rename={"summary": "note"},
            )
            if not refused:
                messages.success(request, _("Thank you. The owner decides on your suggestion."))
                return redirect(article.get_absolute_url())
    return render(
        request,
        "knowledge/suggest.html",
        {"space": article.space, "access": access, "tab": "knowledge", "form": form,
         "article": article},
        status=status,
    )  # fmt: skip


@require_GET
def suggestions(request, article_id: int):
    """The open suggestions on one article, each with what it would change."""
    article, access = _article(request, article_id)
    if not _may_edit(request, article, access):
        raise Http404
    found = selectors.suggestions_for(articles=[article.pk])
    base_texts = {
        r.number: r.body
        for r in article.revisions.filter(number__in={s.base_number for s in found}).only(
            "number", "body"
        )
    }
    for item in found:
        item.rows = diff.rows(base_texts.get(item.base_number, ""), item.body)
        item.outdated = item.base_number != article.revision_count
    return render(
        request,
        "knowledge/suggestions.html",
        {"space": article.space, "access": access, "tab": "knowledge", "article": article,
         "suggestions": found},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def decide(request, suggestion_id: int):
    """Accept or decline (POST); GET: edit the suggested text before accepting it."""
    article, access, found = knowledge_access.access_suggestion(
        user=request.user, suggestion_id=suggestion_id
    )
    if not _may_edit(request, article, access):
        raise Http404
    if request.method == "GET":
        form = ArticleForm(initial={"title": found.title, "body": found.body}, editing=True)
        return render(
            request,
            "knowledge/decide.html",
            {"space": article.space, "access": access, "tab": "knowledge", "form": form,
             "article": article, "suggestion": found},
        )  # fmt: skip
    form = DecisionForm(request.POST)
    _done, refused = perform(
        request,
        lambda: services.decide(
            actor=request.user,
            suggestion_id=found.pk,
            accept=form.valid()["decision"] == "accept",
            reason=form.cleaned_data["reason"],
            **form.edited(),
        ),
    )
    if refused:
        return redirect("knowledge:suggestions", article_id=article.pk)
    if form.cleaned_data["decision"] == "accept":
        messages.success(request, _("Accepted: it is the current version, credited to %(name)s.")
                         % {"name": found.proposer.display_name})  # fmt: skip
        return redirect(article.get_absolute_url())
    messages.success(request, _("Declined. %(name)s reads your reason.")
                     % {"name": found.proposer.display_name})  # fmt: skip
    return redirect("knowledge:suggestions", article_id=article.pk)


@require_GET
def history(request, article_id: int):
    article, access = _article(request, article_id)
    page = Paginator(selectors.revisions(article=article), 50).get_page(
        PageForm(request.GET).number()
    )
    return render(
        request,
        "knowledge/history.html",
        {"space": article.space, "access": access, "tab": "knowledge", "article": article,
         "page": page, "may_edit": _may_edit(request, article, access)},
    )  # fmt: skip


@require_GET
def compare(request, article_id: int):
    article, access = _article(request, article_id)
    asked = CompareForm(request.GET).values()
    pair = selectors.revision_pair(article=article, old=asked["old"], new=asked["new"])
    if pair is None:
        raise Http404
    rows = diff.cached_rows(article_id=article.pk, old=pair[0], new=pair[1])
    return render(
        request,
        "knowledge/diff.html",
        {"space": article.space, "access": access, "tab": "knowledge", "article": article,
         "old": pair[0], "new": pair[1], "rows": rows, "counts": diff.counts(rows)},
    )  # fmt: skip


@require_POST
def restore(request, article_id: int):
    article, _access = _article(request, article_id)
    form = RestoreForm(request.POST)
    _done, refused = perform(
        request,
        lambda: services.restore(actor=request.user, article=article, **form.valid()),
    )
    if refused:
        return redirect("knowledge:history", article_id=article.pk)
    messages.success(request, _("Restored as a new revision."))
    return redirect(article.get_absolute_url())


@require_POST
def reviewed(request, article_id: int):
    article, _access = _article(request, article_id)
    _done, refused = perform(
        request, lambda: services.mark_reviewed(actor=request.user, article=article)
    )
    if not refused:
        messages.success(request, _("Marked as still correct."))
    return redirect(article.get_absolute_url())


@require_POST
def outdated(request, article_id: int):
    article, _access = _article(request, article_id)
    form = OutdatedForm(request.POST)
    _done, refused = perform(
        request,
        lambda: services.flag_outdated(user=request.user, article=article, **form.valid()),
    )
    if not refused:
        messages.success(request, _("Thank you. The owner hears that it is outdated."))
    return redirect(article.get_absolute_url())


@require_POST
def helpful(request, article_id: int):
    article, _access = _article(request, article_id)
    form = HelpfulForm(request.POST)
    _done, refused = perform(
        request,
        lambda: services.vote_helpful(
            user=request.user, article=article, helpful=form.valid()["helpful"] == "yes"
        ),
    )
    if not refused:
        messages.success(request, _("Thank you for letting us know."))
    return redirect(article.get_absolute_url())


@require_POST
def from_answer(request, answer_id: int):
    """An accepted answer becomes an article in a space where the user may write."""
    from forums.access import access_answer

    answer, _access = access_answer(user=request.user, answer_id=answer_id)
    access = _space(request, FromAnswerForm(request.POST).space_or(answer.topic.space.slug))
    made, refused = perform(
        request,
        lambda: services.from_answer(actor=request.user, answer_id=answer_id, space=access.space),
    )
    if refused:
        return redirect(answer.topic.get_absolute_url())
    messages.success(request, _("The answer is an article now: improve it together."))
    return redirect(made.get_absolute_url())


@require_POST
def co_owners(request, article_id: int):
    article, _access = _article(request, article_id)
    form = CoOwnersForm(request.POST)
    _done, refused = perform(
        request,
        lambda: services.set_co_owners(actor=request.user, article=article, **form.valid()),
    )
    if not refused:
        messages.success(request, _("Co-owners saved."))
    return redirect(article.get_absolute_url())


@require_GET
def my_suggestions(request):
    """Open suggestions on every article I own or co-own: the owner's queue."""
    found = selectors.suggestions_for(articles=selectors.my_articles(user=request.user))
    return render(request, "knowledge/my_suggestions.html", {"suggestions": found})


@require_POST
def upload(request, article_id: int):
    article, _access = _article(request, article_id)
    form = UploadForm(request.POST, request.FILES)
    made, refused = perform(
        request,
        lambda: services.attach(actor=request.user, article=article, upload=form.valid()["file"]),
    )
    if not refused:
        messages.success(
            request,
            _("Attached. Link to it in the text with: %(link)s")
            % {"link": f"[{made.name}]({made.get_absolute_url()})"},
        )
    return redirect(f"{article.get_absolute_url()}#files")


@require_GET
def attachment(request, article_id: int, attachment_id: int, name: str):
    """A file, to those who may read its article. Pictures show in the page; anything else
    downloads (never rendered by the browser as a page)."""
    from intranet.core import files

    article, _access = _article(request, article_id)
    found = article.attachments.filter(pk=attachment_id, name=name).first()
    if found is None:
        raise Http404
    return files.serve(found)


@require_POST
def remove_attachment(request, attachment_id: int):
    article, _access, found = knowledge_access.access_attachment_by_id(
        user=request.user, attachment_id=attachment_id
    )
    _done, refused = perform(
        request, lambda: services.detach(actor=request.user, attachment_id=found.pk)
    )
    if not refused:
        messages.success(request, _("The file is removed."))
    return redirect(f"{article.get_absolute_url()}#files")


def _export(request, *, articles, title: str, name: str, fmt: str, space, access):
    from django.http import HttpResponse
    from django.utils.text import slugify

    if fmt == "md":
        response = HttpResponse(
            selectors.export_markdown(articles), content_type="text/markdown; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "export"}.md"'
        return response
    if fmt == "print":
        return render(
            request,
            "knowledge/print.html",
            {"articles": articles, "title": title, "space": space, "access": access},
        )
    raise Http404


@require_GET
def export_article(request, article_id: int, fmt: str):
    """One article as Markdown or as a printable page (the browser saves it as PDF)."""
    article, access = _article(request, article_id)
    return _export(request, articles=[article], title=article.title, name=article.title,
                   fmt=fmt, space=article.space, access=access)  # fmt: skip


@require_GET
def export_collection(request, slug: str, collection_id: int, fmt: str):
    access, collection = knowledge_access.access_collection(
        user=request.user, slug=slug, collection_id=collection_id
    )
    articles = list(selectors.collection_articles(collection=collection))
    return _export(request, articles=articles, title=collection.name, name=collection.name,
                   fmt=fmt, space=access.space, access=access)  # fmt: skip


@require_GET
def search(request):
    asked = SearchForm(request.GET).values()
    spaces = fulltext.spaces_with(user=request.user, module=Module.KNOWLEDGE)
    chosen = next((s for s in spaces if s.slug == asked["space"]), None)
    collections = selectors.collections_of(space=chosen) if chosen else []
    collection = _in(collections, asked["collection"])
    owner = selectors.person_by_email(asked["owner"])
    filters = selectors.SearchFilters(
        q=asked["q"],
        space_id=chosen.pk if chosen else None,
        collection_id=collection.pk if collection else None,
        tag=asked["tag"],
        owner_id=owner.pk if owner else None,
        freshness=asked["freshness"],
    )
    page = Paginator(selectors.search(user=request.user, filters=filters), 20).get_page(
        asked["page"]
    )
    fulltext.highlight(page.object_list)
    return render(
        request,
        "knowledge/search.html",
        {
            "page": page,
            "filters": filters,
            "spaces": spaces,
            "chosen": chosen,
            "collections": collections,
            "owner": owner,
            "owner_asked": asked["owner"],
        },
    )
