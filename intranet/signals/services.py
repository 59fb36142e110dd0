"""Signal writes: raise (by hand or by policy), support, answer, assign, remind; the idea box.
Every write checks its rules here, writes in one transaction and publishes its event."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import events
from intranet.activity.text import render
from intranet.core import ratelimit
from intranet.governance import audit, permissions
from intranet.signals import access, sources
from intranet.signals import events as ev
from intranet.signals.models import (
    Idea,
    IdeaKind,
    IdeaSupport,
    Policy,
    RaisedHow,
    Signal,
    SignalStatus,
    Support,
)

MAX_DEADLINE_DAYS = 365
REMIND_EVERY = timedelta(days=7)


# --- Policy -------------------------------------------------------------------------------------


def policy() -> Policy:
    return Policy.objects.order_by("pk").first() or Policy()


def configure(*, actor, response_days: int, support_threshold: int) -> Policy:
    """Administrators set how long owners have to answer and how much support raises an idea
    or a pain point by itself."""
    if not permissions.is_administrator(actor):
        raise PermissionDenied
    errors = {}
    if not isinstance(response_days, int) or not 1 <= response_days <= 180:
        errors["response_days"] = _("Choose between 1 and 180 days.")
    if not isinstance(support_threshold, int) or not 2 <= support_threshold <= 10000:
        errors["support_threshold"] = _("Choose between 2 and 10,000 colleagues.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        found = Policy.objects.select_for_update().order_by("pk").first() or Policy()
        before = {"response_days": found.response_days, "threshold": found.support_threshold}
        found.response_days, found.support_threshold = response_days, support_threshold
        found.save()
        audit.record(
            actor=actor,
            action="signals.policy_changed",
            target=found,
            before=before,
            after={"response_days": response_days, "threshold": support_threshold},
        )
    return found


# --- Raising ------------------------------------------------------------------------------------


def _department_and_owner(*, found: sources.Found, space, source: str, object_id: int, people):
    """The department the signal concerns (the source's, else the space's, else the first of
    `people`'s that has one) and its manager, if that manager may read the content."""
    from intranet.governance.models import Department

    department_id = found.department_id or (space.department_id if space else None)
    if department_id is None:
        for person in people:
            if person is not None and person.department_id:
                department_id = person.department_id
                break
    department = (
        Department.objects.select_related("manager").filter(pk=department_id).first()
        if department_id
        else None
    )
    manager = department.manager if department else None
    if manager is not None and not (
        permissions.is_active(manager)
        and access.may_read(user=manager, source=source, object_id_=object_id)
    ):
        manager = None
    return department, manager


def _create(
    *,
    source: str,
    object_id: int,
    found: sources.Found,
    space,
    raised_by,
    how: str,
    supporter_ids=(),
    owner=None,
    department=None,
    due_days: int | None = None,
) -> Signal:
    if owner is None and department is None:
        author = (
            get_user_model().objects.filter(pk=found.author_id).first() if found.author_id else None
        )
        department, owner = _department_and_owner(
            found=found,
            space=space,
            source=source,
            object_id=object_id,
            people=[author, raised_by],
        )
    now = timezone.now()
    supporters = sorted({*supporter_ids, *([raised_by.pk] if raised_by else [])})
    try:
        with transaction.atomic():
            signal = Signal.objects.create(
                source=source,
                object_id=object_id,
                space=space,
                department=department,
                title=(found.title or "")[:200] or _("(untitled)"),
                module=found.module or getattr(sources.get(source), "module", None) or "",
                raised_by=raised_by,
                how=how,
                owner=owner,
                due_at=now + timedelta(days=due_days or policy().response_days),
                support_count=len(supporters),
            )
            Support.objects.bulk_create(
                [Support(signal=signal, user_id=pk) for pk in supporters], ignore_conflicts=True
            )
    except IntegrityError as twice:
        raise ValidationError(
            {"signal": [_("This has already been raised as a signal.")]}
        ) from twice
    events.publish(
        ev.SignalRaised(
            signal_id=signal.pk,
            actor_id=raised_by.pk if raised_by else None,
            space_id=signal.space_id,
            owner_id=signal.owner_id,
        )
    )
    return signal


@transaction.atomic
def raise_signal(*, actor, source: str, object_id: int) -> Signal:
    """`actor` raises the content as a signal: its author or a moderator of its space. Content
    they may not read is refused like content that does not exist."""
    from intranet.governance.models import Space

    found_source = sources.get(source)
    if found_source is None or not found_source.by_hand or not permissions.is_active(actor):
        raise PermissionDenied
    found = sources.load(source, [object_id], user=actor).get(object_id)
    if found is None:
        raise PermissionDenied
    space = Space.objects.filter(pk=found.space_id).first() if found.space_id else None
    if not access.may_raise(user=actor, found=found, space=space):
        raise PermissionDenied
    if Signal.objects.filter(source=source, object_id=object_id).exists():
        raise ValidationError({"signal": [_("This has already been raised as a signal.")]})
    ratelimit.guard(user=actor, action="signal")
    how = RaisedHow.AUTHOR if found.author_id == actor.pk else RaisedHow.MODERATOR
    return _create(
        source=source,
        object_id=object_id,
        found=found,
        space=space,
        raised_by=actor,
        how=how,
        supporter_ids=found.supporter_ids,
    )


def raise_by_policy(
    *,
    source: str,
    object_id: int,
    how: str = RaisedHow.SUPPORT,
    owner_id: int | None = None,
    due_days: int | None = None,
) -> Signal | None:
    """Enough support (or recurring exceptions) raised the content by itself. Returns the
    signal, or None when it was one already or the content is gone."""
    from intranet.governance.models import Department, Space

    if Signal.objects.filter(source=source, object_id=object_id).exists():
        return None
    found = sources.load(source, [object_id]).get(object_id)
    if found is None:
        return None
    space = Space.objects.filter(pk=found.space_id).first() if found.space_id else None
    owner = get_user_model().objects.filter(pk=owner_id).first() if owner_id else None
    department = (
        Department.objects.filter(pk=found.department_id).first()
        if owner is not None and found.department_id
        else None
    )
    try:
        return _create(
            source=source,
            object_id=object_id,
            found=found,
            space=space,
            raised_by=None,
            how=how,
            supporter_ids=found.supporter_ids,
            owner=owner,
            department=department,
            due_days=due_days,
        )
    except ValidationError:
        return None  # raised at the same moment by someone else


# --- Support ------------------------------------------------------------------------------------


@transaction.atomic
def support(*, user, signal_id, on: bool = True) -> Signal:
    """ "Me too": supporters hear every answer. Only on signals one may see."""
    signal = access.access_signal(user=user, signal_id=signal_id)
    if permissions.is_guest(user):
        raise PermissionDenied
    if on:
        ratelimit.guard(user=user, action="support")
    _toggle_support(rows=Support, counted=signal, on=on, signal=signal, user=user)
    return signal


def _toggle_support(*, rows, counted, on: bool, **key) -> None:
    """Add or take back one "me too" (a Support or IdeaSupport row) and keep the count on the
    signal or idea in step; once per person, so a second "me too" changes nothing."""
    if on:
        _row, created = rows.objects.get_or_create(**key)
        change = 1 if created else 0
    else:
        change = -rows.objects.filter(**key).delete()[0]
    if change:
        type(counted).objects.filter(pk=counted.pk).update(
            support_count=F("support_count") + change
        )
        counted.support_count += change


# --- Answering and assigning --------------------------------------------------------------------


def answer(*, actor, signal_id, status: str, response: str) -> Signal:
    """The owner (or an administrator) answers in public; the raiser, the content's author and
    every supporter are told. Adopting or declining needs the reason in the answer."""
    with transaction.atomic():
        signal = access.access_signal(user=actor, signal_id=signal_id)
        if not access.may_answer(user=actor, signal=signal):
            raise PermissionDenied
        signal = Signal.objects.select_for_update().get(pk=signal.pk)
        response = (response or "").strip()
        errors = {}
        if status not in SignalStatus.values or status == SignalStatus.NEW:
            errors["status"] = _("Choose under review, experiment, adopted or declined.")
        if not response:
            errors["response"] = (
                _("Say why it is declined: everyone who supports it will read it.")
                if status == SignalStatus.DECLINED
                else _("Write the answer everyone who supports it will read.")
            )
        elif len(response) > 3000:
            errors["response"] = _("Keep the answer to 3,000 characters.")
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        signal.status, signal.response = status, response
        signal.response_html = render(response)
        fields = ["status", "response", "response_html"]
        if signal.responded_at is None:
            signal.responded_at = now  # the first answer counts for "in time"
            fields.append("responded_at")
        signal.save(update_fields=fields)
        found = sources.load(signal.source, [signal.object_id]).get(signal.object_id)
        told = set(Support.objects.filter(signal=signal).values_list("user_id", flat=True))
        told |= {pk for pk in (signal.raised_by_id, found.author_id if found else None) if pk}
        events.publish(
            ev.SignalAnswered(
                signal_id=signal.pk,
                actor_id=actor.pk,
                space_id=signal.space_id,
                status=status,
                told_ids=sorted(told - {actor.pk}),
            )
        )
    return signal


def _deadline(due_on) -> datetime | None:
    if due_on in (None, ""):
        return None
    if not isinstance(due_on, date):
        raise ValidationError({"due_on": [_("Give the deadline as a date.")]})
    today = timezone.localdate()
    if due_on < today:
        raise ValidationError({"due_on": [_("The deadline cannot be in the past.")]})
    if due_on > today + timedelta(days=MAX_DEADLINE_DAYS):
        raise ValidationError({"due_on": [_("Set a deadline within a year.")]})
    return timezone.make_aware(datetime.combine(due_on, time(17, 0)))


def assign(*, actor, signal_id, owner_email: str = "", due_on=None) -> Signal:
    """Hand the signal to another owner and/or move its deadline. The new owner must be able to
    read what the signal is about; the deadline cannot be in the past."""
    with transaction.atomic():
        signal = access.access_signal(user=actor, signal_id=signal_id)
        if not access.may_assign(user=actor, signal=signal):
            raise PermissionDenied
        signal = Signal.objects.select_for_update().get(pk=signal.pk)
        fields, before = [], {"owner": signal.owner_id, "due_at": signal.due_at.isoformat()}
        email = (owner_email or "").strip()
        if email:
            owner = (
                get_user_model()
                .objects.filter(permissions.people_filter(), email__iexact=email)
                .first()
            )
            if owner is None or permissions.is_guest(owner):
                raise ValidationError({"owner": [_("No colleague has this email address.")]})
            if not access.may_read(user=owner, source=signal.source, object_id_=signal.object_id):
                raise ValidationError(
                    {
                        "owner": [
                            _("%(name)s cannot read what this signal is about.")
                            % {"name": owner.display_name}
                        ]
                    }
                )
            if owner.pk != signal.owner_id:
                signal.owner = owner
                fields.append("owner")
        due_at = _deadline(due_on)
        if due_at is not None and due_at != signal.due_at:
            signal.due_at, signal.reminded_at = due_at, None
            fields += ["due_at", "reminded_at"]
        if not fields:
            raise ValidationError({"owner": [_("Choose a new owner or a new deadline.")]})
        signal.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="signal.assigned",
            target=signal,
            before=before,
            after={"owner": signal.owner_id, "due_at": signal.due_at.isoformat()},
        )
        if "owner" in fields:
            events.publish(
                ev.SignalAssigned(signal_id=signal.pk, actor_id=actor.pk, owner_id=signal.owner_id)
            )
    return signal


