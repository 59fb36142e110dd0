"""Writes about people. One function per action: it checks permission, validates, writes in one
transaction and sends what must go out only after commit."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intranet import events
from intranet.core import images, ratelimit
from intranet.governance import audit, permissions
from profiles import events as ev
from profiles import expertise
from profiles.models import (
    Endorsement,
    Evidence,
    FieldVisibility,
    Invitation,
    MentoringOffer,
    MentoringPair,
    MentoringRole,
    Skill,
)

User = get_user_model()


def set_language_preference(*, user: User, language: str) -> User:
    """Save the language the user chose; an empty value means "follow the browser"."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose Dutch or English.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def invite_user(*, invited_by: User, email: str, language: str | None = None) -> Invitation:
    """Invite one email address to sign up; resending refreshes the link's validity."""
    if not invited_by.has_perm("profiles.invite_user"):
        raise PermissionDenied
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Enter a valid email address.")}) from error
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Someone with this email address already has an account.")}
        )
    ratelimit.guard(user=invited_by, action="invitation")
    expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(email__iexact=email, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            invitation = Invitation.objects.create(
                email=email, invited_by=invited_by, expires_at=expires_at
            )
        else:
            invitation.invited_by = invited_by
            invitation.expires_at = expires_at
            invitation.save(update_fields=["invited_by", "expires_at"])
        invitation_id = invitation.pk
        transaction.on_commit(
            lambda: send_invitation_email(
                invitation_id=invitation_id, language=language or translation.get_language()
            )
        )
    return invitation


def send_invitation_email(*, invitation_id: int, language: str) -> None:
    invitation = Invitation.objects.select_related("invited_by").get(pk=invitation_id)
    link = settings.SITE_URL + reverse("invitation_accept", args=[invitation.token])
    with translation.override(language):
        context = {
            "invitation": invitation,
            "link": link,
            "inviter": invitation.invited_by.display_name,
        }
        subject = _("%(name)s invites you to Plein") % {"name": context["inviter"]}
        body = render_to_string("profiles/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def accept_invitation(*, invitation: Invitation, user: User) -> None:
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            return
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])


# --- Profiles (issue 5) --------------------------------------------------------------------------

PROFILE_LIMITS = {
    "first_name": 150,
    "last_name": 150,
    "job_title": 120,
    "location": 120,
    "phone": 40,
    "working_hours": 200,
}
BIO_LIMIT = 2000
SKILL_LIMIT = 60
MAX_SKILLS = 30
MAX_LANGUAGES = 10
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,40}$")


def _require_profile_editor(actor, person) -> None:
    if not actor.has_perm("profiles.change_profile", person):
        raise PermissionDenied


def clean_skill_names(names, *, field: str = "skills") -> list[str]:
    """Trimmed, de-duplicated (case-insensitively) skill names; refuses what cannot be a tag."""
    if isinstance(names, str):
        names = names.split(",")
    elif not isinstance(names, (list, tuple)) and names is not None:
        raise ValidationError({field: _("Give a list, or names separated by commas.")})
    cleaned: dict[str, str] = {}
    for raw in names or []:
        name = " ".join(str(raw).split())
        if not name:
            continue
        if len(name) > SKILL_LIMIT:
            raise ValidationError(
                {field: _("A skill is at most %(limit)d characters.") % {"limit": SKILL_LIMIT}}
            )
        if not slugify(name):
            raise ValidationError({field: _("“%(name)s” is not a usable skill.") % {"name": name}})
        cleaned.setdefault(slugify(name), name)
    if len(cleaned) > MAX_SKILLS:
        raise ValidationError({field: _("List at most %(limit)d skills.") % {"limit": MAX_SKILLS}})
    return list(cleaned.values())


def skills_named(names: list[str]) -> list[Skill]:
    """The Skill rows for these names, creating the new ones (matched by slug)."""
    skills = []
    for name in names:
        skill, _created = Skill.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        skills.append(skill)
    return skills


