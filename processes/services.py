"""Writes on process boards. Each checks the space's rights (governance decides; a board is
worked by its own space and the spaces it is shared with), validates before writing, writes
in one transaction and publishes its event."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import events
from intranet.governance import permissions
from intranet.governance.constants import Action, Module
from processes import events as ev
from processes.models import (
    Board,
    Card,
    ExceptionGroup,
    ExceptionReport,
    MeToo,
    Move,
    PainPoint,
    Signal,
    SignalPolicy,
    Step,
)

NAME_MAX = 120


def _can(user, board: Board, action: str) -> bool:
    """May `user` do `action` on `board`: in its own space, or in a space it is shared with."""
    spaces = [board.space, *board.shared_with.all()]
    return any(
        Module.BOARDS in (space.modules or []) and permissions.can(user, action, space)
        for space in spaces
    )


def may_view(*, user, board: Board) -> bool:
    return _can(user, board, Action.VIEW)


def _clean_wip(wip) -> int | None:
    if wip in (None, ""):
        return None
    try:
        wip = int(wip)
    except (TypeError, ValueError) as error:
        raise ValidationError({"wip_limit": _("The limit is a whole number.")}) from error
    if wip < 1:
        raise ValidationError({"wip_limit": _("A limit is at least 1 (or none at all).")})
    return wip


def create_board(*, actor, space, name: str, steps: list[dict], description: str = "") -> Board:
    """A board with its steps: [{"name", "department" (or None), "wip_limit" (or None)}]."""
    if Module.BOARDS not in (space.modules or []) or not permissions.can(
        actor, Action.CREATE_BOARD, space
    ):
        raise PermissionDenied
    name = " ".join((name or "").split())
    errors = {}
    if not 2 <= len(name) <= NAME_MAX:
        errors["name"] = _("Give the board a name of 2 to %(n)d characters.") % {"n": NAME_MAX}
    if not steps:
        errors["steps"] = _("A process has at least one step.")
    cleaned = []
    for step in steps:
        step_name = " ".join((step.get("name") or "").split())
        if not 1 <= len(step_name) <= 80:
            errors["steps"] = _("Every step needs a name of at most 80 characters.")
        try:
            cleaned.append((step_name, step.get("department"), _clean_wip(step.get("wip_limit"))))
        except ValidationError as error:
            errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        board = Board.objects.create(
            space=space, name=name, description=description[:500], created_by=actor
        )
        Step.objects.bulk_create(
            Step(board=board, name=n, position=i, department=d, wip_limit=w)
            for i, (n, d, w) in enumerate(cleaned)
        )
    return board


def set_wip_limit(*, actor, step: Step, wip_limit) -> Step:
    limit = _clean_wip(wip_limit)
    with transaction.atomic():
        steps = Step.objects.select_for_update(of=("self",)).select_related("board__space")
        step = steps.get(pk=step.pk)
        if not permissions.can(actor, Action.CREATE_BOARD, step.board.space):
            raise PermissionDenied
        step.wip_limit = limit
        step.save(update_fields=["wip_limit"])
    return step


def share(*, actor, board: Board, spaces) -> None:
    """Let other departments' spaces take part in the board."""
    if not permissions.can(actor, Action.CREATE_BOARD, board.space):
        raise PermissionDenied
    board.shared_with.set([s for s in spaces if s.pk != board.space_id])


def add_card(*, actor, board: Board, title: str, step: Step | None = None,
             description: str = "", owner=None, due_date=None) -> Card:  # fmt: skip
    if not _can(actor, board, Action.MOVE_CARD):
        raise PermissionDenied
    title = " ".join((title or "").split())
    if not 2 <= len(title) <= 200:
        raise ValidationError({"title": _("Give the card a title of 2 to 200 characters.")})
    with transaction.atomic():
        first = step or board.steps.order_by("position").first()
        if first is None or first.board_id != board.pk:
            raise ValidationError({"step": _("Choose a step of this board.")})
        _check_wip(first)
        return Card.objects.create(
            board=board, step=first, title=title, description=(description or "")[:5000],
            owner=owner, due_date=due_date, created_by=actor,
        )  # fmt: skip


