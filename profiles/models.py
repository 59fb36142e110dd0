import functools
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.governance.constants import OrgRole


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def listed(self):
        """Active people as people surfaces list them: service accounts left out."""
        from intranet.governance.permissions import people_filter

        return self.filter(people_filter())

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


@functools.cache
def _person_url_pattern() -> str:
    # reverse() costs about 0.1 ms; a directory page links 24 to 50 people.
    return reverse("profiles:person", args=[987654321]).replace("987654321", "%d")


@functools.cache
def _photo_url_pattern() -> str:
    return (
        reverse("profiles:photo", args=[987654321, "NAME"])
        .replace("987654321", "%d")
        .replace("NAME", "%s")
    )


class FieldVisibility(models.TextChoices):
    """Who sees a personal detail such as a phone number."""

    COLLEAGUES = "colleagues", _("Colleagues (not guests)")
    DEPARTMENT = "department", _("My department")
    ONLY_ME = "only_me", _("Only me (and administrators)")


class User(AbstractUser):
    """An employee (or guest). The email address is the login; there is no username."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: follow the browser's language."),
    )
    department = models.ForeignKey(
        "governance.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    org_role = models.CharField(
        _("organisation role"), max_length=20, choices=OrgRole.choices, default=OrgRole.EMPLOYEE
    )
    # --- Profile (issue 5) ---------------------------------------------------------------------
    photo = models.ImageField(_("photo"), upload_to="people/", blank=True)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    location = models.CharField(_("location"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = ArrayField(
        models.CharField(max_length=40), verbose_name=_("languages"), default=list, blank=True
    )
    bio = models.TextField(_("about me"), blank=True)
    bio_html = models.TextField(blank=True, editable=False)
    working_hours = models.CharField(_("working hours"), max_length=200, blank=True)
    phone_visibility = models.CharField(
        _("who sees my phone number"),
        max_length=12,
        choices=FieldVisibility.choices,
        default=FieldVisibility.COLLEAGUES,
    )
    location_visibility = models.CharField(
        _("who sees my location"),
        max_length=12,
        choices=FieldVisibility.choices,
        default=FieldVisibility.COLLEAGUES,
    )
    skills = models.ManyToManyField(
        "profiles.Skill", verbose_name=_("skills"), blank=True, related_name="people"
    )
    ask_me_about = models.ManyToManyField(
        "profiles.Skill", verbose_name=_("ask me about"), blank=True, related_name="askable"
    )
    # Lower-case "first last" for the directory's typo-tolerant search (trigram index).
    search_name = models.GeneratedField(
        expression=Lower(Concat("first_name", Value(" "), "last_name")),
        output_field=models.CharField(max_length=301),
        db_persist=True,
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Email addresses differ in case only by accident: one account per address.
            models.UniqueConstraint(Lower("email"), name="profiles_user_email_ci_unique"),
        ]
        indexes = [
            GinIndex(OpClass("search_name", name="gin_trgm_ops"), name="profiles_user_name_trgm"),
            models.Index(fields=["location"], name="profiles_user_location"),
            # The directory's alphabetical pages.
            models.Index(fields=["first_name", "last_name", "id"], name="profiles_user_by_name"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email.split("@")[0]

    def get_absolute_url(self) -> str:
        return _person_url_pattern() % self.pk

    @property
    def photo_url(self) -> str:
        """The photo's address (its file name changes with every new photo, so browsers may
        keep it); empty without a photo."""
        if not self.photo:
            return ""
        return _photo_url_pattern() % (self.pk, self.photo.name.rsplit("/", 1)[-1])

    @property
    def is_guest(self) -> bool:
        return self.org_role == OrgRole.GUEST and not self.is_superuser

    @property
    def initials(self) -> str:
        parts = [p for p in (self.first_name, self.last_name.split(" ")[-1]) if p]
        if not parts:
            return self.email[:1].upper()
        return "".join(p[0] for p in parts).upper()[:2]

    @property
    def avatar_hue(self) -> int:
        """A stable hue from the name, so a person keeps their colour everywhere."""
        digest = hashlib.sha256(self.display_name.encode()).digest()
        return digest[0] * 360 // 256


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """Lets one email address sign up even when its domain is not among SIGNUP_EMAIL_DOMAINS
    (an external adviser, a guest). The link proves the address, so no second verification."""

    email = models.EmailField(_("email address"))
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(Lower("email"), name="profiles_invitation_email_ci")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class Skill(models.Model):
    """A topic people know about: a stated skill, an "ask me about" topic, and the key the
    expertise finder ranks evidence under (by slug, so other apps' tags can match it)."""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(max_length=60, unique=True, allow_unicode=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        indexes = [GinIndex(OpClass(Lower("name"), name="gin_trgm_ops"), name="skill_name_trgm")]

    def __str__(self) -> str:
        return self.name


class Endorsement(models.Model):
    """A colleague vouches for someone's stated skill; once per person per skill."""

    endorser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements_given"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="endorsements")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["endorser", "person", "skill"], name="one_endorsement_per_skill"
            ),
            models.CheckConstraint(
                condition=~models.Q(endorser=models.F("person")), name="no_self_endorsement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endorser_id} → {self.person_id}: {self.skill_id}"


class Evidence(models.Model):
    """Precomputed expertise: what one person has shown on one topic, per source ("skill",
    "endorsement", and whatever forums and knowledge register). The finder reads these rows
    instead of scanning posts; providers keep them current.

    Evidence made from content remembers the space it came from (one row per space): the
    finder counts and shows it only to readers of that space, and the provider recomputes
    it when the content is hidden, moved or deleted. Personal evidence (a stated skill, an
    endorsement) has no space."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence"
    )
    topic = models.SlugField(max_length=60)
    source = models.CharField(max_length=30)
    space = models.ForeignKey(
        "governance.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField(default=timezone.now)
    # Up to three recent examples: [{"title": ..., "url": ...}], shown as the "why".
    examples = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "person", "source", "space"],
                nulls_distinct=False,
                name="one_evidence_row_per_source_and_space",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.topic} {self.source} ×{self.count} ({self.space_id})"


class MentoringRole(models.TextChoices):
    MENTOR = "mentor", _("I offer mentoring")
    MENTEE = "mentee", _("I am looking for a mentor")


class MentoringOffer(models.Model):
    """Someone offers (or seeks) mentoring on a skill. Reverse mentoring: a junior teaches a
    senior, usually new ways of working."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_offers"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="mentoring_offers")
    role = models.CharField(max_length=8, choices=MentoringRole.choices)
    reverse = models.BooleanField(_("reverse mentoring"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "skill", "role"], name="one_mentoring_offer_per_skill"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.role} {self.skill_id}"


