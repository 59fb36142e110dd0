from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from intranet.governance.constants import Module, SpaceKind, SpaceRole, Visibility


class Department(models.Model):
    """A unit of the organisation. Departments form a tree (parent); each has a manager.
    Spaces, roles and the permission matrix build on this (governance issue)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_departments",
    )
    # An accent colour (#rrggbb); never the only carrier of meaning (UX.md).
    color = models.CharField(_("colour"), max_length=7, default="#2f6f5e")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="governance_department_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(color__regex=r"^#[0-9a-fA-F]{6}$"),
                name="governance_department_color_hex",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def default_modules() -> list[str]:
    return list(Module.values)


class KindPolicy(models.Model):
    """Organisation defaults for one kind of space: the permission matrix (action -> roles) and
    the modules owners may switch on. Administrators edit these; spaces stay within them."""

    kind = models.CharField(_("kind"), max_length=20, choices=SpaceKind.choices, unique=True)
    matrix = models.JSONField(_("permission matrix"), default=dict)
    allowed_modules = ArrayField(
        models.CharField(max_length=20, choices=Module.choices), default=default_modules
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("defaults for a kind of space")
        verbose_name_plural = _("defaults per kind of space")

    def __str__(self) -> str:
        return self.get_kind_display()


class SpaceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SpaceQuerySet":
        """Spaces the user may know exist: listed in the directory, reachable by URL."""
        from intranet.governance import permissions

        return self.filter(permissions.listed_filter(user))

    def viewable_by(self, user, *, module: str | None = None) -> "SpaceQuerySet":
        """Spaces whose content the user may read: visibility, membership, the space's
        effective View and (if given) the module switch."""
        from intranet.governance import permissions

        return self.filter(permissions.content_filter(user, module=module))

    readable_by = viewable_by


class Space(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=SpaceKind.choices)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    image = models.ImageField(_("image"), upload_to="spaces/", blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.OPEN
    )
    # Why the space is not open: "open, unless" means closing needs a reason others can read.
    closed_reason = models.TextField(_("reason for closing"), blank=True, max_length=1000)
    department = models.OneToOneField(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="space",
    )
    modules = ArrayField(
        models.CharField(max_length=20, choices=Module.choices), default=default_modules
    )
    # Per-space narrowing of the kind's matrix: {action: [roles]}. Missing actions follow the
    # defaults. Always intersected with the defaults when read, so defaults can only narrow it.
    matrix = models.JSONField(_("permission matrix"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=SpaceKind.DEPARTMENT) | Q(department__isnull=True),
                name="governance_space_department_only_for_department_kind",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="governance_space_visibility"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("governance:space", args=[self.slug])


class Membership(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=SpaceRole.choices)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        ordering = ["space", "user"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="governance_one_membership"),
            models.CheckConstraint(
                condition=Q(role__in=SpaceRole.values), name="governance_membership_role"
            ),
        ]
        indexes = [models.Index(fields=["user", "space"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.space}"


class MembershipRequest(models.Model):
    """A join request (the person asks) or an invitation (a member asks the person)."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request to join")
        INVITATION = "invitation", _("Invitation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_requests"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(_("message"), blank=True, max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"],
                condition=Q(status="pending"),
                name="governance_one_pending_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user} -> {self.space}"


class Organisation(models.Model):
    """The one row of organisation-wide settings (pilot roll-out)."""

    name = models.CharField(_("name"), max_length=120, default="Plein")
    pilot_enabled = models.BooleanField(_("pilot"), default=False)
    pilot_departments = models.ManyToManyField(
        Department, verbose_name=_("pilot departments"), blank=True, related_name="+"
    )
    # Administrators always need two-step verification; this asks it of every role.
    mfa_required_for_everyone = models.BooleanField(
        _("two-step verification for everyone"), default=False
    )

    class Meta:
        verbose_name = _("organisation")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="governance_one_org")]

    def __str__(self) -> str:
        return self.name


class AuditEntry(models.Model):
    """Who changed what in governance, with before and after. Append-only: a database trigger
    refuses UPDATE and DELETE, so not even a bug in the app can rewrite history."""

    # No foreign-key constraint: the entry must outlive the account it names.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )  # fmt: skip
    actor_name = models.CharField(_("by"), max_length=200)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("object type"), max_length=40, db_index=True)
    target_id = models.BigIntegerField(null=True)
    target_name = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.actor_name}: {self.action} {self.target_name}"