def _check_wip(step: Step) -> None:
    if step.wip_limit is not None and step.cards.count() >= step.wip_limit:
        raise ValidationError(
            {
                "step": _("“%(step)s” is at its limit of %(n)d cards: finish one there first.")
                % {"step": step.name, "n": step.wip_limit}
            }
        )


def move(*, actor, card_id: int, to_step_id: int, from_step_id: int) -> Card:
    """Move a card to another step of its board. `from_step_id` is where the mover saw it:
    when someone moved it meanwhile, nothing changes and the refusal says where it is now
    (two people moving one card never lose or duplicate it). A move to a step owned by
    another department is a hand-off: that department is told."""
    with transaction.atomic():
        # Lock the card row alone: with joined rows, PostgreSQL re-checks a row that another
        # mover just changed against the old joined step and drops it (READ COMMITTED).
        card = Card.objects.select_for_update().filter(pk=card_id).first()
        if card is None or not _can(actor, card.board, Action.VIEW):
            raise PermissionDenied
        if not _can(actor, card.board, Action.MOVE_CARD):
            raise PermissionDenied
        to_step = Step.objects.select_for_update().filter(pk=to_step_id).first()
        if to_step is None or to_step.board_id != card.board_id:
            raise ValidationError({"step": _("Choose a step of this card's board.")})
        if card.step_id != from_step_id:
            raise ValidationError(
                {
                    "step": _(
                        "Someone moved this card to “%(step)s” meanwhile; the board shows "
                        "where it is now."
                    )
                    % {"step": card.step.name}
                }
            )
        if to_step.pk == card.step_id:
            return card
        _check_wip(to_step)
        source = card.step
        now = timezone.now()
        Move.objects.create(
            card=card, from_step=source, to_step=to_step, by=actor, at=now,
            from_department_id=source.department_id, to_department_id=to_step.department_id,
        )  # fmt: skip
        card.step, card.entered_step_at = to_step, now
        card.save(update_fields=["step", "entered_step_at"])
        events.publish(
            ev.CardMoved(
                card_id=card.pk,
                board_id=card.board_id,
                from_step_id=source.pk,
                to_step_id=to_step.pk,
                actor_id=actor.pk,
            )
        )
        if to_step.department_id and to_step.department_id != source.department_id:
            events.publish(
                ev.CardHandedOff(
                    card_id=card.pk,
                    board_id=card.board_id,
                    actor_id=actor.pk,
                    from_department_id=source.department_id,
                    to_department_id=to_step.department_id,
                )
            )
    return card


def flag_pain(*, actor, board: Board, what: str, frequency: str, impact: str,
              step: Step | None = None, card: Card | None = None) -> PainPoint:  # fmt: skip
    """Anyone who can see the board flags what hurts, on a step or a card."""
    if not may_view(user=actor, board=board) or permissions.is_guest(actor):
        raise PermissionDenied
    errors = {}
    what = " ".join((what or "").split())
    if not 5 <= len(what) <= 500:
        errors["what"] = _("Say what hurts in 5 to 500 characters.")
    if frequency not in PainPoint.Frequency.values:
        errors["frequency"] = _("Choose how often it happens.")
    if impact not in PainPoint.Impact.values:
        errors["impact"] = _("Choose how much it hurts.")
    if (step is None) == (card is None):
        errors["step"] = _("Flag it on one step or one card.")
    elif (step or card).board_id != board.pk:
        errors["step"] = _("Choose a step or card of this board.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pain = PainPoint.objects.create(
            board=board, step=step, card=card, author=actor, what=what, frequency=frequency,
            impact=impact,
        )  # fmt: skip
        events.publish(
            ev.PainPointFlagged(pain_point_id=pain.pk, board_id=board.pk, author_id=actor.pk)
        )
    return pain