def _clean_profile(*, person, data: dict) -> dict:
    errors: dict[str, str] = {}
    values: dict = {}
    for field, limit in PROFILE_LIMITS.items():
        if field not in data:
            continue
        value = " ".join(str(data[field] or "").split())
        if len(value) > limit:
            errors[field] = _("At most %(limit)d characters.") % {"limit": limit}
        values[field] = value
    for field in ("first_name", "last_name"):
        if field in values and not values[field]:
            errors[field] = _("Fill in your name.")
    if values.get("phone") and not PHONE.match(values["phone"]):
        errors["phone"] = _("Use digits, spaces and an optional leading +.")
    if "bio" in data:
        bio = str(data["bio"] or "").strip()
        if len(bio) > BIO_LIMIT:
            errors["bio"] = _("At most %(limit)d characters.") % {"limit": BIO_LIMIT}
        values["bio"] = bio
    if "languages" in data:
        languages = data["languages"]
        if isinstance(languages, str):
            languages = languages.split(",")
        elif not isinstance(languages, (list, tuple)) and languages is not None:
            errors["languages"] = _("Give a list, or names separated by commas.")
            languages = []
        languages = [" ".join(str(x).split()) for x in languages or [] if str(x).strip()]
        if len(languages) > MAX_LANGUAGES or any(len(x) > 40 for x in languages):
            errors["languages"] = _("List at most 10 languages of up to 40 characters.")
        values["languages"] = list(dict.fromkeys(languages))
    for field in ("phone_visibility", "location_visibility"):
        if field in data:
            if data[field] not in FieldVisibility.values:
                errors[field] = _("Choose who may see this.")
            values[field] = data[field]
    if "manager" in data:
        manager_id = data["manager"] or None
        manager = None
        if manager_id is not None:
            manager = User.objects.filter(pk=manager_id, is_active=True).first()
            if manager is None:
                errors["manager"] = _("Choose an active colleague.")
            elif _manages(person=person, manager=manager):
                errors["manager"] = _("Someone cannot report to themselves or to their reports.")
        values["manager"] = manager
    for field in ("skills", "ask_me_about"):
        if field in data:
            try:
                values[field] = clean_skill_names(data[field], field=field)
            except ValidationError as error:
                errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return values


def validate_profile(*, person, data: dict) -> None:
    """Check values as the edit page is filled in (htmx), without saving anything."""
    _clean_profile(person=person, data=data)


def _manages(*, person, manager) -> bool:
    """True if `manager` is `person` or reports to them (directly or further down)."""
    seen = set()
    current = manager
    while current is not None and current.pk not in seen:
        if current.pk == person.pk:
            return True
        seen.add(current.pk)
        current = User.objects.filter(pk=current.manager_id).first() if current.manager_id else None
    return False


def update_profile(*, actor, person, data: dict):
    """Edit a profile: the person themselves or an administrator. Only the fields present in
    `data` change; all are validated before anything is written. Only an administrator may
    send `manager` (see set_manager)."""
    from intranet.activity import text

    _require_profile_editor(actor, person)
    if "manager" in data and not permissions.is_administrator(actor):
        # Reporting lines come from the organisation: they open leadership views (insights).
        raise PermissionDenied
    values = _clean_profile(person=person, data=data)
    manager = values.pop("manager", _UNCHANGED)
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        changed, before = [], {}
        for field, value in values.items():
            if field in ("skills", "ask_me_about"):
                current = list(getattr(person, field).values_list("name", flat=True))
                if sorted(current) != sorted(value):
                    before[field] = current
                    getattr(person, field).set(skills_named(value))
                    changed.append(field)
                continue
            if getattr(person, field) != value:
                before[field] = getattr(person, field)
                setattr(person, field, value)
                changed.append(field)
        if "bio" in changed:
            person.bio_html = text.render(person.bio) if person.bio else ""
            changed.append("bio_html")
        fields = [f for f in changed if f not in ("skills", "ask_me_about")]
        if fields:
            person.save(update_fields=fields)
        if "skills" in changed:
            _refresh_stated_evidence(person=person)
        if changed:
            audit.record(
                actor=actor,
                action="profile.updated",
                target=person,
                before={k: _plain(v) for k, v in before.items() if k != "bio_html"},
                after={k: _plain(values[k]) for k in changed if k in values},
            )
        wrote = manager is not _UNCHANGED and _write_manager(
            actor=actor, person=person, manager=manager
        )
        if wrote:
            changed.append("manager")
        if changed:
            events.publish(
                ev.ProfileUpdated(
                    user_id=person.pk,
                    actor_id=actor.pk,
                    changed=[f for f in changed if f != "bio_html"],
                )
            )
    return person


