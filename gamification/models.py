"""Points, badges, levels, leaderboards, success stories, ambassadors and challenges.

Points: rules that administrators edit, an append-only ledger keyed by (event, rule) so a
retried or replayed event never pays twice, and maintained tallies per person, period and space
so leaderboards read a handful of rows and never sum the ledger on a page. Badges count deeds
(what people did, whether or not it pays points). Privacy: everyone decides whether colleagues
see their points; the organisation's switches decide whether anyone does."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from intranet.core.models import StoredFile
from intranet.governance.access import ReadableQuerySet
from intranet.governance.constants import Module


class RuleKey(models.TextChoices):
    QUESTION_ASKED = "question_asked", _("Asked a question")
    ANSWER_ACCEPTED = "answer_accepted", _("An answer was accepted")
    ARTICLE_PUBLISHED = "article_published", _("Published an article")
    SUGGESTION_ACCEPTED = "suggestion_accepted", _("A suggestion was accepted")
    PAIN_POINT_SOLVED = "pain_point_solved", _("A pain point one flagged was solved")
    STORY_PUBLISHED = "story_published", _("Took part in a published success story")
    STORY_REUSED = "story_reused", _("A story one took part in helped another team")


class DeedKind(models.TextChoices):
    """What badges and challenges count. Every point rule is a deed, and more."""

    QUESTION_ASKED = "question_asked", _("Asked a question")
    ANSWER_POSTED = "answer_posted", _("Answered a question")
    ANSWER_ACCEPTED = "answer_accepted", _("Gave an accepted answer")
    ARTICLE_PUBLISHED = "article_published", _("Published an article")
    SUGGESTION_ACCEPTED = "suggestion_accepted", _("Had a suggestion accepted")
    PAIN_POINT_FLAGGED = "pain_point_flagged", _("Flagged a pain point")
    PAIN_POINT_SOLVED = "pain_point_solved", _("Flagged a pain point that was solved")
    STORY_PUBLISHED = "story_published", _("Took part in a success story")
    STORY_REUSED = "story_reused", _("Took part in a story another team reused")
    PROFILE_COMPLETED = "profile_completed", _("Completed their profile")
    AMBASSADOR = "ambassador", _("Was appointed ambassador")


class PointRule(models.Model):
    key = models.CharField(max_length=40, choices=RuleKey.choices, unique=True)
    points = models.PositiveIntegerField(_("points"))
    # At most this many points from this rule per person per day. Every rule has one (the
    # defaults and the rules page require it); None survives in the column only for tools
    # that measure the uncapped path (bench/recognition.py) and means no cap.
    daily_cap = models.PositiveIntegerField(_("daily cap"), null=True, blank=True)
    # For rules paid by someone else's decision (an accept, a reuse): at most this many points
    # a week between the same two people, both directions together, so two colleagues
    # accepting each other's answers cannot farm points. None: the rule has no second person.
    pair_cap = models.PositiveIntegerField(_("weekly cap per pair"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.get_key_display()


class LedgerEntry(models.Model):
    """Never updated or deleted: a correction is a reversal entry (negative points)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(PointRule, on_delete=models.PROTECT, related_name="+")
    event_key = models.CharField(max_length=120)
    points = models.IntegerField()
    # Whose decision paid it (who accepted the answer, reused the story): the pair cap counts
    # entries between the same two people. None: nobody else decided (publishing, asking).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where it was earned, for the space leaderboards (None: not in a space).
    space = models.ForeignKey(
        "governance.Space", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event_key", "rule"], name="gamification_once")
        ]
        indexes = [
            models.Index(fields=["user", "rule", "created_at"]),
            # One person's history, newest first (my points): read from the index, not sorted.
            models.Index(fields=["user", "-created_at", "-id"], name="gamification_history"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.points:+d} ({self.event_key})"


class Period(models.TextChoices):
    WEEK = "week", _("This week")
    MONTH = "month", _("This month")
    ALL = "all", _("All time")


class PointTally(models.Model):
    """Points per person in a period (the week or month starting on `start`, or all time) and
    scope (a space, or None for the whole organisation). Kept up to date with every ledger
    entry in the same transaction; leaderboards read these rows, never the ledger."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(
        "governance.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(max_length=5, choices=Period.choices)
    start = models.DateField()
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "space", "period", "start"],
                name="gamification_one_tally",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["period", "start", "space", "-total"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period} {self.start}: {self.total}"


class GameSettings(models.Model):
    """The organisation's switches (one row). What a works council agrees to lives here."""

    points_on = models.BooleanField(
        _("individual points"),
        default=True,
        help_text=_("Off: nobody earns or sees individual points, levels or leaderboards."),
    )
    leaderboards_on = models.BooleanField(
        _("leaderboards"),
        default=True,
        help_text=_("Off: no leaderboards of people or departments anywhere."),
    )
    visible_by_default = models.BooleanField(
        _("people appear on leaderboards unless they opt out"),
        default=False,
        help_text=_("Off (the default): people appear only after they opt in."),
    )
    # The ambassadors' own community space, made by the first appointment (services.
    # ensure_ambassador_space); made again if it was deleted.
    ambassador_space = models.ForeignKey(
        "governance.Space", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="gamification_one_row")]

    def __str__(self) -> str:
        return "game settings"


