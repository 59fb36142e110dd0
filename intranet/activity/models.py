from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intranet.governance.access import ReadableQuerySet
from intranet.governance.constants import Module
from intranet.moderation.models import Moderated


class Activity(models.Model):
    """One thing that happened, written in the same transaction as the write that caused it.
    Feeds read these rows, filtered by what the reader may see *now*."""

    id = models.BigAutoField(primary_key=True)
    verb = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where it happened. No space and no department: the whole organisation.
    space = models.ForeignKey(
        "governance.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "governance.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["space", "-id"], name="activity_space_id"),
            models.Index(fields=["actor", "-id"], name="activity_actor_id"),
            models.Index(fields=["-id"], name="activity_org_id", condition=Q(space__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.verb} #{self.pk}"


class PostQuerySet(ReadableQuerySet):
    """Posts belong to no module: every space has them."""


class Post(models.Model):
    """A short message in a space: the simplest content every space has."""

    space = models.ForeignKey("governance.Space", on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    body = models.TextField(_("message"), max_length=5000)
    # Rendered once from Markdown and sanitised (nh3) when written, never at read time.
    body_html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.body[:60]


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        HELPFUL = "helpful", _("Helpful")
        CELEBRATE = "celebrate", _("Celebrate")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.BigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user", "kind"], name="activity_one_reaction"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id}"


class Comment(Moderated):
    """Comments any content can have, threaded one level deep (a reply has no replies)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.BigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"), max_length=3000)
    body_html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id", "id"])]

    # Set by activity.commentable.load_comments: (space, address of the thing, excerpt).
    where = None

    @property
    def space(self):
        return self.where[0]

    def get_absolute_url(self) -> str:
        return f"{self.where[1].split('#')[0]}#comment-{self.pk}"

    def __str__(self) -> str:
        return self.body[:60]


class AnnouncementQuerySet(models.QuerySet):
    def readable_by(self, user) -> "AnnouncementQuerySet":
        """Announcements `user` may open (activity.access.readable_filter)."""
        from intranet.activity.access import readable_filter

        return self.filter(readable_filter(user))


class Announcement(models.Model):
    """Pinned at the top of the feeds of the whole organisation, or of one department and
    every department below it, until it expires."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("message"), max_length=5000)
    body_html = models.TextField()
    department = models.ForeignKey(
        "governance.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("department"),
        related_name="+",
    )
    expires_at = models.DateTimeField(_("visible until"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return self.title


class AnnouncementDelegate(models.Model):
    """Someone a department's manager lets announce on their behalf: to the department and
    everything below it, as the manager may (activity.access.announce_reach decides). Granted
    and taken back by the manager or an administrator; both are in the audit log."""

    department = models.ForeignKey(
        "governance.Department",
        on_delete=models.CASCADE,
        verbose_name=_("department"),
        related_name="+",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "user"], name="activity_one_delegate_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} for {self.department_id}"


class AnnouncementRead(models.Model):
    """That one person saw an announcement, once (the first time). Only ever counted: its
    author sees how many of the audience read it, never who (selectors.announcement_reach)."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="activity_one_read")
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id} read by {self.user_id}"


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Someone mentions me")
    REPLY = "reply", _("A reply to something of mine")
    ANSWER = "answer", _("An answer to my question")
    ACCEPTED = "accepted", _("My answer is accepted")
    JOIN_REQUEST = "join_request", _("A request to join a space I manage")
    INVITATION = "invitation", _("An invitation to a space")
    REACTION = "reaction", _("Reactions to something of mine")
    BADGE = "badge", _("A badge I earned")
    ENDORSEMENT = "endorsement", _("A colleague endorses one of my skills")
    MENTORING = "mentoring", _("Mentoring proposals and answers")
    ANSWER_REQUEST = "answer_request", _("A colleague asks me to answer a question")
    FOLLOWED = "followed", _("New answers in topics and tags I follow")
    MODERATION = "moderation", _("A moderator hides or restores something of mine")
    REPORT = "report", _("Reports in spaces I moderate")
    SUGGESTION = "suggestion", _("Suggestions and outdated flags on my articles")
    SUGGESTION_DECIDED = "suggestion_decided", _("My suggestion is accepted or declined")
    REVIEW = "review", _("An article of mine is due for review")
    HANDOFF = "handoff", _("A card is handed over to my department, or a card I watch moves")
    SIGNAL = "signal", _("Signals from recurring exceptions: raised for me, or answered")
    STORY = "story", _("A success story tags me, or another team reuses one of mine")
    FOLLOW_UP = "follow_up", _("Signals from the floor: raised for me, overdue, or answered")
    LEADERSHIP = "leadership", _("Invitations to be an ambassador or a mentor, and their answers")


class Channel(models.TextChoices):
    SITE = "site", _("On Plein")
    EMAIL = "email", _("On Plein and by email at once")
    DIGEST = "digest", _("On Plein and in the digest")
    OFF = "off", _("Off")


# Defaults that do not flood: email only where someone waits for you.
DEFAULT_CHANNELS = {
    NotificationKind.MENTION: Channel.EMAIL,
    NotificationKind.REPLY: Channel.DIGEST,
    NotificationKind.ANSWER: Channel.EMAIL,
    NotificationKind.ACCEPTED: Channel.SITE,
    NotificationKind.JOIN_REQUEST: Channel.EMAIL,
    NotificationKind.INVITATION: Channel.EMAIL,
    NotificationKind.REACTION: Channel.SITE,
    NotificationKind.BADGE: Channel.SITE,
    NotificationKind.ENDORSEMENT: Channel.SITE,
    NotificationKind.MENTORING: Channel.EMAIL,
    NotificationKind.ANSWER_REQUEST: Channel.EMAIL,
    NotificationKind.FOLLOWED: Channel.DIGEST,
    NotificationKind.MODERATION: Channel.EMAIL,
    NotificationKind.REPORT: Channel.SITE,
    NotificationKind.SUGGESTION: Channel.EMAIL,
    NotificationKind.SUGGESTION_DECIDED: Channel.SITE,
    NotificationKind.REVIEW: Channel.EMAIL,
    NotificationKind.HANDOFF: Channel.SITE,
    NotificationKind.SIGNAL: Channel.EMAIL,
    NotificationKind.FOLLOW_UP: Channel.EMAIL,
    NotificationKind.STORY: Channel.SITE,
    NotificationKind.LEADERSHIP: Channel.EMAIL,
}


# The module whose content a kind of notification tells about: shown only while that module
# is switched on in the space where it happened (mentions, replies and reactions name no more
# than the space, and every space has posts).
KIND_MODULES = {
    NotificationKind.ANSWER: Module.FORUMS,
    NotificationKind.ACCEPTED: Module.FORUMS,
    NotificationKind.ANSWER_REQUEST: Module.FORUMS,
    NotificationKind.FOLLOWED: Module.FORUMS,
    NotificationKind.SUGGESTION: Module.KNOWLEDGE,
    NotificationKind.SUGGESTION_DECIDED: Module.KNOWLEDGE,
    NotificationKind.REVIEW: Module.KNOWLEDGE,
    NotificationKind.HANDOFF: Module.BOARDS,
    NotificationKind.SIGNAL: Module.BOARDS,
    NotificationKind.STORY: Module.STORIES,
}


class NotificationQuerySet(models.QuerySet):
    def readable_by(self, user) -> "NotificationQuerySet":
        """The user's notifications that they may still read: one whose space (where it
        happened) they can no longer read, or whose module that space switched off, is not
        shown, counted, mailed or put in a digest, since its stored text names what happened
        there."""
        from intranet.governance.models import Space

        module_on = ~Q(kind__in=list(KIND_MODULES))
        for module in sorted(set(KIND_MODULES.values())):
            kinds = [kind for kind, of in KIND_MODULES.items() if of == module]
            module_on |= Q(kind__in=kinds, space__modules__contains=[module])
        # A kind about content of many modules (signals: questions, pain points ...) names the
        # module of what it is about in its params: that module must be on too. `contains`, not
        # a key lookup: a missing key compares as NULL, and NOT NULL would hide every other kind.
        for module in Module.values:
            module_on &= ~Q(params__contains={"module": module}) | Q(
                space__modules__contains=[module]
            )
        return self.filter(recipient_id=user.pk).filter(
            Q(space__isnull=True) | (Q(space__in=Space.objects.viewable_by(user)) & module_on)
        )


class Notification(models.Model):
    """One line in the bell. Unread notifications about the same thing (group_key) are one
    row: ten likes on one post is one notification that says "and 9 others"."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    group_key = models.CharField(max_length=120)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_count = models.PositiveIntegerField(default=1)
    url = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    in_digest = models.BooleanField(default=False)
    # Where it happened (None: nowhere in particular, e.g. a badge): the notification's text
    # comes from there, so it is shown only while the recipient may read that space.
    space = models.ForeignKey(
        "governance.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "group_key"],
                condition=Q(read_at__isnull=True),
                name="activity_one_unread_per_group",
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-updated_at"],
                name="activity_unread",
                condition=Q(read_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="activity_one_preference")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.channel}"


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="activity_one_follow"),
            models.CheckConstraint(
                condition=~Q(follower=models.F("followee")), name="activity_no_self_follow"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} -> {self.followee_id}"
