"""Governance writes. Each function: checks permission, validates, writes in one transaction,
records the audit entry and publishes the event on commit (DESIGN.md, Zulip's actions)."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intranet import events
from intranet.core import images, ratelimit
from intranet.governance import audit, permissions
from intranet.governance import events as ev
from intranet.governance.constants import (
    SPACE_ROLE_RANK,
    VISIBILITY_RANK,
    Action,
    Module,
    OrgRole,
    SpaceKind,
    SpaceRole,
    Visibility,
)
from intranet.governance.models import (
    Department,
    KindPolicy,
    Membership,
    MembershipRequest,
    Organisation,
    Space,
)

User = get_user_model()
PILOT_CACHE_KEY = "governance:pilot:v2"  # v2: (pilot on, departments, MFA for all)


def _require(user, action: str, space: Space) -> permissions.SpaceAccess:
    access = permissions.access_for(user, space)
    if not access.can(action):
        raise PermissionDenied
    return access


def _require_admin(user) -> None:
    if not permissions.is_administrator(user):
        raise PermissionDenied


def secret_slug(slug: str) -> str:
    """A secret space's web address: the wished-for one plus a keyed suffix. Secret spaces so
    never take the plain address a colleague might want, and creating a space cannot reveal
    that a secret one of that name exists (its address cannot be guessed either)."""
    base = slug.removesuffix("-" + _slug_mark(slug.rsplit("-", 1)[0]))
    return f"{base[:111]}-{_slug_mark(base[:111])}"


def _slug_mark(base: str) -> str:
    return salted_hmac("plein.secret-space-slug", base).hexdigest()[:8]


def _unique_slug(
    name: str, slug: str | None, *, visibility: str, exclude: int | None = None
) -> str:
    slug = slugify(slug or name)[:120]
    if not slug:
        raise ValidationError({"slug": _("Give the space a name with letters or digits.")})
    if visibility == Visibility.SECRET:
        slug = secret_slug(slug)
    taken = Space.objects.filter(slug=slug).exclude(pk=exclude)
    if taken.exists():
        # Only open and private spaces can be found at a plain address, and those are listed
        # to every employee who may create a space: saying so reveals nothing.
        raise ValidationError({"slug": _("Another space already uses this web address.")})
    return slug


def _space_snapshot(space: Space) -> dict:
    return {
        "name": space.name,
        "description": space.description,
        "visibility": space.visibility,
        "closed_reason": space.closed_reason,
        "modules": list(space.modules),
    }


# --- Spaces ------------------------------------------------------------------------------------


def create_space(
    *,
    actor,
    kind: str,
    name: str,
    description: str = "",
    visibility: str = Visibility.OPEN,
    closed_reason: str = "",
    slug: str | None = None,
) -> Space:
    """Bottom-up: any employee starts a team, project or community space and owns it."""
    if not actor.has_perm("governance.create_space"):
        raise PermissionDenied
    if kind not in SpaceKind.values or kind == SpaceKind.DEPARTMENT:
        raise ValidationError({"kind": _("Choose team, project or community.")})
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose open, private or secret.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the space a name.")})
    if visibility != Visibility.OPEN and not closed_reason.strip():
        raise ValidationError(
            {"closed_reason": _("Say why this space is not open to every colleague.")}
        )
    with transaction.atomic():
        space = Space.objects.create(
            kind=kind,
            name=name,
            slug=_unique_slug(name, slug, visibility=visibility),
            description=description.strip(),
            visibility=visibility,
            closed_reason=closed_reason.strip() if visibility != Visibility.OPEN else "",
            modules=permissions.allowed_modules(kind),
            created_by=actor,
        )
        Membership.objects.create(space=space, user=actor, role=SpaceRole.OWNER)
        audit.record(
            actor=actor,
            action="space.created",
            target=space,
            after=_space_snapshot(space),
            reason=space.closed_reason,
        )
        events.publish(ev.SpaceCreated(space_id=space.pk, actor_id=actor.pk))
    return space


def update_space(
    *,
    actor,
    space: Space,
    name: str,
    description: str,
    visibility: str,
    closed_reason: str = "",
    modules: list[str] | None = None,
) -> Space:
    _require(actor, Action.CHANGE_SETTINGS, space)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the space a name.")
    if visibility not in Visibility.values:
        errors["visibility"] = _("Choose open, private or secret.")
    elif space.kind == SpaceKind.DEPARTMENT and visibility == Visibility.SECRET:
        errors["visibility"] = _("A department space cannot be secret.")
    closing = visibility in Visibility.values and (
        VISIBILITY_RANK[visibility] > VISIBILITY_RANK[space.visibility]
    )
    if closing and not closed_reason.strip():
        errors["closed_reason"] = _("Say why you close this space; administrators will read it.")
    modules = list(space.modules) if modules is None else list(dict.fromkeys(modules))
    allowed = set(permissions.allowed_modules(space.kind))
    if set(modules) - set(Module.values):
        errors["modules"] = _("Unknown module.")
    elif set(modules) - allowed:
        errors["modules"] = _("Administrators do not allow this module for this kind of space.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        space = Space.objects.select_for_update().get(pk=space.pk)
        before = _space_snapshot(space)
        space.name = name
        space.description = (description or "").strip()
        if visibility == Visibility.OPEN:
            space.closed_reason = ""
        elif closing:
            space.closed_reason = closed_reason.strip()
        fields = ["name", "description", "visibility", "closed_reason", "modules"]
        if visibility == Visibility.SECRET and space.visibility != Visibility.SECRET:
            # Going secret leaves the plain address free (see secret_slug); members find the
            # space in their rail, and old links answer 404 like any secret space's.
            space.slug = _unique_slug(
                space.slug, space.slug, visibility=visibility, exclude=space.pk
            )
            fields.append("slug")
        space.visibility = visibility
        space.modules = modules
        space.save(update_fields=fields)
        after = _space_snapshot(space)
        changed = [key for key in after if after[key] != before[key]]
        if changed:
            audit.record(
                actor=actor,
                action="space.visibility_closed" if closing else "space.updated",
                target=space,
                before=before,
                after=after,
                reason=space.closed_reason if closing else "",
            )
            events.publish(
                ev.SpaceSettingsChanged(space_id=space.pk, actor_id=actor.pk, changed=changed)
            )
    return space


def set_space_image(*, actor, space: Space, upload) -> Space:
    """Store a re-encoded copy of an uploaded image (intranet.core.images validates it)."""
    import secrets

    from django.core.files.base import ContentFile

    _require(actor, Action.CHANGE_SETTINGS, space)
    data = images.reencode_upload(upload, field="image", box=(1200, 1200))
    with transaction.atomic():
        space = Space.objects.select_for_update().get(pk=space.pk)
        old = space.image.name if space.image else ""
        space.image.save(f"{space.slug}-{secrets.token_hex(4)}.webp", ContentFile(data), save=False)
        space.save(update_fields=["image"])
        audit.record(
            actor=actor,
            action="space.image_changed",
            target=space,
            before={"image": old},
            after={"image": space.image.name},
        )
        if old:
            storage = space.image.storage
            transaction.on_commit(lambda: storage.delete(old))
        events.publish(
            ev.SpaceSettingsChanged(space_id=space.pk, actor_id=actor.pk, changed=["image"])
        )
    return space


def set_space_matrix(*, actor, space: Space, matrix: dict[str, list[str]]) -> Space:
    """Owners narrow their space's matrix within the organisation's defaults. Nobody grants a
    right they do not hold, and the owner column is not theirs to change."""
    access = _require(actor, Action.CHANGE_SETTINGS, space)
    defaults = permissions.kind_matrix(space.kind)
    current = permissions.effective_matrix(space)
    cleaned: dict[str, list[str]] = {}
    for action, roles in matrix.items():
        if action not in Action.values:
            raise ValidationError({"matrix": _("Unknown action: %(a)s") % {"a": action}})
        unknown = set(roles) - set(SpaceRole.values)
        if unknown:
            raise ValidationError({"matrix": _("Unknown role: %(r)s") % {"r": sorted(unknown)[0]}})
        wanted = set(roles) - {SpaceRole.OWNER}
        if wanted - defaults[action]:
            raise ValidationError(
                {
                    "matrix": _(
                        "“%(action)s” goes beyond what administrators allow for this kind of space."
                    )
                    % {"action": Action(action).label}
                }
            )
        granted = wanted - current[action]
        if granted and not access.can(action):
            raise ValidationError(
                {
                    "matrix": _("You cannot grant “%(action)s”: you do not have it yourself.")
                    % {"action": Action(action).label}
                }
            )
        cleaned[action] = sorted(wanted | (defaults[action] & {SpaceRole.OWNER}))
    for action in Action.values:
        cleaned.setdefault(action, sorted(current[action]))
    with transaction.atomic():
        space = Space.objects.select_for_update().get(pk=space.pk)
        before = {a: sorted(r) for a, r in permissions.effective_matrix(space).items()}
        # Store only where the space differs from the defaults: later default changes apply.
        space.matrix = {a: r for a, r in cleaned.items() if set(r) != defaults[a]}
        space.save(update_fields=["matrix"])
        after = {a: sorted(r) for a, r in permissions.effective_matrix(space).items()}
        if after != before:
            audit.record(
                actor=actor,
                action="space.permissions_changed",
                target=space,
                before=before,
                after=after,
            )
            events.publish(ev.SpacePermissionsChanged(space_id=space.pk, actor_id=actor.pk))
    return space


# --- Membership --------------------------------------------------------------------------------


def _add_member(*, space: Space, user, role: str, actor) -> Membership:
    try:
        with transaction.atomic():
            membership = Membership.objects.create(space=space, user=user, role=role)
    except IntegrityError as error:
        raise ValidationError(_("%(name)s is already a member.") % {"name": user}) from error
    audit.record(
        actor=actor,
        action="membership.added",
        target=space,
        after={"user": user.email, "role": role},
    )
    events.publish(
        ev.MemberJoined(space_id=space.pk, user_id=user.pk, role=role, actor_id=actor.pk)
    )
    return membership


def join_space(*, user, space: Space) -> Membership:
    """Open spaces: any employee joins at once. Private: ask (request_membership)."""
    access = permissions.access_for(user, space)
    if not access.listed:
        raise PermissionDenied
    if access.is_member:
        raise ValidationError(_("You are already a member of this space."))
    if space.visibility != Visibility.OPEN or permissions.is_guest(user):
        raise ValidationError(_("This space is not open; ask to join instead."))
    with transaction.atomic():
        return _add_member(space=space, user=user, role=SpaceRole.MEMBER, actor=user)


def add_programme_member(*, actor, space: Space, user) -> Membership | None:
    """A programme of the organisation keeps its own space (the ambassadors': gamification),
    as a department keeps its people in its space: whoever the programme admits becomes a
    member. The app that runs the programme decides who may admit (its own predicate, checked
    before this is called); this adds the membership, audited with that person. Already a
    member: left as is (None)."""
    if not permissions.is_active(user) or permissions.is_guest(user):
        raise ValidationError(_("Only active colleagues (not guests) can be added."))
    if Membership.objects.filter(space=space, user=user).exists():
        return None
    with transaction.atomic():
        return _add_member(space=space, user=user, role=SpaceRole.MEMBER, actor=actor)


def _owner_count(space: Space) -> int:
    return Membership.objects.filter(space=space, role=SpaceRole.OWNER).count()


def leave_space(*, user, space: Space) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(space=space, user=user).first()
        if membership is None:
            raise ValidationError(_("You are not a member of this space."))
        if membership.role == SpaceRole.OWNER and _owner_count(space) == 1:
            raise ValidationError(
                _("You are the last owner. Make someone else owner before you leave.")
            )
        membership.delete()
        audit.record(
            actor=user,
            action="membership.left",
            target=space,
            before={"user": user.email, "role": membership.role},
        )
        events.publish(
            ev.MemberLeft(space_id=space.pk, user_id=user.pk, actor_id=user.pk, removed=False)
        )


def request_membership(*, user, space: Space, message: str = "") -> MembershipRequest:
    access = permissions.access_for(user, space)
    if not access.listed:
        raise PermissionDenied
    if access.is_member:
        raise ValidationError(_("You are already a member of this space."))
    if space.visibility == Visibility.OPEN and not permissions.is_guest(user):
        raise ValidationError(_("This space is open: join it directly."))
    return _open_request(
        space=space,
        user=user,
        actor=user,
        kind=MembershipRequest.Kind.REQUEST,
        message=message,
        duplicate=_("You already asked to join; the space's managers will answer."),
    )


def invite_to_space(*, actor, space: Space, invitee, message: str = "") -> MembershipRequest:
    _require(actor, Action.INVITE, space)
    if not permissions.is_active(invitee):
        raise ValidationError(_("This person has no active account."))
    if Membership.objects.filter(space=space, user=invitee).exists():
        raise ValidationError(_("%(name)s is already a member.") % {"name": invitee})
    ratelimit.guard(user=actor, action="invitation")
    return _open_request(
        space=space,
        user=invitee,
        actor=actor,
        kind=MembershipRequest.Kind.INVITATION,
        message=message,
        duplicate=_("%(name)s already has an open invitation or request for this space.")
        % {"name": invitee},
    )


def _open_request(*, space, user, actor, kind: str, message: str, duplicate: str):
    """One pending request or invitation per person and space (a partial unique index)."""
    try:
        with transaction.atomic():
            request = MembershipRequest.objects.create(
                space=space, user=user, kind=kind, message=message.strip()[:1000], created_by=actor
            )
            audit.record(
                actor=actor,
                action=f"membership.{kind}_opened",
                target=space,
                after={"user": user.email},
            )
            events.publish(
                ev.MembershipRequested(
                    request_id=request.pk,
                    space_id=space.pk,
                    user_id=user.pk,
                    kind=kind,
                    actor_id=actor.pk,
                )
            )
    except IntegrityError as error:
        raise ValidationError(duplicate) from error
    return request


def decide_request(*, actor, request_id: int, accept: bool) -> MembershipRequest:
    """A join request is decided by the space's managers; an invitation by the invitee."""
    with transaction.atomic():
        request = (
            MembershipRequest.objects.select_for_update()
            .select_related("space", "user")
            .filter(pk=request_id, status=MembershipRequest.Status.PENDING)
            .first()
        )
        if request is None:
            raise ValidationError(_("This request was already handled."))
        if request.kind == MembershipRequest.Kind.REQUEST:
            _require(actor, Action.MANAGE_MEMBERS, request.space)
        elif request.user_id != actor.pk:
            raise PermissionDenied
        request.status = (
            MembershipRequest.Status.ACCEPTED if accept else MembershipRequest.Status.DECLINED
        )
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        if (
            accept
            and not Membership.objects.filter(space=request.space, user=request.user).exists()
        ):
            _add_member(space=request.space, user=request.user, role=SpaceRole.MEMBER, actor=actor)
        audit.record(
            actor=actor,
            action=f"membership.{request.kind}_{request.status}",
            target=request.space,
            after={"user": request.user.email},
        )
        events.publish(
            ev.MembershipRequestDecided(
                request_id=request.pk,
                space_id=request.space_id,
                user_id=request.user_id,
                status=request.status,
                actor_id=actor.pk,
            )
        )
    return request


def _may_touch(access: permissions.SpaceAccess, actor, *, current: str | None, new: str | None):
    """Who may change whom: below owner nobody touches an owner or makes one, and nobody
    lifts someone above their own role."""
    if permissions.is_administrator(actor):
        return
    actor_rank = SPACE_ROLE_RANK.get(access.role, -1)
    for role in (current, new):
        if role == SpaceRole.OWNER and access.role != SpaceRole.OWNER:
            raise ValidationError(_("Only an owner can change an owner or appoint one."))
        if role is not None and SPACE_ROLE_RANK[role] > actor_rank:
            raise ValidationError(_("You cannot give a role above your own."))


def change_member_role(*, actor, space: Space, user, role: str) -> Membership:
    access = _require(actor, Action.MANAGE_MEMBERS, space)
    if role not in SpaceRole.values:
        raise ValidationError({"role": _("Choose owner, moderator, member or reader.")})
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(space=space, user=user).first()
        if membership is None:
            raise ValidationError(_("%(name)s is not a member.") % {"name": user})
        if membership.role == role:
            return membership
        _may_touch(access, actor, current=membership.role, new=role)
        if membership.role == SpaceRole.OWNER and _owner_count(space) == 1:
            raise ValidationError(_("A space needs at least one owner. Appoint another first."))
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(
            actor=actor,
            action="membership.role_changed",
            target=space,
            before={"user": user.email, "role": old},
            after={"user": user.email, "role": role},
        )
        events.publish(
            ev.MemberRoleChanged(
                space_id=space.pk, user_id=user.pk, actor_id=actor.pk, old_role=old, new_role=role
            )
        )
    return membership


def remove_member(*, actor, space: Space, user) -> None:
    access = _require(actor, Action.MANAGE_MEMBERS, space)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(space=space, user=user).first()
        if membership is None:
            raise ValidationError(_("%(name)s is not a member.") % {"name": user})
        _may_touch(access, actor, current=membership.role, new=None)
        if membership.role == SpaceRole.OWNER and _owner_count(space) == 1:
            raise ValidationError(_("A space needs at least one owner. Appoint another first."))
        membership.delete()
        audit.record(
            actor=actor,
            action="membership.removed",
            target=space,
            before={"user": user.email, "role": membership.role},
        )
        events.publish(
            ev.MemberLeft(space_id=space.pk, user_id=user.pk, actor_id=actor.pk, removed=True)
        )


# --- Organisation ------------------------------------------------------------------------------


def change_org_role(*, actor, user, role: str):
    _require_admin(actor)
    if role not in OrgRole.values:
        raise ValidationError({"role": _("This role does not exist.")})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        old = user.org_role
        if old == role:
            return user
        if (
            old == OrgRole.ADMINISTRATOR
            and not User.objects.filter(org_role=OrgRole.ADMINISTRATOR, is_active=True)
            .exclude(pk=user.pk)
            .exists()
        ):
            raise ValidationError({"role": _("Plein needs at least one administrator.")})
        user.org_role = role
        # Django's admin site follows the organisation role.
        user.is_staff = role == OrgRole.ADMINISTRATOR or user.is_superuser
        user.save(update_fields=["org_role", "is_staff"])
        audit.record(
            actor=actor,
            action="org_role.changed",
            target=user,
            before={"role": old},
            after={"role": role},
        )
        events.publish(
            ev.OrgRoleChanged(user_id=user.pk, actor_id=actor.pk, old_role=old, new_role=role)
        )
    return user


def set_kind_defaults(
    *, actor, kind: str, matrix: dict[str, list[str]], allowed_modules: list[str]
) -> KindPolicy:
    _require_admin(actor)
    if kind not in SpaceKind.values:
        raise ValidationError({"kind": _("This kind of space does not exist.")})
    cleaned = {}
    for action in Action.values:
        roles = set(matrix.get(action, []))
        if roles - set(SpaceRole.values):
            raise ValidationError({"matrix": _("This role does not exist.")})
        cleaned[action] = sorted(roles)
    if set(allowed_modules) - set(Module.values):
        raise ValidationError({"allowed_modules": _("Unknown module.")})
    with transaction.atomic():
        policy, _created = KindPolicy.objects.select_for_update().get_or_create(kind=kind)
        before = {
            "matrix": {a: sorted(r) for a, r in permissions.kind_matrix(kind).items()},
            "allowed_modules": permissions.allowed_modules(kind),
        }
        policy.matrix = cleaned
        policy.allowed_modules = [m for m in Module.values if m in allowed_modules]
        policy.save(update_fields=["matrix", "allowed_modules", "updated_at"])
        after = {"matrix": cleaned, "allowed_modules": policy.allowed_modules}
        audit.record(
            actor=actor, action="defaults.changed", target=policy, before=before, after=after
        )
        # Forgotten before the event is delivered: its handlers tell open sockets to reload,
        # and they must read the new defaults.
        transaction.on_commit(permissions.forget_policies)
        events.publish(ev.KindDefaultsChanged(kind=kind, actor_id=actor.pk))
    # Twice on purpose: now, so the rest of this transaction reads its own change, and on
    # commit, so an outer transaction's rollback cannot leave its values cached for others.
    permissions.forget_policies()
    return policy


def save_department(
    *,
    actor,
    name: str,
    parent: Department | None = None,
    manager=None,
    department: Department | None = None,
    color: str | None = None,
) -> Department:
    """Create or edit a department. Every department has its own open space."""
    if actor is not None:
        _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the department a name.")})
    if department is not None and parent is not None:
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == department.pk:
                raise ValidationError({"parent": _("A department cannot sit under itself.")})
            ancestor = ancestor.parent
    with transaction.atomic():
        created = department is None
        if created:
            slug = slugify(name)[:120]
            if Department.objects.filter(slug=slug).exists():
                raise ValidationError({"name": _("A department with this name already exists.")})
            department = Department(slug=slug)
            before = None
        else:
            department = Department.objects.select_for_update().get(pk=department.pk)
            before = {
                "name": department.name,
                "parent": department.parent_id,
                "manager": department.manager_id,
            }
        department.name = name
        department.parent = parent
        department.manager = manager
        if color:
            department.color = color
        department.save()
        space = Space.objects.filter(department=department).first()
        if space is None:
            space_slug = department.slug
            if Space.objects.filter(slug=space_slug).exists():
                space_slug = f"afdeling-{department.slug}"
            space = Space.objects.create(
                kind=SpaceKind.DEPARTMENT,
                name=name,
                slug=space_slug,
                department=department,
                modules=permissions.allowed_modules(SpaceKind.DEPARTMENT),
                created_by=actor,
            )
            events.publish(ev.SpaceCreated(space_id=space.pk, actor_id=getattr(actor, "pk", None)))
        elif space.name != name:
            space.name = name
            space.save(update_fields=["name"])
        if manager is not None:
            Membership.objects.update_or_create(
                space=space, user=manager, defaults={"role": SpaceRole.OWNER}
            )
        after = {"name": name, "parent": department.parent_id, "manager": department.manager_id}
        audit.record(
            actor=actor,
            action="department.created" if created else "department.updated",
            target=department,
            before=before,
            after=after,
        )
        events.publish(
            ev.DepartmentChanged(
                department_id=department.pk, actor_id=getattr(actor, "pk", None), created=created
            )
        )
    return department


def set_department_of(*, actor, user, department: Department | None):
    """Users belong to one department and are members of its space. Moving someone takes them
    out of the old department's space unless they hold a role there beyond member."""
    if actor is not None:
        _require_admin(actor)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        old = user.department_id
        if old == getattr(department, "pk", None):
            return user
        user.department = department
        user.save(update_fields=["department"])
        if old is not None:
            Membership.objects.filter(
                space__department_id=old, user=user, role__in=[SpaceRole.MEMBER, SpaceRole.READER]
            ).delete()
        if department is not None:
            space = Space.objects.filter(department=department).first()
            if space is not None:
                Membership.objects.get_or_create(
                    space=space, user=user, defaults={"role": SpaceRole.MEMBER}
                )
        audit.record(
            actor=actor,
            action="user.department_changed",
            target=user,
            before={"department": old},
            after={"department": getattr(department, "pk", None)},
        )
        # Their department's items and space change: feeds and sockets must follow.
        events.publish(
            ev.PersonMovedDepartment(
                user_id=user.pk,
                department_id=getattr(department, "pk", None),
                previous_department_id=old,
                actor_id=getattr(actor, "pk", None),
            )
        )
    return user


def set_account_active(*, actor, user, active: bool):
    """Deactivate (or reactivate) an account. Its sessions stop at the next request (Django
    refuses inactive users); its open sockets close through the event's handler."""
    if actor is not None:
        _require_admin(actor)
        if actor.pk == user.pk and not active:
            raise ValidationError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == active:
            return user
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="user.activated" if active else "user.deactivated",
            target=user,
            before={"active": not active},
            after={"active": active},
        )
        events.publish(
            ev.AccountActiveChanged(
                user_id=user.pk, active=active, actor_id=getattr(actor, "pk", None)
            )
        )
    return user


