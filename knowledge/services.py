"""Writes in the knowledge base. Each checks the space's rights (governance decides),
validates everything before writing, writes in one transaction and publishes its event."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.services import clean_tags, tags_named
from intranet import events
from intranet.core import ratelimit
from intranet.governance import permissions
from intranet.governance.constants import Action, Module
from knowledge import diff, text
from knowledge import events as ev
from knowledge.models import (
    Article,
    Attachment,
    Collection,
    HelpfulVote,
    OutdatedFlag,
    Revision,
    Suggestion,
)

TITLE_MIN, TITLE_MAX = 3, 200
BODY_MAX = 200_000
SUMMARY_MAX = 200
REASON_MIN = 5
SEARCH_CONFIG = {"nl": "dutch", "en": "english"}


def review_days() -> int:
    return settings.PLEIN_KNOWLEDGE_REVIEW_DAYS


class EditConflict(ValidationError):
    """Saved on top of an older revision: nothing is written; the page shows what the other
    person saved against what this person wrote."""

    def __init__(self, *, current: Revision, mine_title: str, mine_body: str):
        super().__init__(
            {
                "body": _(
                    "%(name)s saved a newer version (revision %(n)d) while you were editing. "
                    "Nothing was overwritten: compare, then save again."
                )
                % {"name": current.author.display_name, "n": current.number}
            }
        )
        self.current = current
        self.rows = diff.rows(current.body, mine_body)
        self.mine_title, self.mine_body = mine_title, mine_body


def _space_access(user, space):
    if Module.KNOWLEDGE not in (space.modules or []):
        raise PermissionDenied
    access = permissions.access_for(user, space)
    if not access.can(Action.VIEW):
        raise PermissionDenied
    return access


def may_edit(*, user, access, article: Article, co_owner_ids=None) -> bool:
    """Its owner and co-owners, and whoever may edit others' articles in the space."""
    if access.can(Action.EDIT_OTHERS_ARTICLE):
        return True
    if permissions.is_guest(user) or not access.can(Action.VIEW):
        return False
    if co_owner_ids is None:
        co_owner_ids = set(article.co_owners.values_list("pk", flat=True))
    return user.pk == article.owner_id or user.pk in co_owner_ids


def _clean(*, title: str, body: str, summary: str = "", language: str | None = None, tags=None):
    errors, values = {}, {}
    title = " ".join((title or "").split())
    if len(title) < TITLE_MIN:
        errors["title"] = _("Give it a title of at least %(n)d characters.") % {"n": TITLE_MIN}
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %(n)d characters.") % {"n": TITLE_MAX}
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        errors["body"] = _("Write something first.")
    elif len(body) > BODY_MAX:
        errors["body"] = _("Keep it under %(limit)s characters.") % {"limit": f"{BODY_MAX:,}"}
    summary = " ".join((summary or "").split())
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = _("Keep the summary under %(n)d characters.") % {"n": SUMMARY_MAX}
    if language is not None and language not in Article.Language.values:
        errors["language"] = _("Choose Dutch or English.")
    if tags is not None:
        try:
            values["tags"] = clean_tags(tags)
        except ValidationError as error:
            errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    values.update(title=title, body=body, summary=summary)
    return values


def _index(article_id: int) -> None:
    language = Article.objects.values_list("language", flat=True).get(pk=article_id)
    config = SEARCH_CONFIG.get(language, "simple")
    Article.objects.filter(pk=article_id).update(
        search=SearchVector("title", weight="A", config=config)
        + SearchVector("body", weight="B", config=config)
    )


def _write_revision(*, article: Article, author, title: str, body: str, summary: str,
                    restored_from: int | None = None, suggestion=None,
                    announce: bool = True) -> Revision:  # fmt: skip
    """The one place a revision is written and the article's current text follows it; it
    announces ArticleRevised (the first revision is announced as ArticlePublished)."""
    number = article.revision_count + 1
    revision = Revision.objects.create(
        article=article, number=number, title=title, body=body, author=author, summary=summary,
        restored_from=restored_from, suggestion=suggestion,
    )  # fmt: skip
    article.title, article.body = title, body
    article.body_html, article.toc = text.render(body)
    article.revision_count = number
    article.updated_at = timezone.now()
    article.save(
        update_fields=["title", "body", "body_html", "toc", "revision_count", "updated_at"]
    )
    _index(article.pk)
    if announce:
        events.publish(
            ev.ArticleRevised(
                article_id=article.pk,
                space_id=article.space_id,
                author_id=author.pk,
                number=number,
                summary=summary,
            )
        )
    return revision


