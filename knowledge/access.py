"""How knowledge is loaded and listed for a user: the only way in (DESIGN.md, "Governance").
Missing, forbidden and malformed ids all answer 404."""

from __future__ import annotations

from django.http import Http404

from intranet.governance.access import object_id, space_access, unless_hidden
from intranet.governance.constants import Action, Module
from intranet.governance.selectors import access_module
from knowledge.models import Article, Attachment, Collection, Revision, Suggestion


def access_article(*, user, article_id, action: str = Action.VIEW):
    """(article, access): the article when the user may `action` in its space; a hidden one
    only for its owner and the space's moderators."""
    article = (
        Article.objects.select_related("space", "space__department", "owner", "collection")
        .filter(pk=object_id(article_id))
        .first()
    )
    if article is None:
        raise Http404
    access = space_access(user=user, space=article.space, module=Module.KNOWLEDGE, action=action)
    unless_hidden(obj=article, user=user, access=access, author_field="owner_id")
    return article, access


def access_revision(*, user, article_id, number):
    article, access = access_article(user=user, article_id=article_id)
    revision = Revision.objects.filter(article=article, number=object_id(number)).first()
    if revision is None:
        raise Http404
    return article, access, revision


def access_suggestion(*, user, suggestion_id, action: str = Action.VIEW):
    row = (
        Suggestion.objects.filter(pk=object_id(suggestion_id))
        .values_list("article_id", flat=True)
        .first()
    )
    if row is None:
        raise Http404
    article, access = access_article(user=user, article_id=row, action=action)
    suggestion = Suggestion.objects.select_related("proposer").get(pk=object_id(suggestion_id))
    return article, access, suggestion


def access_attachment_by_id(*, user, attachment_id):
    """(article, access, attachment) for a file of an article the user may read."""
    found = Attachment.objects.filter(pk=object_id(attachment_id)).first()
    if found is None:
        raise Http404
    article, access = access_article(user=user, article_id=found.article_id)
    return article, access, found


def access_knowledge(*, user, slug: str):
    """The user's access to a space's knowledge base (404: no such space, not readable, or
    the module is off)."""
    return access_module(user=user, slug=slug, module=Module.KNOWLEDGE)


def collection_in(*, space, collection_id) -> Collection | None:
    """A collection of this (already accessed) space, or None: an optional parent."""
    try:
        pk = object_id(collection_id)
    except Http404:
        return None
    return Collection.objects.filter(space=space, pk=pk).first()


def access_collection(*, user, slug: str, collection_id):
    access = access_knowledge(user=user, slug=slug)
    collection = collection_in(space=access.space, collection_id=collection_id)
    if collection is None:
        raise Http404
    return access, collection
