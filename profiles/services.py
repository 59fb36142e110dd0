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
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intranet import events
from intranet.core import images, ratelimit
from intranet.governance import audit, permissions
from profiles import events as ev
from profiles import expertise, rules
from profiles.models import (
    CohortEvaluation,
    Endorsement,
    Evidence,
    FieldVisibility,
    Invitation,
    MentoringCohort,
    MentoringOffer,
    MentoringPair,
    MentoringRole,
    MentoringSession,
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
        if pair.cohort_id is not None:
            return _decide_cohort_pair(actor=actor, pair=pair, accept=accept)
        if pair.proposed_by_id == actor.pk:
            raise PermissionDenied
        if pair.status != MentoringPair.Status.PROPOSED:
            raise ValidationError({"pair": _("This proposal has already been answered.")})
        pair.status = MentoringPair.Status.ACTIVE if accept else MentoringPair.Status.DECLINED
        pair.decided_at = timezone.now()
        pair.save(update_fields=["status", "decided_at"])
        _publish_decided(pair=pair, actor=actor, accept=accept)
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


# --- Reverse-mentoring cohorts (issue 22) ------------------------------------------------------

COHORT_NAME_LIMIT = 120
COHORT_GOALS_LIMIT = 4000
COHORT_THEMES = 10
SESSION_NOTES_LIMIT = 2000
LEARNED_LIMIT = 2000
# Pairs one post may add: the suggestions a page shows and a few typed in.
PAIRS_PER_POST = 60


def create_cohort(
    *,
    actor,
    name: str,
    goals: str,
    starts_on,
    ends_on,
    department_id: int | None = None,
    themes=None,
) -> MentoringCohort:
    """A reverse-mentoring cohort organised by `actor` (rules.organising_scope): HR for anyone,
    a leader for their own unit. Every field is checked before anything is written."""
    from intranet.governance.models import Department

    scope = rules.organising_scope(actor)
    if not scope:
        raise PermissionDenied
    errors: dict[str, str] = {}
    name = " ".join(str(name or "").split())
    if not name or len(name) > COHORT_NAME_LIMIT:
        errors["name"] = _("Give the cohort a name of at most %(limit)d characters.") % {
            "limit": COHORT_NAME_LIMIT
        }
    goals = str(goals or "").strip()
    if not goals:
        errors["goals"] = _("Say what the cohort is for: its goals.")
    elif len(goals) > COHORT_GOALS_LIMIT:
        errors["goals"] = _("At most %(limit)d characters.") % {"limit": COHORT_GOALS_LIMIT}
    if not starts_on:
        errors["starts_on"] = _("Give the first day of the cohort.")
    if not ends_on:
        errors["ends_on"] = _("Give the last day of the cohort.")
    elif starts_on and ends_on < starts_on:
        errors["ends_on"] = _("The cohort cannot end before it starts.")
    elif ends_on < timezone.localdate():
        errors["ends_on"] = _("That period is already over: choose an end date from today on.")
    if department_id is not None and not Department.objects.filter(pk=department_id).exists():
        errors["department"] = _("Choose a department from the list.")
    elif not scope.allows(department_id):
        errors["department"] = (
            _("Choose your own department or one below it.")
            if department_id is not None
            else _("Choose your department: a leader's cohort is for their own unit.")
        )
    slugs: list[str] = []
    try:
        slugs = [slugify(n) for n in clean_skill_names(themes or [], field="themes")]
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if len(slugs) > COHORT_THEMES:
        errors["themes"] = _("Name at most %(limit)d themes.") % {"limit": COHORT_THEMES}
    if errors:
        raise ValidationError(errors)
    begun = starts_on <= timezone.localdate()
    with transaction.atomic():
        cohort = MentoringCohort.objects.create(
            name=name,
            goals=goals,
            themes=slugs,
            starts_on=starts_on,
            ends_on=ends_on,
            organiser=actor,
            department_id=department_id,
            status=MentoringCohort.Status.RUNNING if begun else MentoringCohort.Status.PLANNED,
        )
    return cohort


def _person_ref(value) -> tuple[int | None, str]:
    """A person as a row names them: an id (a suggestion) or an e-mail address (typed)."""
    text = " ".join(str(value or "").split())[:254]
    if text.isdecimal() and len(text) < 10:
        return int(text), text
    return None, text.lower()


def _why_not_paired(person, *, ref: str, department_ids) -> str | None:
    """Why someone cannot be in a cohort pair, or None: colleagues only (not a guest, not an
    integration, an active account) and, for a department's cohort, of that department. A
    deactivated account is named as the organiser named it (an address or an id), not by its
    name: the directory does not show it either."""
    values = {"name": person.display_name}
    if not person.is_active:
        return _("“%(who)s” cannot take part: the account is not active.") % {"who": ref[:80]}
    if person.is_integration:
        return _("%(name)s is a service account, not a person.") % values
    if person.is_guest:
        return _("%(name)s is a guest: cohorts are for colleagues.") % values
    if department_ids is not None and person.department_id not in department_ids:
        return _("%(name)s is not in this cohort's department (or one below it).") % values
    return None


def add_cohort_pairs(*, actor, cohort_id: int, rows: list[dict]) -> list[MentoringPair]:
    """Pair people in a cohort in one go: each row {"senior", "junior", "topic"} (a person by
    id or e-mail address; the topic the junior teaches). All or nothing: one bad row refuses
    the whole post, with every reason at once. Refused: someone twice in the same role in the
    cohort (counting the pairs already there), two people who are already a pair in it (either
    way round), a pair that already has an open mentorship on the topic, and anyone who is not
    an active colleague (guests, service accounts, deactivated accounts) or, for a department's
    cohort, not of that department. Both people of each pair are asked to accept."""
    from django.db import IntegrityError
    from django.db.models import BooleanField, ExpressionWrapper

    from profiles import access

    with transaction.atomic():
        cohort = access.access_cohort(actor, cohort_id, access.MANAGE, lock=True).cohort
        if not rules.organising_scope(actor).allows(cohort.department_id):
            raise PermissionDenied  # a leader who no longer leads that unit
        if cohort.status == MentoringCohort.Status.ENDED:
            raise ValidationError({"pairs": _("This cohort has ended: it takes no new pairs.")})
        rows = [
            {key: str(row.get(key) or "").strip() for key in ("senior", "junior", "topic")}
            for row in rows
        ]
        rows = [row for row in rows if any(row.values())]
        if not rows:
            raise ValidationError({"pairs": _("Choose at least one pair.")})
        if len(rows) > PAIRS_PER_POST:
            raise ValidationError(
                {"pairs": _("Add at most %(limit)d pairs at a time.") % {"limit": PAIRS_PER_POST}}
            )
        refs = [_person_ref(row[role]) for row in rows for role in ("senior", "junior")]
        found = list(
            User.objects.filter(
                Q(pk__in=[pk for pk, _text in refs if pk is not None])
                | Q(email__in=[text for pk, text in refs if pk is None and text])
            ).annotate(
                is_integration=ExpressionWrapper(
                    Q(service_account__isnull=False), output_field=BooleanField()
                )
            )
        )
        by_ref = {str(p.pk): p for p in found} | {p.email.lower(): p for p in found}
        department_ids = (
            rules.department_subtree([cohort.department_id]) if cohort.department_id else None
        )
        existing = list(cohort.pairs.exclude(status=MentoringPair.Status.DECLINED))
        seniors = {p.mentee_id for p in existing}
        juniors = {p.mentor_id for p in existing}
        together = {frozenset((p.mentor_id, p.mentee_id)) for p in existing}
        errors: list[str] = []
        chosen: list[tuple] = []
        for row in rows:
            senior = by_ref.get(_person_ref(row["senior"])[1])
            junior = by_ref.get(_person_ref(row["junior"])[1])
            if not row["senior"] or not row["junior"]:
                errors.append(_("Each pair needs a senior and a junior."))
                continue
            missing = [row[r] for r, p in (("senior", senior), ("junior", junior)) if p is None]
            if missing:
                errors += [_("Nobody here is “%(who)s”.") % {"who": m[:80]} for m in missing]
                continue
            refusals = [
                _why_not_paired(p, ref=row[role], department_ids=department_ids)
                for role, p in (("senior", senior), ("junior", junior))
            ]
            if any(refusals):
                errors += [r for r in refusals if r]
                continue
            names = {"senior": senior.display_name, "junior": junior.display_name}
            if senior.pk == junior.pk:
                errors.append(_("%(senior)s cannot be paired with themselves.") % names)
                continue
            try:
                (topic,) = clean_skill_names([row["topic"]], field="topic") or [None]
            except ValidationError as error:
                errors += error.messages
                continue
            if topic is None:
                errors.append(_("Name the topic %(junior)s teaches %(senior)s.") % names)
                continue
            if frozenset((senior.pk, junior.pk)) in together:
                errors.append(
                    _("%(senior)s and %(junior)s are already a pair in this cohort.") % names
                )
                continue
            if senior.pk in seniors:
                errors.append(_("%(senior)s is already a senior in this cohort.") % names)
                continue
            if junior.pk in juniors:
                errors.append(_("%(junior)s is already a junior in this cohort.") % names)
                continue
            seniors.add(senior.pk)
            juniors.add(junior.pk)
            together.add(frozenset((senior.pk, junior.pk)))
            chosen.append((senior, junior, topic))
        # An open mentorship of the same two on the same topic (outside the cohort too).
        open_pairs = set(
            MentoringPair.objects.filter(
                mentor_id__in=[j.pk for _s, j, _t in chosen],
                mentee_id__in=[s.pk for s, _j, _t in chosen],
                status__in=[MentoringPair.Status.PROPOSED, MentoringPair.Status.ACTIVE],
            ).values_list("mentor_id", "mentee_id", "skill__slug")
        )
        for senior, junior, topic in chosen:
            if (junior.pk, senior.pk, slugify(topic)) in open_pairs:
                errors.append(
                    _("%(junior)s and %(senior)s already have an open mentorship on %(topic)s.")
                    % {"junior": junior.display_name, "senior": senior.display_name, "topic": topic}
                )
        if errors:
            raise ValidationError({"pairs": list(dict.fromkeys(errors))})
        skills = {s.slug: s for s in skills_named(list(dict.fromkeys(t for *_p, t in chosen)))}
        try:
            with transaction.atomic():
                pairs = MentoringPair.objects.bulk_create(
                    MentoringPair(
                        cohort=cohort,
                        mentor=junior,
                        mentee=senior,
                        skill=skills[slugify(topic)],
                        reverse=True,
                        proposed_by=actor,
                        # The organiser who pairs themselves has said yes already.
                        mentor_accepted=junior.pk == actor.pk,
                        mentee_accepted=senior.pk == actor.pk,
                    )
                    for senior, junior, topic in chosen
                )
        except IntegrityError as error:  # a pair made at the same moment elsewhere
            raise ValidationError(
                {"pairs": _("Someone changed these pairs just now. Look again and retry.")}
            ) from error
        for pair in pairs:
            for recipient_id in (pair.mentor_id, pair.mentee_id):
                events.publish(
                    ev.MentoringProposed(
                        pair_id=pair.pk,
                        proposed_by_id=actor.pk,
                        recipient_id=recipient_id,
                        skill=pair.skill.name,
                        cohort=cohort.name,
                    )
                )
    return pairs


def _decide_cohort_pair(*, actor, pair: MentoringPair, accept: bool) -> MentoringPair:
    """A cohort pair starts once both people accepted; one decline ends it."""
    if pair.status != MentoringPair.Status.PROPOSED:
        raise ValidationError({"pair": _("This proposal has already been answered.")})
    side = "mentor_accepted" if pair.mentor_id == actor.pk else "mentee_accepted"
    if getattr(pair, side):
        raise ValidationError({"pair": _("You accepted already; the other person has yet to.")})
    fields = [side]
    if accept:
        setattr(pair, side, True)
    if not accept or (pair.mentor_accepted and pair.mentee_accepted):
        pair.status = MentoringPair.Status.ACTIVE if accept else MentoringPair.Status.DECLINED
        pair.decided_at = timezone.now()
        fields += ["status", "decided_at"]
    pair.save(update_fields=fields)
    _publish_decided(pair=pair, actor=actor, accept=accept)
    return pair


def log_session(*, actor, cohort_id: int, pair_id: int, held_on, notes: str) -> MentoringSession:
    """One of the two people of an accepted cohort pair logs a session they had. Nobody else
    may (their pair does not exist for them); the notes stay the pair's own."""
    pair = (
        MentoringPair.objects.select_related("cohort")
        .filter(Q(mentor_id=actor.pk) | Q(mentee_id=actor.pk), pk=pair_id, cohort_id=cohort_id)
        .first()
    )
    if pair is None or not permissions.is_colleague(actor):
        raise MentoringPair.DoesNotExist
    cohort = pair.cohort
    if cohort.status == MentoringCohort.Status.ENDED:
        raise ValidationError(_("This cohort has ended: its sessions are no longer logged."))
    if pair.status != MentoringPair.Status.ACTIVE:
        raise ValidationError(_("Your pair starts once both of you have accepted it."))
    errors = {}
    today = timezone.localdate()
    if not held_on:
        errors["held_on"] = _("Give the day of the session.")
    elif held_on > today:
        errors["held_on"] = _("Log a session once it has taken place.")
    elif held_on < cohort.starts_on:
        errors["held_on"] = _("The cohort started on %(date)s: log sessions from then on.") % {
            "date": date_format(cohort.starts_on)
        }
    notes = str(notes or "").strip()
    if not notes:
        errors["notes"] = _("Write a few words on what you did or learned.")
    elif len(notes) > SESSION_NOTES_LIMIT:
        errors["notes"] = _("At most %(limit)d characters.") % {"limit": SESSION_NOTES_LIMIT}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = MentoringSession.objects.create(
            pair=pair, held_on=held_on, notes=notes, logged_by=actor
        )
        # A planned cohort runs from its first day: the first session says so.
        MentoringCohort.objects.filter(
            pk=cohort.pk, status=MentoringCohort.Status.PLANNED, starts_on__lte=today
        ).update(status=MentoringCohort.Status.RUNNING)
    return session


def end_cohort(*, actor, cohort_id: int) -> MentoringCohort:
    """The organiser (or an administrator) ends the cohort: its pairs end (a pair still waiting
    for an answer never starts) and the evaluation opens for everyone who took part."""
    from profiles import access

    with transaction.atomic():
        cohort = access.access_cohort(actor, cohort_id, access.MANAGE, lock=True).cohort
        if cohort.status == MentoringCohort.Status.ENDED:
            raise ValidationError(_("This cohort has already ended."))
        now = timezone.now()
        participants = sorted(
            {
                person
                for pair in cohort.pairs.filter(mentor_accepted=True, mentee_accepted=True).exclude(
                    status=MentoringPair.Status.DECLINED
                )
                for person in (pair.mentor_id, pair.mentee_id)
            }
        )
        cohort.status = MentoringCohort.Status.ENDED
        cohort.ended_at = now
        cohort.save(update_fields=["status", "ended_at"])
        cohort.pairs.filter(
            status__in=[MentoringPair.Status.PROPOSED, MentoringPair.Status.ACTIVE]
        ).update(status=MentoringPair.Status.ENDED, decided_at=now)
        events.publish(
            ev.CohortEnded(
                cohort_id=cohort.pk,
                actor_id=actor.pk,
                participant_ids=participants,
                name=cohort.name,
            )
        )
    return cohort


def submit_evaluation(
    *,
    actor,
    cohort_id: int,
    rating,
    what_learned: str,
    would_recommend: bool = False,
    share_learning: bool = False,
) -> CohortEvaluation:
    """Someone who took part (an accepted pair) evaluates the cohort once, after it ended and
    before the evaluation closes."""
    from django.db import IntegrityError

    from profiles import access

    cohort = access.access_cohort(actor, cohort_id, access.TAKE_PART).cohort
    if cohort.status != MentoringCohort.Status.ENDED:
        raise ValidationError(_("The evaluation opens when the organiser ends the cohort."))
    if not cohort.evaluation_open():
        raise ValidationError(
            _("The evaluation closed on %(date)s.")
            % {"date": date_format(timezone.localtime(cohort.evaluation_closes_at).date())}
        )
    errors = {}
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        errors["rating"] = _("Give a rating from 1 to 5.")
    what_learned = str(what_learned or "").strip()
    if not what_learned:
        errors["what_learned"] = _("Write what you learned, in a sentence or two.")
    elif len(what_learned) > LEARNED_LIMIT:
        errors["what_learned"] = _("At most %(limit)d characters.") % {"limit": LEARNED_LIMIT}
    if errors:
        raise ValidationError(errors)
    once = _("You already evaluated this cohort.")
    if CohortEvaluation.objects.filter(cohort=cohort, person_id=actor.pk).exists():
        raise ValidationError(once)
    try:
        with transaction.atomic():
            return CohortEvaluation.objects.create(
                cohort=cohort,
                person=actor,
                rating=rating,
                what_learned=what_learned,
                would_recommend=bool(would_recommend),
                share_learning=bool(share_learning),
            )
    except IntegrityError as error:  # sent twice at the same moment
        raise ValidationError(once) from error


def _publish_decided(*, pair, actor, accept: bool) -> None:
    """One answer to a pair proposal, between two colleagues or in a cohort: the same event."""
    events.publish(
        ev.MentoringDecided(
            pair_id=pair.pk,
            actor_id=actor.pk,
            proposed_by_id=pair.proposed_by_id,
            skill=pair.skill.name,
            accepted=accept,
        )
    )