def update_person(*, actor, user, role: str, department: Department | None):
    """One row of the people page: role and department together, or neither."""
    with transaction.atomic():
        change_org_role(actor=actor, user=user, role=role)
        return set_department_of(actor=actor, user=user, department=department)


def organisation() -> Organisation:
    org, _created = Organisation.objects.get_or_create(pk=1)
    return org


def set_pilot(*, actor, enabled: bool, departments: list[Department]) -> Organisation:
    _require_admin(actor)
    if enabled and not departments:
        raise ValidationError({"departments": _("Choose at least one pilot department.")})
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation().pk)
        before = {
            "enabled": org.pilot_enabled,
            "departments": sorted(org.pilot_departments.values_list("pk", flat=True)),
        }
        org.pilot_enabled = enabled
        org.save(update_fields=["pilot_enabled"])
        org.pilot_departments.set(departments)
        after = {"enabled": enabled, "departments": sorted(d.pk for d in departments)}
        audit.record(actor=actor, action="pilot.changed", target=org, before=before, after=after)
        transaction.on_commit(forget_pilot)  # before the event: sockets reload on it
        events.publish(
            ev.PilotChanged(enabled=enabled, department_ids=after["departments"], actor_id=actor.pk)
        )
    forget_pilot()  # now and on commit, as with the permission policies above
    return org