def create_collection(*, actor, space, name: str, parent: Collection | None = None) -> Collection:
    access = _space_access(actor, space)
    if not access.can(Action.WRITE_ARTICLE):
        raise PermissionDenied
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 120:
        raise ValidationError({"name": _("Give the collection a name of 2 to 120 characters.")})
    if parent is not None and (parent.space_id != space.pk or parent.parent_id is not None):
        raise ValidationError({"parent": _("Collections nest one level, within the same space.")})
    if Collection.objects.filter(space=space, parent=parent, name__iexact=name).exists():
        raise ValidationError({"name": _("There is a collection with this name already.")})
    return Collection.objects.create(space=space, parent=parent, name=name)


def publish(*, author, space, title: str, body: str, language: str = "nl", tags=(),
            collection: Collection | None = None, summary: str = "",
            source_answer=None) -> Article:  # fmt: skip
    """A new article; its first revision is the text as published."""
    access = _space_access(author, space)
    if not access.can(Action.WRITE_ARTICLE):
        raise PermissionDenied
    values = _clean(title=title, body=body, summary=summary, language=language, tags=tags)
    if collection is not None and collection.space_id != space.pk:
        raise ValidationError({"collection": _("Choose a collection of this space.")})
    ratelimit.guard(user=author, action="article")
    with transaction.atomic():
        article = Article.objects.create(
            space=space, collection=collection, title=values["title"], language=language,
            owner=author, review_at=timezone.localdate() + timedelta(days=review_days()),
            source_answer=source_answer,
        )  # fmt: skip
        article.tags.set(tags_named(values["tags"]))
        _write_revision(
            article=article, author=author, title=values["title"], body=values["body"],
            summary=values["summary"] or _("First version"),
            announce=False,
        )  # fmt: skip
        events.publish(
            ev.ArticlePublished(article_id=article.pk, space_id=space.pk, owner_id=author.pk)
        )
    return article