def me_too(*, actor, pain_point_id: int) -> PainPoint:
    """ "Me too": once per person; the author's own flag already counts them."""
    with transaction.atomic():
        pain = (
            PainPoint.objects.select_for_update()
            .select_related("board__space")
            .filter(pk=pain_point_id)
            .first()
        )
        if pain is None or not may_view(user=actor, board=pain.board):
            raise PermissionDenied
        if pain.author_id == actor.pk:
            raise ValidationError({"pain": _("You flagged this yourself.")})
        _me_too, created = MeToo.objects.get_or_create(pain_point=pain, user=actor)
        if not created:
            raise ValidationError({"pain": _("You said “me too” already.")})
        PainPoint.objects.filter(pk=pain.pk).update(me_too_count=F("me_too_count") + 1)
        pain.refresh_from_db(fields=["me_too_count"])
    return pain


def set_pain_status(*, actor, pain_point_id: int, status: str) -> PainPoint:
    """The owning department (members of the board's space who may move cards) answers."""
    if status not in PainPoint.Status.values:
        raise ValidationError({"status": _("Choose one of the offered states.")})
    with transaction.atomic():
        pain = PainPoint.objects.select_for_update().filter(pk=pain_point_id).first()
        if pain is None or not may_view(user=actor, board=pain.board):
            raise PermissionDenied
        if not permissions.can(actor, Action.MOVE_CARD, pain.board.space):
            raise PermissionDenied
        pain.status = status
        pain.save(update_fields=["status"])
    return pain


# --- Exceptions and signals --------------------------------------------------------------------


def signal_policy() -> SignalPolicy:
    return SignalPolicy.objects.order_by("pk").first() or SignalPolicy()


def configure_signals(*, actor, min_reports, min_people, window_days, response_days,
                      similarity) -> SignalPolicy:  # fmt: skip
    """Administrators set when recurring exceptions become a signal."""
    if not permissions.is_administrator(actor):
        raise PermissionDenied
    errors = {}
    values = {}
    for field, raw in (("min_reports", min_reports), ("min_people", min_people),
                       ("window_days", window_days), ("response_days", response_days)):  # fmt: skip
        try:
            values[field] = int(raw)
        except (TypeError, ValueError):
            values[field] = 0
        if values[field] < 1:
            errors[field] = _("Use a whole number of at least 1.")
    try:
        values["similarity"] = float(similarity)
    except (TypeError, ValueError):
        values["similarity"] = 0.0
    if not 0.1 <= values["similarity"] <= 1:
        errors["similarity"] = _("Use a similarity between 0.1 and 1.")
    if not errors and values["min_people"] > values["min_reports"]:
        errors["min_people"] = _("More people than reports cannot happen.")
    if errors:
        raise ValidationError(errors)
    policy = signal_policy()
    for field, value in values.items():
        setattr(policy, field, value)
    policy.save()
    return policy


def report_exception(*, reporter, board: Board, category: str, text: str,
                     step: Step | None = None) -> ExceptionReport:  # fmt: skip
    """A case that did not fit the process: short and fast to report. Plein puts it with
    similar reports of the board and raises a signal when the group keeps coming back."""
    if not may_view(user=reporter, board=board) or permissions.is_guest(reporter):
        raise PermissionDenied
    errors = {}
    text = " ".join((text or "").split())
    if not 10 <= len(text) <= 1000:
        errors["text"] = _("Describe what happened in 10 to 1,000 characters.")
    if category not in ExceptionReport.Category.values:
        errors["category"] = _("Choose a category.")
    if step is not None and step.board_id != board.pk:
        errors["step"] = _("Choose a step of this board.")
    if errors:
        raise ValidationError(errors)
    policy = signal_policy()
    with transaction.atomic():
        # One report at a time per board: grouping and the threshold count see each other.
        Board.objects.select_for_update().filter(pk=board.pk).first()
        report = ExceptionReport.objects.create(
            board=board, step=step, reporter=reporter, category=category, text=text
        )
        report.group = _group_for(report, policy)
        report.save(update_fields=["group"])
        _maybe_signal(report.group, policy)
    return report