def remind_overdue(*, now: datetime | None = None) -> int:
    """Owners of signals past their deadline without an answer hear of it: once when it
    becomes overdue, then weekly. Meant for beat, daily."""
    now = now or timezone.now()
    due = Signal.objects.filter(
        responded_at__isnull=True, due_at__lt=now, owner__isnull=False
    ).exclude(reminded_at__gt=now - REMIND_EVERY)
    count = 0
    for signal_id, owner_id in due.values_list("pk", "owner_id")[:1000]:
        with transaction.atomic():
            updated = (
                Signal.objects.filter(pk=signal_id)
                .exclude(reminded_at__gt=now - REMIND_EVERY)
                .update(reminded_at=now)
            )
            if updated:
                events.publish(ev.SignalOverdue(signal_id=signal_id, owner_id=owner_id))
                count += 1
    return count


# --- The idea box -------------------------------------------------------------------------------


@transaction.atomic
def post_idea(*, actor, space, kind: str, title: str, body: str = "") -> Idea:
    if not access.may_post_idea(user=actor, space=space):
        raise PermissionDenied
    title = " ".join((title or "").split())
    errors = {}
    if kind not in IdeaKind.values:
        errors["kind"] = _("Choose idea, suggestion or complaint.")
    if not 3 <= len(title) <= 160:
        errors["title"] = _("Give it a title of 3 to 160 characters.")
    if len(body or "") > 5000:
        errors["body"] = _("Keep the explanation to 5,000 characters.")
    if errors:
        raise ValidationError(errors)
    ratelimit.guard(user=actor, action="idea")
    idea = Idea.objects.create(
        space=space,
        author=actor,
        kind=kind,
        title=title,
        body=body or "",
        body_html=render(body or ""),
    )
    events.publish(ev.IdeaPosted(idea_id=idea.pk, space_id=space.pk, author_id=actor.pk))
    return idea