def _locked_article(user, article_id: int) -> tuple[Article, object]:
    article = (
        Article.objects.select_for_update(of=("self",))
        .select_related("space")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise PermissionDenied
    access = _space_access(user, article.space)
    if article.is_hidden and not access.can(Action.MODERATE):
        raise PermissionDenied
    return article, access


def revise(*, actor, article: Article, base_number: int, title: str, body: str,
           summary: str = "", tags=None) -> Article:  # fmt: skip
    """Save a new revision. `base_number` is the revision the editor started from: when
    someone saved after it, nothing is written and EditConflict says what they saved."""
    values = _clean(title=title, body=body, summary=summary, tags=tags)
    with transaction.atomic():
        article, access = _locked_article(actor, article.pk)
        if not may_edit(user=actor, access=access, article=article):
            raise PermissionDenied
        if base_number != article.revision_count:
            current = article.revisions.select_related("author").get(number=article.revision_count)
            raise EditConflict(current=current, mine_title=values["title"],
                               mine_body=values["body"])  # fmt: skip
        unchanged = values["title"] == article.title and values["body"] == article.body
        if unchanged and tags is None:
            raise ValidationError({"body": _("Nothing changed.")})
        if tags is not None:
            article.tags.set(tags_named(values["tags"]))
        if not unchanged:
            _write_revision(
                article=article, author=actor, title=values["title"], body=values["body"],
                summary=values["summary"],
            )  # fmt: skip
    return article


def restore(*, actor, article: Article, number: int) -> Article:
    """Bring back an old revision, as a new revision (history is never rewritten)."""
    with transaction.atomic():
        article, access = _locked_article(actor, article.pk)
        if not may_edit(user=actor, access=access, article=article):
            raise PermissionDenied
        old = Revision.objects.filter(article=article, number=number).first()
        if old is None:
            raise ValidationError({"number": _("This article has no such revision.")})
        if number == article.revision_count:
            raise ValidationError({"number": _("This is the current version already.")})
        _write_revision(
            article=article, author=actor, title=old.title, body=old.body,
            summary=_("Restored revision %(n)d") % {"n": number}, restored_from=number,
        )  # fmt: skip
    return article


def _owner_ids(article: Article) -> list[int]:
    return sorted({article.owner_id, *article.co_owners.values_list("pk", flat=True)})


def suggest(*, proposer, article: Article, base_number: int, title: str, body: str,
            note: str = "") -> Suggestion:  # fmt: skip
    """A reader proposes a change; the owners decide."""
    with transaction.atomic():
        article, access = _locked_article(proposer, article.pk)
        if permissions.is_guest(proposer) or article.is_hidden:
            raise PermissionDenied
        if may_edit(user=proposer, access=access, article=article):
            raise ValidationError({"body": _("You may edit this article yourself.")})
        values = _clean(title=title, body=body, summary=note)
        if values["title"] == article.title and values["body"] == article.body:
            raise ValidationError({"body": _("Nothing changed.")})
        if not 1 <= base_number <= article.revision_count:
            raise ValidationError({"body": _("This suggestion is based on an unknown version.")})
        ratelimit.guard(user=proposer, action="suggestion")
        made = Suggestion.objects.create(
            article=article, proposer=proposer, base_number=base_number, title=values["title"],
            body=values["body"], note=values["summary"],
        )  # fmt: skip
        events.publish(
            ev.SuggestionMade(
                suggestion_id=made.pk,
                article_id=article.pk,
                proposer_id=proposer.pk,
                owner_ids=_owner_ids(article),
            )
        )
    return made


def decide(*, actor, suggestion_id: int, accept: bool, reason: str = "",
           title: str | None = None, body: str | None = None) -> Suggestion:  # fmt: skip
    """The owner accepts a suggestion (as proposed, or after editing it: pass title and body),
    which becomes a revision credited to the proposer, or declines it with a reason."""
    with transaction.atomic():
        found = Suggestion.objects.select_for_update().filter(pk=suggestion_id).first()
        if found is None:
            raise PermissionDenied
        article, access = _locked_article(actor, found.article_id)
        if not may_edit(user=actor, access=access, article=article):
            raise PermissionDenied
        if found.status != Suggestion.Status.OPEN:
            raise ValidationError({"reason": _("This suggestion is decided already.")})
        found.decided_by, found.decided_at = actor, timezone.now()
        if accept:
            edited = body is not None
            values = _clean(title=title if edited else found.title,
                            body=body if edited else found.body)  # fmt: skip
            if not edited and found.base_number != article.revision_count:
                raise ValidationError(
                    {
                        "body": _(
                            "The article changed since this suggestion was made: edit it "
                            "into the current version, then accept."
                        )
                    }
                )
            summary = _("Suggestion by %(name)s") % {"name": found.proposer.display_name}
            if found.note:
                summary = f"{summary}: {found.note}"[:SUMMARY_MAX]
            _write_revision(
                article=article, author=found.proposer, title=values["title"],
                body=values["body"], summary=summary, suggestion=found,
            )  # fmt: skip
            found.status = Suggestion.Status.ACCEPTED
            found.save(update_fields=["status", "decided_by", "decided_at"])
            events.publish(
                ev.SuggestionAccepted(
                    suggestion_id=found.pk,
                    article_id=article.pk,
                    proposer_id=found.proposer_id,
                    decided_by_id=actor.pk,
                )
            )
        else:
            reason = " ".join((reason or "").split())
            if len(reason) < REASON_MIN:
                raise ValidationError(
                    {
                        "reason": _("Say why in at least %(n)d characters: the author reads it.")
                        % {"n": REASON_MIN}
                    }
                )
            found.status, found.reason = Suggestion.Status.DECLINED, reason[:500]
            found.save(update_fields=["status", "decided_by", "decided_at", "reason"])
            events.publish(
                ev.SuggestionDeclined(
                    suggestion_id=found.pk,
                    article_id=article.pk,
                    proposer_id=found.proposer_id,
                    decided_by_id=actor.pk,
                    reason=found.reason,
                )
            )
    return found


def mark_reviewed(*, actor, article: Article) -> Article:
    """ "Still correct": the next review is due in the usual number of days; flags clear."""
    with transaction.atomic():
        article, access = _locked_article(actor, article.pk)
        if not may_edit(user=actor, access=access, article=article):
            raise PermissionDenied
        article.review_at = timezone.localdate() + timedelta(days=review_days())
        article.reminded_at = None
        article.save(update_fields=["review_at", "reminded_at"])
        OutdatedFlag.objects.filter(article=article).delete()
    return article


def flag_outdated(*, user, article: Article, reason: str) -> OutdatedFlag:
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": _("Say what is outdated (at least %(n)d characters).")
                               % {"n": REASON_MIN}})  # fmt: skip
    with transaction.atomic():
        article, _access = _locked_article(user, article.pk)
        if permissions.is_guest(user):
            raise PermissionDenied
        flag, _created = OutdatedFlag.objects.update_or_create(
            article=article, user=user, defaults={"reason": reason[:500]}
        )
        events.publish(
            ev.ArticleFlagged(
                article_id=article.pk,
                user_id=user.pk,
                owner_ids=_owner_ids(article),
                reason=flag.reason,
            )
        )
    return flag


def vote_helpful(*, user, article: Article, helpful: bool) -> Article:
    with transaction.atomic():
        article, _access = _locked_article(user, article.pk)
        ratelimit.guard(user=user, action="vote")
        HelpfulVote.objects.update_or_create(
            article=article, user=user, defaults={"helpful": bool(helpful)}
        )
        totals = HelpfulVote.objects.filter(article=article).aggregate(
            yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
        )
        article.helpful_yes, article.helpful_no = totals["yes"], totals["no"]
        article.save(update_fields=["helpful_yes", "helpful_no"])
    return article