def _since(policy: SignalPolicy):
    from datetime import timedelta

    return timezone.now() - timedelta(days=policy.window_days)


def _group_for(report: ExceptionReport, policy: SignalPolicy) -> ExceptionGroup:
    """The group of the most similar recent report of the board (trigram similarity at least
    the policy's threshold), or a new group."""
    from django.contrib.postgres.search import TrigramSimilarity

    closest = (
        ExceptionReport.objects.filter(
            board_id=report.board_id, created_at__gte=_since(policy), group__isnull=False
        )
        .exclude(pk=report.pk)
        .annotate(similar=TrigramSimilarity("text", report.text))
        .filter(similar__gte=policy.similarity)
        .order_by("-similar", "-pk")
        .select_related("group")
        .first()
    )
    if closest is not None:
        return closest.group
    return ExceptionGroup.objects.create(board_id=report.board_id, title=report.text[:200])


def _leadership_owner():
    """Who answers signals by default: the manager of the department at the top."""
    from intranet.governance.models import Department

    top = Department.objects.filter(parent__isnull=True, manager__isnull=False).order_by("pk")
    return top.values_list("manager_id", flat=True).first()


def _maybe_signal(group: ExceptionGroup, policy: SignalPolicy) -> Signal | None:
    from datetime import timedelta

    from django.db.models import Count

    if Signal.objects.filter(group=group).exists():
        return None
    counts = group.reports.filter(created_at__gte=_since(policy)).aggregate(
        reports=Count("pk"), people=Count("reporter", distinct=True)
    )
    if counts["reports"] < policy.min_reports or counts["people"] < policy.min_people:
        return None
    signal = Signal.objects.create(
        group=group, owner_id=_leadership_owner(),
        due_at=timezone.now() + timedelta(days=policy.response_days),
    )  # fmt: skip
    events.publish(
        ev.SignalRaised(signal_id=signal.pk, board_id=group.board_id, owner_id=signal.owner_id)
    )
    return signal


def split_report(*, actor, report_id: int) -> ExceptionGroup:
    """A person says this report is not like the others: it gets a group of its own."""
    with transaction.atomic():
        report = ExceptionReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or not _can(actor, report.board, Action.MODERATE):
            raise PermissionDenied
        group = ExceptionGroup.objects.create(
            board_id=report.board_id, title=report.text[:200], confirmed=True
        )
        report.group = group
        report.save(update_fields=["group"])
    return group


def respond(*, actor, signal_id: int, status: str, response: str) -> Signal:
    """The signal's owner (or an administrator) answers; every reporter hears it."""
    response = (response or "").strip()
    errors = {}
    if status not in Signal.Status.values:
        errors["status"] = _("Choose one of the offered states.")
    if not 10 <= len(response) <= 3000:
        errors["response"] = _("Answer in 10 to 3,000 characters: every reporter reads it.")
    with transaction.atomic():
        signal = Signal.objects.select_for_update().filter(pk=signal_id).first()
        if signal is None or not (
            actor.pk == signal.owner_id or permissions.is_administrator(actor)
        ):
            raise PermissionDenied
        if errors:
            raise ValidationError(errors)
        signal.status, signal.response, signal.responded_at = status, response, timezone.now()
        signal.save(update_fields=["status", "response", "responded_at"])
        reporters = sorted(set(signal.group.reports.values_list("reporter_id", flat=True)))
        events.publish(
            ev.SignalAnswered(
                signal_id=signal.pk, actor_id=actor.pk, status=status, reporter_ids=reporters
            )
        )
    return signal