def support_idea(*, user, idea_id, on: bool = True) -> Idea:
    """ "Me too" on an idea; when its support reaches the policy's threshold it becomes a
    signal by itself."""
    with transaction.atomic():
        idea = access.access_idea(user=user, idea_id=idea_id)
        if permissions.is_guest(user) or idea.author_id == user.pk:
            raise ValidationError({"idea": [_("You cannot support your own idea.")]})
        if on:
            ratelimit.guard(user=user, action="support")
        _toggle_support(rows=IdeaSupport, counted=idea, on=on, idea=idea, user=user)
    if on:
        supported(source="idea", object_id=idea.pk, user=user, count=idea.support_count)
    return idea


def supported(*, source: str, object_id: int, user, count: int) -> Signal | None:
    """Someone said "me too" on content (an idea, a pain point): at the policy's threshold the
    content becomes a signal by itself (its supporters with it); once it is one, the new
    supporter hears its answers too."""
    signal = Signal.objects.filter(source=source, object_id=object_id).first()
    if signal is None:
        if count >= policy().support_threshold:
            return raise_by_policy(source=source, object_id=object_id)
        return None
    _row, created = Support.objects.get_or_create(signal=signal, user=user)
    if created:
        Signal.objects.filter(pk=signal.pk).update(support_count=F("support_count") + 1)
    return signal
