"""Forums: questions (that expect an answer) and discussions in a space, answers with votes,
one accepted answer per question, and every edit kept."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.governance.access import ReadableQuerySet
from intranet.governance.constants import Module
from intranet.moderation.models import Moderated


class TopicQuerySet(ReadableQuerySet):
    """`Topic.objects.readable_by(user)`: topics in spaces the user may read with the forum
    switched on (a narrowed View counts), not hidden by a moderator."""

    module = Module.FORUMS
    hidden_path = "hidden_at"


class AnswerQuerySet(ReadableQuerySet):
    """`Answer.objects.readable_by(user)`: answers readable with their topic, neither of the
    two hidden."""

    module = Module.FORUMS
    space_path = "topic__space"
    hidden_path = "topic__hidden_at"

    def readable_by(self, user):
        return super().readable_by(user).filter(hidden_at__isnull=True)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=30)
    slug = models.SlugField(max_length=30, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Topic(Moderated):
    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        DISCUSSION = "discussion", _("Discussion")

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    space = models.ForeignKey("governance.Space", on_delete=models.CASCADE, related_name="topics")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="topics"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    body_html = models.TextField(blank=True, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="topics")
    # Also listed in the open Q&A of the leadership: anyone may ask the directors.
    ask_leadership = models.BooleanField(_("ask leadership"), default=False)
    accepted_answer = models.ForeignKey(
        "Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    locked = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    # A duplicate merged into another question: its answers moved there, its address
    # redirects there.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Full text of title (weight A) and body (B) in the topic's own language (Dutch stemming
    # for Dutch), kept by the services (forums.services.index_topic).
    search = SearchVectorField(null=True, editable=False)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-last_activity_at", "-pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            models.Index(fields=["space", "-pinned", "-last_activity_at", "-id"]),
            models.Index(
                fields=["space", "-created_at"],
                condition=models.Q(kind="question", answer_count=0),
                name="forums_unanswered",
            ),
            GinIndex(fields=["search"], name="forums_topic_search"),
            GinIndex(OpClass(Lower("title"), name="gin_trgm_ops"), name="forums_topic_title_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("forums:topic", args=[self.pk])

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION


class Answer(Moderated):
    """An answer to a question, or a reply in a discussion."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="answers"
    )
    body = models.TextField(_("answer"))
    body_html = models.TextField(blank=True, editable=False)
    score = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["topic", "-score", "created_at"])]

    def __str__(self) -> str:
        return f"{self.topic_id}/{self.pk}"

    @property
    def space(self):
        # Comments, reports and moderation follow the rights of the topic's space.
        return self.topic.space

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("forums:topic", args=[self.topic_id]) + f"#answer-{self.pk}"


class Vote(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "user"], name="forums_one_vote"),
            models.CheckConstraint(condition=models.Q(value__in=[-1, 1]), name="forums_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.value:+d} on {self.answer_id}"


class Revision(models.Model):
    """The text as it was before an edit: every edit is kept and viewable."""

    topic = models.ForeignKey(Topic, null=True, on_delete=models.CASCADE, related_name="revisions")
    answer = models.ForeignKey(
        Answer, null=True, on_delete=models.CASCADE, related_name="revisions"
    )
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"revision of {self.topic_id or self.answer_id} at {self.created_at:%Y-%m-%d}"


class TopicFollow(models.Model):
    """Tell me about new answers in this topic."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="followers")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="forums_follow_topic_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows topic {self.topic_id}"


class TagFollow(models.Model):
    """Tell me about new answers to topics with this tag."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="followers")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tag"], name="forums_follow_tag_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows tag {self.tag_id}"