_local_pilot: tuple[float, tuple] | None = None


def forget_local_copies() -> None:
    """Drop this process's short-lived copies of the pilot and the permission defaults (not
    Redis's): an open socket told that access changed must not decide on a stale copy."""
    global _local_pilot
    _local_pilot = None
    permissions.forget_local_policies()


def forget_pilot() -> None:
    global _local_pilot
    _local_pilot = None
    cache.delete(PILOT_CACHE_KEY)


def admitted(user) -> bool:
    """May this signed-in person use Plein now: active, and in the pilot while one runs
    (administrators always). Requests and open sockets both ask this."""
    if not permissions.is_active(user):
        return False
    if permissions.is_administrator(user):
        return True
    enabled, departments = pilot_state()
    return not enabled or user.department_id in departments


def pilot_state() -> tuple[bool, frozenset[int]]:
    """Asked on every request: kept in Redis and, for LOCAL_POLICY_SECONDS, in memory."""
    state = _organisation_state()
    return state[0], frozenset(state[1])


def _organisation_state() -> tuple:
    """(pilot on, pilot department ids, MFA required for everyone): the organisation's
    settings every request asks about, read in one query and cached like the pilot."""
    global _local_pilot
    now = time.monotonic()
    if _local_pilot is not None and now - _local_pilot[0] < permissions.LOCAL_POLICY_SECONDS:
        return _local_pilot[1]
    state = cache.get(PILOT_CACHE_KEY)
    if state is None:
        org = Organisation.objects.filter(pk=1).first()
        enabled = bool(org and org.pilot_enabled)
        ids = list(org.pilot_departments.values_list("pk", flat=True)) if enabled else []
        state = (enabled, ids, bool(org and org.mfa_required_for_everyone))
        cache.set(PILOT_CACHE_KEY, state, timeout=3600)
    _local_pilot = (now, state)
    return state