def record_view(*, article_id: int) -> None:
    """Count a view in Redis: how often, never who (works-council-proof)."""
    from django.core.cache import cache

    key = f"knowledge:views:{article_id}"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


def remind_reviews(*, days_before: int = 14) -> int:
    """Owners hear once when an article's review date comes near (Celery beat, daily)."""
    due = Article.objects.filter(
        hidden_at__isnull=True,
        reminded_at__isnull=True,
        review_at__lte=timezone.localdate() + timedelta(days=days_before),
    ).prefetch_related("co_owners")
    count = 0
    for article in due:
        with transaction.atomic():
            Article.objects.filter(pk=article.pk).update(reminded_at=timezone.now())
            owners = sorted({article.owner_id, *(u.pk for u in article.co_owners.all())})
            events.publish(ev.ReviewDue(article_id=article.pk, owner_ids=owners))
        count += 1
    return count


def from_answer(*, actor, answer_id: int, space, collection: Collection | None = None) -> Article:
    """Turn an accepted forum answer into an article that links back to the question."""
    from django.http import Http404

    from forums.access import access_answer

    try:
        answer, _access = access_answer(user=actor, answer_id=answer_id)
    except Http404 as missing:  # missing, hidden or not readable: the same refusal
        raise PermissionDenied from missing
    topic = answer.topic
    if topic.accepted_answer_id != answer_id:
        raise ValidationError({"answer": _("Only an accepted answer can become an article.")})
    answer = topic.accepted_answer
    body = f"{answer.body}\n\n---\n\n" + _(
        "From the question [%(title)s](%(url)s), answered by %(name)s."
    ) % {"title": topic.title, "url": topic.get_absolute_url(), "name": answer.author.display_name}
    return publish(
        author=actor, space=space, title=topic.title, body=body, language=topic.language,
        tags=list(topic.tags.values_list("name", flat=True)), collection=collection,
        summary=_("From an accepted answer"), source_answer=answer,
    )  # fmt: skip


def attach(*, actor, article: Article, upload) -> Attachment:
    """Add a file to an article: its editors only; validated by content (intranet.core.files)."""
    from django.core.files.base import ContentFile

    from intranet.core import files

    with transaction.atomic():
        article, access = _locked_article(actor, article.pk)
        if not may_edit(user=actor, access=access, article=article):
            raise PermissionDenied
        _kind, content_type = files.inspect(upload)
        name = files.safe_name(upload.name)
        if article.attachments.filter(name=name).exists():
            raise ValidationError({"file": _("This article has a file with this name already.")})
        attachment = Attachment(
            article=article, name=name, content_type=content_type, size=upload.size,
            uploaded_by=actor,
        )  # fmt: skip
        # Stored under a random folder; a failed transaction leaves no row pointing at it.
        attachment.file.save(name, ContentFile(files.read_all(upload).getvalue()), save=False)
        attachment.save()
    return attachment


def detach(*, actor, attachment_id: int) -> None:
    with transaction.atomic():
        attachment = Attachment.objects.filter(pk=attachment_id).first()
        if attachment is None:
            raise PermissionDenied
        article, access = _locked_article(actor, attachment.article_id)
        if not may_edit(user=actor, access=access, article=article):
            raise PermissionDenied
        stored = attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.storage.delete(stored))


def set_co_owners(*, actor, article: Article, emails) -> list:
    """The owner (or whoever may edit others' articles) names the co-owners: colleagues who
    may read the space and edit, decide on suggestions and review with them."""
    from django.contrib.auth import get_user_model

    names = emails.split(",") if isinstance(emails, str) else list(emails or [])
    wanted = {e.strip().lower() for e in names if e.strip()}
    with transaction.atomic():
        article, access = _locked_article(actor, article.pk)
        if actor.pk != article.owner_id and not access.can(Action.EDIT_OTHERS_ARTICLE):
            raise PermissionDenied
        people = list(get_user_model().objects.filter(email__in=wanted, is_active=True))
        unknown = wanted - {p.email.lower() for p in people}
        if unknown:
            raise ValidationError(
                {
                    "co_owners": _("No active colleague has the address %(email)s.")
                    % {"email": sorted(unknown)[0]}
                }
            )
        unable = [
            p for p in people if not permissions.access_for(p, article.space).can(Action.VIEW)
        ]
        if unable:
            raise ValidationError(
                {
                    "co_owners": _("%(name)s cannot read this space.")
                    % {"name": unable[0].display_name}
                }
            )
        article.co_owners.set([p for p in people if p.pk != article.owner_id])
    return people