_UNCHANGED = object()


def set_manager(*, actor, person, manager):
    """Set who `person` reports to (None: nobody). Reporting lines come from the organisation:
    an administrator sets them, or the directory sync (no actor); never the person. Audited as
    its own action, which is what makes the line open leadership views such as insights
    (governance.permissions.manages_someone)."""
    if actor is not None and not permissions.is_administrator(actor):
        raise PermissionDenied
    values = _clean_profile(person=person, data={"manager": getattr(manager, "pk", manager)})
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if _write_manager(actor=actor, person=person, manager=values["manager"]):
            events.publish(
                ev.ProfileUpdated(
                    user_id=person.pk, actor_id=getattr(actor, "pk", None), changed=["manager"]
                )
            )
    return person


def _write_manager(*, actor, person, manager) -> bool:
    """Write and audit a reporting line on a locked row; False if it did not change."""
    before, after = person.manager_id, getattr(manager, "pk", None)
    if before == after:
        return False
    person.manager = manager
    person.save(update_fields=["manager"])
    audit.record(
        actor=actor,
        action=permissions.REPORTING_LINE_SET,
        target=person,
        before={"manager": before},
        after={"manager": after},
    )
    return True


def _plain(value):
    return getattr(value, "pk", value)


def set_photo(*, actor, person, upload):
    """A square portrait, validated by decoding and re-encoded (drops EXIF and GPS)."""
    import secrets

    from django.core.files.base import ContentFile

    _require_profile_editor(actor, person)
    data = images.reencode_upload(upload, field="photo", box=(400, 400), square=True)
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        old = person.photo.name if person.photo else ""
        person.photo.save(f"{secrets.token_hex(8)}.webp", ContentFile(data), save=False)
        person.save(update_fields=["photo"])
        audit.record(actor=actor, action="profile.photo_changed", target=person)
        if old:
            storage = person.photo.storage
            transaction.on_commit(lambda: storage.delete(old))
        events.publish(ev.ProfileUpdated(user_id=person.pk, actor_id=actor.pk, changed=["photo"]))
    return person


def remove_photo(*, actor, person):
    _require_profile_editor(actor, person)
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if not person.photo:
            return person
        old, storage = person.photo.name, person.photo.storage
        person.photo = ""
        person.save(update_fields=["photo"])
        audit.record(actor=actor, action="profile.photo_removed", target=person)
        transaction.on_commit(lambda: storage.delete(old))
        events.publish(ev.ProfileUpdated(user_id=person.pk, actor_id=actor.pk, changed=["photo"]))
    return person


# --- Expertise evidence --------------------------------------------------------------------------


def record_evidence(
    *,
    person_id: int,
    topic: str,
    source: str,
    delta: int = 1,
    at=None,
    example: dict | None = None,
    space_id: int | None = None,
) -> None:
    """Add (or, with a negative delta, take back) evidence for one person on one topic (made
    from content in `space_id`, for a provider with a module). Providers call this from their
    event handlers; a row that reaches zero goes."""
    topic = slugify(topic)[:60]
    provider = expertise.providers().get(source)
    if not topic or provider is None:
        raise ValueError(f"unknown evidence source {source!r} or empty topic")
    if (provider.module is not None) != (space_id is not None):
        raise ValueError(f"evidence from {source!r} carries the space it came from, only it")
    at = at or timezone.now()
    with transaction.atomic():
        row, _created = Evidence.objects.select_for_update().get_or_create(
            person_id=person_id,
            topic=topic,
            source=source,
            space_id=space_id,
            defaults={"last_at": at},
        )
        row.count = max(0, row.count + delta)
        if row.count == 0:
            row.delete()
            return
        if delta > 0:
            row.last_at = max(row.last_at, at)
            if example:
                row.examples = [example, *[e for e in row.examples if e != example]][:3]
        row.save(update_fields=["count", "last_at", "examples"])