# --- Two-step verification (MFA) -----------------------------------------------------------


def mfa_required_for_everyone() -> bool:
    return bool(_organisation_state()[2])


def must_enrol_mfa(user, *, admin_area: bool) -> bool:
    """Does this signed-in person have to set up two-step verification before the page opens?
    Administrators (and superusers) before any administration page (governance, Django admin,
    insights, digest administration); everyone before any page when the organisation asks it
    of every role. Enrolled means an authenticator other than recovery codes (allauth.mfa)."""
    from allauth.mfa.utils import is_mfa_enabled

    if not permissions.is_active(user):
        return False
    wanted = (admin_area and permissions.is_administrator(user)) or mfa_required_for_everyone()
    return wanted and not is_mfa_enabled(user)


def set_mfa_for_everyone(*, actor, required: bool) -> Organisation:
    """The organisation setting "two-step verification for every role", audited."""
    _require_admin(actor)
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation().pk)
        before = {"mfa_required_for_everyone": org.mfa_required_for_everyone}
        org.mfa_required_for_everyone = required
        org.save(update_fields=["mfa_required_for_everyone"])
        audit.record(
            actor=actor, action="mfa.policy_changed", target=org, before=before,
            after={"mfa_required_for_everyone": required},
        )  # fmt: skip
        transaction.on_commit(forget_pilot)  # before the event: sockets reload on it
        events.publish(ev.MfaPolicyChanged(required=required, actor_id=actor.pk))
    forget_pilot()
    return org


MFA_AUDIT_ACTIONS = {
    "added": "mfa.activated",
    "removed": "mfa.deactivated",
    "reset": "mfa.recovery_codes_regenerated",
}


def record_mfa_change(*, actor, user, change: str, kind: str) -> None:
    """Someone's second step was set up, removed or renewed (allauth.mfa's signals, through
    governance.handlers): written to the audit log with its kind (totp, recovery_codes)."""
    person = User.objects.get(pk=user.pk)  # the signal may carry request.user, a lazy object
    audit.record(
        actor=actor if getattr(actor, "is_authenticated", False) else person,
        action=MFA_AUDIT_ACTIONS[change],
        target=person,
        after={"type": kind},
    )