class Privacy(models.Model):
    """One person's own choice; no row means the organisation's default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="game_privacy",
    )
    visible = models.BooleanField()
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.visible}"


class Deed(models.Model):
    """Something a person did that badges and challenges count, once per (kind, thing,
    person). `void` when the content went away (hidden or deleted); it counts again if
    restored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=DeedKind.choices)
    event_key = models.CharField(max_length=120)
    space = models.ForeignKey(
        "governance.Space", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "event_key", "user"], name="one_deed")
        ]
        indexes = [models.Index(fields=["user", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.event_key}"


class Tier(models.IntegerChoices):
    BRONZE = 1, _("Bronze")
    SILVER = 2, _("Silver")
    GOLD = 3, _("Gold")


class BadgeQuerySet(models.QuerySet):
    def readable_by(self, user):
        """Badges a user may see: organisation-wide ones, and those limited to a space they
        may read (such a badge's name and holders speak of that space's work)."""
        from intranet.governance.selectors import readable_space_ids

        return self.filter(Q(space__isnull=True) | Q(space_id__in=readable_space_ids(user=user)))


class Badge(models.Model):
    """A badge is data: which deed it counts, how many for bronze, silver and gold, optionally
    only within the last N days or in one space. Names in both languages (content, not UI)."""

    name = models.CharField(_("name (English)"), max_length=80)
    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    description = models.CharField(_("description (English)"), max_length=240, blank=True)
    description_nl = models.CharField(_("description (Dutch)"), max_length=240, blank=True)
    deed = models.CharField(_("counts"), max_length=30, choices=DeedKind.choices)
    bronze = models.PositiveIntegerField(_("bronze at"), default=1)
    silver = models.PositiveIntegerField(_("silver at"), null=True, blank=True)
    gold = models.PositiveIntegerField(_("gold at"), null=True, blank=True)
    period_days = models.PositiveIntegerField(_("within days"), null=True, blank=True)
    space = models.ForeignKey(
        "governance.Space",
        verbose_name=_("only in space"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = BadgeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_nl if get_language() == "nl" and self.name_nl else self.name

    @property
    def explanation(self) -> str:
        if get_language() == "nl" and self.description_nl:
            return self.description_nl
        return self.description

    def thresholds(self) -> list[tuple[int, int]]:
        """[(tier, count)] for the tiers this badge has, lowest first."""
        found = [(Tier.BRONZE, self.bronze), (Tier.SILVER, self.silver), (Tier.GOLD, self.gold)]
        return [(tier, count) for tier, count in found if count]


class BadgeAward(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    awarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-awarded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "badge", "tier"], name="one_badge_tier")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.badge_id} {self.tier}"


class StoryQuerySet(ReadableQuerySet):
    module = Module.STORIES
    hidden_path = "hidden_at"

    def published(self):
        return self.filter(hidden_at__isnull=True)


class Story(models.Model):
    """A success story: the challenge, what was done, the result; people and teams tagged."""

    space = models.ForeignKey("governance.Space", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=160)
    challenge = models.TextField(_("the challenge"))
    approach = models.TextField(_("what we did"))
    result = models.TextField(_("the result"))
    challenge_html = models.TextField(editable=False, default="")
    approach_html = models.TextField(editable=False, default="")
    result_html = models.TextField(editable=False, default="")
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("people"), blank=True, related_name="+"
    )
    teams = models.ManyToManyField(
        "governance.Department", verbose_name=_("teams"), blank=True, related_name="+"
    )
    featured = models.BooleanField(_("featured on the home page"), default=False)
    reuse_count = models.PositiveIntegerField(default=0)  # teams that recorded reuse
    # Moderation (intranet.moderation): hidden stories keep their reuse but leave every list.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name_plural = "stories"
        indexes = [models.Index(fields=["featured", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("gamification:story", args=[self.pk])


def _story_image_path(instance, filename: str) -> str:
    return f"stories/{instance.story_id}/{filename}"


class StoryImage(StoredFile):
    """A picture with a story, re-encoded on upload; `alt` says what it shows."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=_story_image_path, max_length=300)
    alt = models.CharField(_("what the image shows"), max_length=200, blank=True)

    class Meta(StoredFile.Meta):
        ordering = ["pk"]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("gamification:image", args=[self.story_id, self.pk])


class ReuseKind(models.TextChoices):
    LEAD = "lead", _("A lead")
    CUSTOMER = "customer", _("A customer")
    TIME_SAVED = "time_saved", _("Time saved")
    OTHER = "other", _("Something else")


class Reuse(models.Model):
    """'This helped us': counted once per team (department) per story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="reuses")
    department = models.ForeignKey(
        "governance.Department", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("what it brought"), max_length=12, choices=ReuseKind.choices)
    note = models.CharField(_("in a sentence"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["story", "department"], name="reuse_once_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.story_id} by {self.department_id}"


# At most this many hours a month can be granted for the role (a full-time month).
MAX_HOURS_GRANTED = 200


class Ambassador(models.Model):
    """Someone who helps colleagues get going, appointed per department."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ambassadorship"
    )
    department = models.ForeignKey(
        "governance.Department", on_delete=models.CASCADE, related_name="+"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointed_at = models.DateTimeField(default=timezone.now)
    # Time for the role, granted by their manager or an administrator: hours a month, shown
    # beside the hours they logged (AmbassadorActivity). 0: none agreed yet.
    hours_granted = models.PositiveSmallIntegerField(_("hours a month granted"), default=0)

    class Meta:
        ordering = ["department__name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_granted__lte=MAX_HOURS_GRANTED), name="ambassador_hours_granted"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.department_id})"


class Challenge(models.Model):
    """A time-boxed mission: a few steps, each a deed to do a number of times."""

    title = models.CharField(_("title"), max_length=120)
    description = models.CharField(_("description"), max_length=400, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="challenge_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ChallengeStep(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="steps")
    deed = models.CharField(max_length=30, choices=DeedKind.choices)
    count = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.challenge_id}: {self.deed} x{self.count}"


class ChallengeEntry(models.Model):
    """Someone took the challenge on; `completed_at` once every step is done in time."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="one_entry_per_challenge")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.challenge_id}"


# --- Informal leaders get room, with consent (issue 22) -----------------------------------------


class InvitationKind(models.TextChoices):
    AMBASSADOR = "ambassador", _("Become an ambassador")
    MENTORING = "mentoring", _("Mentor colleagues")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LeadershipInvitation(models.Model):
    """An administrator asks someone they saw in the person-level insights to take a role: the
    ambassador programme, or mentoring (optionally with a colleague who looks for a mentor, on a
    skill). Nothing happens before the person accepts. The reason is what the administrator
    wrote in their own words; no figure of the insights is stored here or shown to anyone."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leadership_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("invitation to"), max_length=12, choices=InvitationKind.choices)
    reason = models.TextField(_("why"), max_length=2000)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Mentoring only, both optional: a colleague who looks for a mentor, and the skill.
    counterpart = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("with colleague"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    skill = models.CharField(_("skill"), max_length=60, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open invitation of a kind per person: asking twice is refused, not doubled.
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(status="pending"),
                name="one_pending_leadership_invitation",
            ),
            models.CheckConstraint(
                condition=Q(kind="mentoring") | (Q(counterpart__isnull=True) & Q(skill="")),
                name="leadership_counterpart_only_for_mentoring",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} ({self.status})"


class AmbassadorActivityKind(models.TextChoices):
    SESSION = "session", _("Session given")
    TEAM_HELPED = "team_helped", _("Team helped")


class AmbassadorActivity(models.Model):
    """What an ambassador did for colleagues, logged by themselves: a session given or a team
    helped, with the time it took. Kept when the ambassadorship ends (it happened)."""

    ambassador = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ambassador_activities"
    )
    kind = models.CharField(_("what"), max_length=12, choices=AmbassadorActivityKind.choices)
    date = models.DateField(_("date"))
    department = models.ForeignKey(
        "governance.Department",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="ambassador_activity_hours"
            )
        ]
        indexes = [models.Index(fields=["ambassador", "-date"])]

    def __str__(self) -> str:
        return f"{self.ambassador_id} {self.kind} {self.date}"