def rebuild_evidence(*, source: str | None = None) -> int:
    """Recompute every row of one source (or of all) from the provider's own data."""
    written = 0
    for provider in expertise.providers().values():
        if provider.rebuild is None or (source is not None and provider.source != source):
            continue
        with transaction.atomic():
            Evidence.objects.filter(source=provider.source).delete()
            batch = [
                Evidence(
                    person_id=row.person_id,
                    topic=row.topic,
                    source=provider.source,
                    count=row.count,
                    last_at=row.last_at,
                    examples=row.examples,
                    space_id=row.space_id,
                )
                for row in provider.rebuild()
            ]
            Evidence.objects.bulk_create(batch, batch_size=2000)
            written += len(batch)
    return written


# Advisory lock namespace: one refresh of a person's evidence at a time (delete, then insert).
_EVIDENCE_LOCK = 0x45564944  # "EVID"


def refresh_evidence(*, source: str, person_ids) -> int:
    """Recompute the rows of one source for a few people from the provider's own data: what
    follows when their content is accepted, hidden, restored, moved, re-tagged or deleted, so
    evidence never outlives (or leaves) the content it was made from. Returns rows written."""
    provider = expertise.providers().get(source)
    if provider is None or provider.refresh is None:
        raise ValueError(f"evidence source {source!r} cannot be refreshed")
    ids = sorted({int(pk) for pk in person_ids if pk is not None})
    wanted = set(ids)
    if not ids:
        return 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Sorted: two refreshes of overlapping people wait for each other, never deadlock.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, person) FROM unnest(%s::int[]) AS person",
                [_EVIDENCE_LOCK, ids],
            )
        Evidence.objects.filter(source=source, person_id__in=ids).delete()
        rows = [
            Evidence(
                person_id=row.person_id,
                topic=row.topic,
                source=source,
                count=row.count,
                last_at=row.last_at,
                examples=row.examples,
                space_id=row.space_id,
            )
            for row in provider.refresh(ids)
            if row.count > 0 and row.person_id in wanted
        ]
        Evidence.objects.bulk_create(rows)
    return len(rows)


def _refresh_stated_evidence(*, person) -> None:
    slugs = set(person.skills.values_list("slug", flat=True))
    Evidence.objects.filter(person=person, source="skill").exclude(topic__in=slugs).delete()
    existing = set(
        Evidence.objects.filter(person=person, source="skill").values_list("topic", flat=True)
    )
    Evidence.objects.bulk_create(
        Evidence(person=person, topic=slug, source="skill", count=1, last_at=timezone.now())
        for slug in slugs - existing
    )


# --- Endorsements --------------------------------------------------------------------------------


def endorse(*, endorser, person, skill_slug: str) -> Endorsement:
    from intranet.governance import permissions

    if endorser.pk == person.pk:
        raise ValidationError({"skill": _("You cannot endorse yourself.")})
    if permissions.is_guest(endorser) or not permissions.is_active(person):
        raise PermissionDenied
    skill = person.skills.filter(slug=skill_slug).first()
    if skill is None:
        raise ValidationError({"skill": _("Endorse a skill this person lists.")})
    ratelimit.guard(user=endorser, action="endorsement")
    with transaction.atomic():
        endorsement, created = Endorsement.objects.get_or_create(
            endorser=endorser, person=person, skill=skill
        )
        if not created:
            raise ValidationError({"skill": _("You already endorsed this skill.")})
        record_evidence(person_id=person.pk, topic=skill.slug, source="endorsement")
        events.publish(
            ev.SkillEndorsed(endorser_id=endorser.pk, person_id=person.pk, skill=skill.name)
        )
    return endorsement


def withdraw_endorsement(*, endorser, person, skill_slug: str) -> bool:
    with transaction.atomic():
        deleted, _rows = Endorsement.objects.filter(
            endorser=endorser, person=person, skill__slug=skill_slug
        ).delete()
        if deleted:
            record_evidence(person_id=person.pk, topic=skill_slug, source="endorsement", delta=-1)
    return bool(deleted)


# --- Mentoring -----------------------------------------------------------------------------------