class MentoringPair(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACTIVE = "active", _("active")
        DECLINED = "declined", _("declined")
        ENDED = "ended", _("ended")

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_as_mentee"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="mentoring_pairs")
    reverse = models.BooleanField(default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    # A pair an organiser made in a reverse-mentoring cohort (issue 22): always reverse (the
    # junior, `mentor`, teaches the senior, `mentee`). Neither of the two asked for it, so both
    # accept before it starts; a pair between two colleagues keeps the one answer of the
    # person who was asked (these flags stay False there).
    cohort = models.ForeignKey(
        "profiles.MentoringCohort",
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pairs",
    )
    mentor_accepted = models.BooleanField(default=False)
    mentee_accepted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mentee", "skill"],
                condition=models.Q(status__in=["proposed", "active"]),
                name="one_open_mentoring_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(mentor=models.F("mentee")), name="no_self_mentoring"
            ),
            # One role per person per cohort: someone is one junior (or one senior) in it,
            # unless they declined (then the organiser may pair them again).
            models.UniqueConstraint(
                fields=["cohort", "mentor"],
                condition=models.Q(cohort__isnull=False) & ~models.Q(status="declined"),
                name="cohort_one_pair_per_junior",
            ),
            models.UniqueConstraint(
                fields=["cohort", "mentee"],
                condition=models.Q(cohort__isnull=False) & ~models.Q(status="declined"),
                name="cohort_one_pair_per_senior",
            ),
            models.CheckConstraint(
                condition=models.Q(cohort__isnull=True) | models.Q(reverse=True),
                name="cohort_pairs_are_reverse",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} → {self.mentee_id} ({self.skill_id}, {self.status})"


# --- Reverse-mentoring cohorts (issue 22) --------------------------------------------------------


class MentoringCohort(models.Model):
    """A reverse-mentoring programme: HR or a leader pairs juniors (who teach) with seniors (who
    learn) for a period with goals; the pairs log sessions; at the end everyone who took part
    evaluates it, and the organiser sees the outcomes in aggregate only.

    The pairs are MentoringPair rows with this cohort (reverse, both people accept), so a
    cohort pair is a mentorship like any other on the mentoring and person pages."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        RUNNING = "running", _("running")
        ENDED = "ended", _("ended")

    name = models.CharField(_("name"), max_length=120)
    goals = models.TextField(_("goals"))
    # Topics the juniors are to teach (skill slugs); empty: whatever they know that the
    # seniors do not. Suggested pairs are matched on these.
    themes = ArrayField(models.SlugField(max_length=60), verbose_name=_("themes"), default=list)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="organised_cohorts",
    )
    # A leader's cohort is for their own unit (and the units below it); HR's may be for all.
    department = models.ForeignKey(
        "governance.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Ending opens the evaluation, for EVALUATION_DAYS.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    EVALUATION_DAYS = 30

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("mentoring cohort")
        verbose_name_plural = _("mentoring cohorts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_on_or_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status="ended", ended_at__isnull=False)
                | (~models.Q(status="ended") & models.Q(ended_at__isnull=True)),
                name="cohort_ended_has_a_moment",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("profiles:cohort", args=[self.pk])

    def phase(self, today=None) -> str:
        """Planned, running or ended as of `today`: a planned cohort runs from its first day
        without anyone having to start it."""
        if self.status == self.Status.ENDED:
            return self.Status.ENDED
        today = today or timezone.localdate()
        return self.Status.RUNNING if self.starts_on <= today else self.Status.PLANNED

    def get_phase_display(self) -> str:
        return self.Status(self.phase()).label

    @property
    def evaluation_closes_at(self):
        if self.ended_at is None:
            return None
        from datetime import timedelta

        return self.ended_at + timedelta(days=self.EVALUATION_DAYS)

    def evaluation_open(self, now=None) -> bool:
        closes = self.evaluation_closes_at
        return closes is not None and (now or timezone.now()) < closes


class MentoringSession(models.Model):
    """One meeting of a cohort pair, logged by one of the two. Its notes are the pair's own:
    nobody else reads them, the organiser included (who sees counts only)."""

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes and learnings"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")

    def __str__(self) -> str:
        return f"{self.pair_id} {self.held_on}"


class CohortEvaluation(models.Model):
    """What one participant thought of a cohort, once. The organiser sees ratings and
    recommendations only in aggregate, and what someone learned only when they agreed to share
    it (without their name)."""

    cohort = models.ForeignKey(
        MentoringCohort, on_delete=models.CASCADE, related_name="evaluations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_evaluations"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    what_learned = models.TextField(_("what I learned"))
    would_recommend = models.BooleanField(_("I would recommend it"), default=False)
    share_learning = models.BooleanField(_("the organiser may read what I learned"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cohort evaluation")
        verbose_name_plural = _("cohort evaluations")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="one_evaluation_per_cohort"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="cohort_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id} {self.person_id} {self.rating}"
