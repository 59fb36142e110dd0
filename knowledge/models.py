"""Knowledge base: articles in a space, organised in collections, that colleagues improve.
Every save is a revision; readers who may not edit propose suggestions; every article has a
review date so stale knowledge shows."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.core.models import StoredFile
from intranet.governance.access import ReadableQuerySet
from intranet.governance.constants import Module
from intranet.moderation.models import Moderated


class ArticleQuerySet(ReadableQuerySet):
    module = Module.KNOWLEDGE
    hidden_path = "hidden_at"


class ArticlePartQuerySet(ReadableQuerySet):
    """Revisions, suggestions and files: readable with their article."""

    module = Module.KNOWLEDGE
    space_path = "article__space"
    hidden_path = "article__hidden_at"


class Collection(models.Model):
    """A shelf of articles in a space; collections nest one level (a shallow tree)."""

    space = models.ForeignKey(
        "governance.Space", on_delete=models.CASCADE, related_name="collections"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "parent", "name"], name="knowledge_collection_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Article(Moderated):
    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    space = models.ForeignKey("governance.Space", on_delete=models.CASCADE, related_name="articles")
    collection = models.ForeignKey(
        Collection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        verbose_name=_("collection"),
    )
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_articles",
        verbose_name=_("owner"),
    )
    co_owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_owned_articles",
        verbose_name=_("co-owners"),
    )  # fmt: skip
    tags = models.ManyToManyField("forums.Tag", blank=True, related_name="articles")
    # The current text, copied from the latest revision so reading needs no join.
    body = models.TextField(_("text"), blank=True)
    body_html = models.TextField(blank=True, editable=False)
    # Table of contents: [[level, anchor, text], ...] from the headings, made when saved.
    toc = models.JSONField(default=list, blank=True, editable=False)
    revision_count = models.PositiveIntegerField(default=0, editable=False)
    review_at = models.DateField(_("review by"))
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The accepted forum answer this article grew from, if any.
    source_answer = models.ForeignKey(
        "forums.Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    helpful_yes = models.PositiveIntegerField(default=0, editable=False)
    helpful_no = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    search = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["space", "title"]),
            models.Index(fields=["space", "review_at"], name="knowledge_review"),
            GinIndex(fields=["search"], name="knowledge_article_search"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("knowledge:article", args=[self.pk])

    @property
    def author_id(self):
        # Moderation speaks of a post's author: an article's is its owner.
        return self.owner_id

    @property
    def author(self):
        return self.owner

    @property
    def is_stale(self) -> bool:
        return self.review_at < timezone.localdate()


class Revision(models.Model):
    """One saved version of an article: numbered 1, 2, 3 ... per article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(_("what changed"), max_length=200, blank=True)
    # Set when this revision restores an older one, or came from a suggestion.
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    suggestion = models.ForeignKey(
        "Suggestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ArticlePartQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class Suggestion(models.Model):
    """A change proposed by a reader who may not edit: the whole proposed text, based on a
    revision, with a note. The owner accepts (credited to the proposer) or declines."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    base_number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ArticlePartQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["article"], condition=Q(status="open"), name="knowledge_open_suggestions"
            )
        ]

    def __str__(self) -> str:
        return f"suggestion on {self.article_id} by {self.proposer_id}"


class OutdatedFlag(models.Model):
    """A reader says the article is out of date, and why; "still correct" clears the flags."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="outdated_flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("what is outdated"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="knowledge_flag_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} flags {self.article_id}"


class HelpfulVote(models.Model):
    """Was this helpful? One answer per reader (changeable); the article keeps the totals."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="knowledge_helpful_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.article_id}: {self.helpful}"


def _attachment_path(instance, filename: str) -> str:
    import uuid

    return f"knowledge/{instance.article_id}/{uuid.uuid4().hex}/{filename}"


class Attachment(StoredFile):
    """A file that belongs with an article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)

    objects = ArticlePartQuerySet.as_manager()

    class Meta(StoredFile.Meta):
        pass

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("knowledge:file", args=[self.article_id, self.pk, self.name])


class Citation(models.Model):
    """A forum topic (its question or one of its answers) links to an article: the article
    shows "questions that cite it" without searching every post."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    topic = models.ForeignKey(
        "forums.Topic", on_delete=models.CASCADE, related_name="knowledge_citations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "topic"], name="knowledge_cite_once")
        ]

    def __str__(self) -> str:
        return f"topic {self.topic_id} cites {self.article_id}"