def offer_mentoring(*, person, skill: str, role: str, reverse: bool = False, note: str = ""):
    from intranet.governance import permissions

    if permissions.is_guest(person):
        raise PermissionDenied
    errors = {}
    if role not in MentoringRole.values:
        errors["role"] = _("Choose whether you offer or seek mentoring.")
    try:
        names = clean_skill_names([skill], field="skill")
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
        names = []
    if not names and "skill" not in errors:
        errors["skill"] = _("Name the skill.")
    note = " ".join((note or "").split())
    if len(note) > 300:
        errors["note"] = _("At most %(limit)d characters.") % {"limit": 300}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        (skill_row,) = skills_named(names)
        offer, created = MentoringOffer.objects.get_or_create(
            person=person,
            skill=skill_row,
            role=role,
            defaults={"reverse": reverse and role == MentoringRole.MENTOR, "note": note},
        )
        if not created:
            raise ValidationError({"skill": _("You already listed this.")})
    return offer


def withdraw_offer(*, person, offer_id: int) -> None:
    deleted, _rows = MentoringOffer.objects.filter(pk=offer_id, person=person).delete()
    if not deleted:
        raise MentoringOffer.DoesNotExist


def propose_mentoring(*, actor, offer_id: int, counterpart_offer_id: int) -> MentoringPair:
    """From one of my offers to a matching one of someone else's (mentor meets mentee on the
    same skill). The other person accepts or declines."""
    mine = MentoringOffer.objects.filter(pk=offer_id, person=actor).select_related("skill").first()
    theirs = (
        MentoringOffer.objects.filter(pk=counterpart_offer_id, person__is_active=True)
        .select_related("skill", "person")
        .first()
    )
    if mine is None or theirs is None:
        raise MentoringOffer.DoesNotExist
    if theirs.person_id == actor.pk or theirs.skill_id != mine.skill_id or theirs.role == mine.role:
        raise ValidationError({"offer": _("These two do not match.")})
    mentor_offer, mentee_offer = (
        (mine, theirs) if mine.role == MentoringRole.MENTOR else (theirs, mine)
    )
    with transaction.atomic():
        if MentoringPair.objects.filter(
            mentor_id=mentor_offer.person_id,
            mentee_id=mentee_offer.person_id,
            skill=mine.skill,
            status__in=[MentoringPair.Status.PROPOSED, MentoringPair.Status.ACTIVE],
        ).exists():
            raise ValidationError({"offer": _("You two already have this mentorship.")})
        pair = MentoringPair.objects.create(
            mentor_id=mentor_offer.person_id,
            mentee_id=mentee_offer.person_id,
            skill=mine.skill,
            reverse=mentor_offer.reverse,
            proposed_by=actor,
        )
        events.publish(
            ev.MentoringProposed(
                pair_id=pair.pk,
                proposed_by_id=actor.pk,
                recipient_id=theirs.person_id,
                skill=mine.skill.name,
            )
        )
    return pair


def decide_mentoring(*, actor, pair_id: int, accept: bool) -> MentoringPair:
    """Only the person who was asked answers; a proposal is answered once."""
    with transaction.atomic():
        pair = _locked_pair_of(actor=actor, pair_id=pair_id)
        if pair.proposed_by_id == actor.pk:
            raise PermissionDenied
        if pair.status != MentoringPair.Status.PROPOSED:
            raise ValidationError({"pair": _("This proposal has already been answered.")})
        pair.status = MentoringPair.Status.ACTIVE if accept else MentoringPair.Status.DECLINED
        pair.decided_at = timezone.now()
        pair.save(update_fields=["status", "decided_at"])
        events.publish(
            ev.MentoringDecided(
                pair_id=pair.pk,
                actor_id=actor.pk,
                proposed_by_id=pair.proposed_by_id,
                skill=pair.skill.name,
                accepted=accept,
            )
        )
    return pair


def end_mentoring(*, actor, pair_id: int) -> MentoringPair:
    with transaction.atomic():
        pair = _locked_pair_of(actor=actor, pair_id=pair_id, status=MentoringPair.Status.ACTIVE)
        pair.status = MentoringPair.Status.ENDED
        pair.decided_at = timezone.now()
        pair.save(update_fields=["status", "decided_at"])
    return pair


def _locked_pair_of(*, actor, pair_id: int, **filters) -> MentoringPair:
    """A pair the actor is part of, locked for the change; anyone else's does not exist."""
    pair = (
        MentoringPair.objects.select_for_update()
        .filter(Q(mentor=actor) | Q(mentee=actor), pk=pair_id, **filters)
        .select_related("skill")
        .first()
    )
    if pair is None:
        raise MentoringPair.DoesNotExist
    return pair
