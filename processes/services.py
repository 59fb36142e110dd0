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
from intranet.core import ratelimit
from intranet.governance import permissions
from intranet.governance.constants import Action, Module
from intranet.signals import services as signals
from processes import access, cache, live
from processes import events as ev
from processes.models import (
    Board,
    Card,
    CardAttachment,
    ChecklistItem,
    ExceptionGroup,
    ExceptionReport,
    MeToo,
    Move,
    PainPoint,
    SignalPolicy,
    Step,
)

NAME_MAX = 120


class StaleMove(ValidationError):
    """Someone moved the card first: the mover's view of the board is out of date."""


def _can(user, board: Board, action: str) -> bool:
    """May `user` do `action` on `board` (processes.access decides)."""
    return access.may(user=user, board=board, action=action)


# Who may do what on a board is decided in processes.access; these names stay for callers.
may_view = access.may_view
may_work = access.may_work
may_answer_pain = access.may_answer_pain
may_manage = access.may_manage
may_moderate = access.may_moderate
space_for = access.space_for


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


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not 2 <= len(title) <= 200:
        raise ValidationError({"title": _("Give the card a title of 2 to 200 characters.")})
    return title


def _clean_labels(labels) -> list[str]:
    if isinstance(labels, str):
        labels = labels.split(",")
    cleaned = []
    for label in labels or []:
        label = " ".join(str(label).split())[:30]
        if label and label.lower() not in {x.lower() for x in cleaned}:
            cleaned.append(label)
    if len(cleaned) > 8:
        raise ValidationError({"labels": _("At most 8 labels on one card.")})
    return cleaned


def _clean_owner(owner, board: Board):
    """An owner must be someone who can see the board: a card never points at a stranger."""
    if owner is not None and not may_view(user=owner, board=board):
        raise ValidationError({"owner": _("The owner must be someone who can see this board.")})
    return owner


def set_wip_limit(*, actor, step: Step, wip_limit) -> Step:
    with transaction.atomic():
        steps = Step.objects.select_for_update(of=("self",)).select_related("board__space")
        step = steps.get(pk=step.pk)
        if not permissions.can(actor, Action.CREATE_BOARD, step.board.space):
            raise PermissionDenied
        limit = _clean_wip(wip_limit)
        step.wip_limit = limit
        step.save(update_fields=["wip_limit"])
        cache.board_changing(board_id=step.board_id)
    return step


def save_steps(*, actor, board: Board, rows: list[dict]) -> list[Step]:
    """Rename, re-own, limit, reorder, add and remove steps in one go. `rows` is the new order:
    {"id" (None for a new step), "name", "department", "wip_limit", "remove"}. A step that
    cards, moves, pain points or exceptions refer to cannot be removed (its history would
    go with it): rename it instead."""
    if not permissions.can(actor, Action.CREATE_BOARD, board.space):
        raise PermissionDenied
    errors: dict[str, str] = {}
    kept = []
    with transaction.atomic():
        Board.objects.select_for_update().filter(pk=board.pk).first()
        existing = {step.pk: step for step in board.steps.select_for_update()}
        for row in rows:
            step = existing.get(row.get("id")) if row.get("id") is not None else None
            if row.get("id") is not None and step is None:
                raise ValidationError({"steps": _("Choose a step of this board.")})
            if row.get("remove"):
                if step is not None:
                    used = (step.cards.exists() or Move.objects.filter(to_step=step).exists()
                            or Move.objects.filter(from_step=step).exists()
                            or step.pain_points.exists()
                            or ExceptionReport.objects.filter(step=step).exists())  # fmt: skip
                    if used:
                        errors["steps"] = _(
                            "“%(step)s” has cards or history and cannot be removed; rename it "
                            "instead."
                        ) % {"step": step.name}
                continue
            name = " ".join((row.get("name") or "").split())
            if step is None and not name:
                continue  # an empty new row
            if not 1 <= len(name) <= 80:
                errors["steps"] = _("Every step needs a name of at most 80 characters.")
            try:
                wip = _clean_wip(row.get("wip_limit"))
            except ValidationError as error:
                errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
                wip = None
            kept.append((step, name, row.get("department"), wip))
        if not kept:
            errors["steps"] = _("A process has at least one step.")
        if errors:
            raise ValidationError(errors)
        removed = [pk for pk in existing if pk not in {s.pk for s, *_r in kept if s}]
        Step.objects.filter(pk__in=removed).delete()
        # Out of the way first: positions are unique per board.
        Step.objects.filter(board=board).update(position=F("position") + 10000)
        result = []
        for position, (step, name, department, wip) in enumerate(kept):
            if step is None:
                step = Step(board=board)
            step.name, step.department, step.wip_limit, step.position = (
                name, department, wip, position
            )  # fmt: skip
            step.save()
            result.append(step)
        cache.board_changing(board_id=board.pk)
    return result


def share(*, actor, board: Board, spaces) -> None:
    """Let other departments' spaces take part in the board: `spaces` is the new set, as far
    as the actor can see. A space the actor may not know of or read (or without process
    boards) is refused like one that does not exist; shares with spaces the actor cannot
    read (made by someone who could) are kept, neither shown nor undone."""
    if not permissions.can(actor, Action.CREATE_BOARD, board.space):
        raise PermissionDenied
    wanted = {s.pk for s in spaces} - {board.space_id}
    allowed = set(
        access.share_candidates(user=actor, board=board)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if wanted - allowed:
        raise PermissionDenied
    with transaction.atomic():
        # What the settings page did not offer stays as it is: only offered spaces change.
        offered = access.share_candidates(user=actor, board=board).values("pk")
        kept = board.shared_with.exclude(pk__in=offered)
        board.shared_with.set(wanted | set(kept.values_list("pk", flat=True)))
        events.publish(ev.BoardSharingChanged(board_id=board.pk, actor_id=actor.pk))


@transaction.atomic
def save_settings(*, actor, board: Board, rows: list[dict], spaces) -> list[Step]:
    """The board settings page in one go: its steps (see `save_steps`) and the spaces it is
    shared with (see `share`). Both or neither: a refused step leaves the sharing as it was."""
    saved = save_steps(actor=actor, board=board, rows=rows)
    share(actor=actor, board=board, spaces=spaces)
    return saved


def add_card(*, actor, board: Board, title: str, step: Step | None = None,
             description: str = "", owner=None, due_date=None, labels=()) -> Card:  # fmt: skip
    if not _can(actor, board, Action.MOVE_CARD):
        raise PermissionDenied
    title = _clean_title(title)
    _clean_owner(owner, board)
    with transaction.atomic():
        first = step or board.steps.order_by("position").first()
        if first is None or first.board_id != board.pk:
            raise ValidationError({"step": _("Choose a step of this board.")})
        Step.objects.select_for_update().filter(pk=first.pk).first()
        _check_wip(first)
        ratelimit.guard(user=actor, action="card")
        card = Card.objects.create(
            board=board, step=first, title=title, description=(description or "")[:5000],
            owner=owner, due_date=due_date, created_by=actor, labels=_clean_labels(labels),
        )  # fmt: skip
        _card_changed(card, new=True)
    return card


def update_card(*, actor, card: Card, title: str, description: str = "", owner=None,
                due_date=None, labels=()) -> Card:  # fmt: skip
    """Edit what a card says; who may move it may edit it."""
    if not _can(actor, card.board, Action.MOVE_CARD):
        raise PermissionDenied
    card.title = _clean_title(title)
    card.description = (description or "")[:5000]
    card.owner = _clean_owner(owner, card.board)
    card.due_date = due_date
    card.labels = _clean_labels(labels)
    card.save(update_fields=["title", "description", "owner", "due_date", "labels"])
    _card_changed(card)
    return card


def _card_changed(card: Card, *, new: bool = False) -> None:
    """Open boards redraw the card (after commit: they read it from the database)."""
    board_id, card_id = card.board_id, card.pk
    cache.board_changing(board_id=board_id)
    transaction.on_commit(lambda: live.card_changed(board_id=board_id, card_id=card_id, new=new))


def archive(*, actor, card: Card, on: bool) -> Card:
    """Take a finished card off the board (its history stays), or put it back where it was."""
    if not _can(actor, card.board, Action.MOVE_CARD):
        raise PermissionDenied
    with transaction.atomic():
        card = Card.objects.select_for_update().get(pk=card.pk)
        if on == (card.archived_at is not None):
            return card
        if not on:
            _check_wip(card.step)
        card.archived_at = timezone.now() if on else None
        card.save(update_fields=["archived_at"])
        cache.board_changing(board_id=card.board_id)
        board_id, card_id, step_id = card.board_id, card.pk, card.step_id
        transaction.on_commit(
            lambda: live.card_archived(board_id=board_id, card_id=card_id, step_id=step_id, on=on)
        )
    return card


def add_check_item(*, actor, card: Card, text: str) -> ChecklistItem:
    if not _can(actor, card.board, Action.MOVE_CARD):
        raise PermissionDenied
    text = " ".join((text or "").split())
    if not 1 <= len(text) <= 200:
        raise ValidationError({"text": _("A checklist item has 1 to 200 characters.")})
    if card.checklist.count() >= 50:
        raise ValidationError({"text": _("A checklist holds at most 50 items.")})
    position = (card.checklist.order_by("-position").values_list("position", flat=True).first()
                or 0) + 1  # fmt: skip
    item = ChecklistItem.objects.create(card=card, text=text, position=position)
    _card_changed(card)
    return item


def check(*, actor, item_id: int, done: bool) -> ChecklistItem:
    with transaction.atomic():
        item = (ChecklistItem.objects.select_for_update(of=("self",))
                .select_related("card__board").filter(pk=item_id).first())  # fmt: skip
        if item is None or not _can(actor, item.card.board, Action.MOVE_CARD):
            raise PermissionDenied
        item.done_by, item.done_at = (actor, timezone.now()) if done else (None, None)
        item.save(update_fields=["done_by", "done_at"])
        _card_changed(item.card)
    return item


def remove_check_item(*, actor, item_id: int) -> None:
    item = ChecklistItem.objects.select_related("card__board").filter(pk=item_id).first()
    if item is None or not _can(actor, item.card.board, Action.MOVE_CARD):
        raise PermissionDenied
    item.delete()
    _card_changed(item.card)


def watch(*, actor, card: Card, on: bool) -> None:
    """Watchers hear of every move of the card, whichever department it goes to."""
    if not may_view(user=actor, board=card.board):
        raise PermissionDenied
    if on:
        card.watchers.add(actor)
    else:
        card.watchers.remove(actor)


def attach(*, actor, card: Card, upload) -> CardAttachment:
    """A file with a card, validated by its content (intranet.core.files)."""
    from django.core.files.base import ContentFile

    from intranet.core import files

    if not _can(actor, card.board, Action.MOVE_CARD):
        raise PermissionDenied
    _kind, content_type = files.inspect(upload)
    name = files.safe_name(upload.name)
    with transaction.atomic():
        Card.objects.select_for_update().filter(pk=card.pk).first()
        if card.attachments.filter(name=name).exists():
            raise ValidationError({"file": _("This card has a file with this name already.")})
        attachment = CardAttachment(
            card=card, name=name, content_type=content_type, size=upload.size, uploaded_by=actor
        )
        attachment.file.save(name, ContentFile(files.read_all(upload).getvalue()), save=False)
        attachment.save()
    return attachment


def detach(*, actor, attachment_id: int) -> None:
    with transaction.atomic():
        attachment = (CardAttachment.objects.select_related("card__board")
                      .filter(pk=attachment_id).first())  # fmt: skip
        if attachment is None or not _can(actor, attachment.card.board, Action.MOVE_CARD):
            raise PermissionDenied
        stored = attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.storage.delete(stored))


def comment(*, author, target, body: str):
    """A comment on a card or a pain point, under the rights of the space through which the
    author takes part in the board."""
    from intranet.activity import services as activity

    space = space_for(user=author, board=target.board, action=Action.COMMENT)
    if space is None:
        raise PermissionDenied
    target.acting_space = space  # activity reads target.space for the rights
    return activity.add_comment(author=author, target=target, body=body)


def _check_wip(step: Step) -> None:
    if step.wip_limit is not None and (
        step.cards.filter(archived_at__isnull=True).count() >= step.wip_limit
    ):
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
        if card.archived_at is not None:
            raise ValidationError({"step": _("This card is archived: restore it first.")})
        if card.step_id != from_step_id:
            raise StaleMove(
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
        cache.board_changing(board_id=card.board_id)
        events.publish(
            ev.CardMoved(
                card_id=card.pk,
                board_id=card.board_id,
                from_step_id=source.pk,
                to_step_id=to_step.pk,
                actor_id=actor.pk,
                watcher_ids=list(card.watchers.exclude(pk=actor.pk).values_list("pk", flat=True)),
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
    if not _can(actor, board, access.REPORT):
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
    ratelimit.guard(user=actor, action="pain_point")
    with transaction.atomic():
        pain = PainPoint.objects.create(
            board=board, step=step, card=card, author=actor, what=what, frequency=frequency,
            impact=impact,
        )  # fmt: skip
        cache.board_changing(board_id=board.pk)
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
        ratelimit.guard(user=actor, action="vote")
        _me_too, created = MeToo.objects.get_or_create(pain_point=pain, user=actor)
        if not created:
            raise ValidationError({"pain": _("You said “me too” already.")})
        PainPoint.objects.filter(pk=pain.pk).update(me_too_count=F("me_too_count") + 1)
        pain.refresh_from_db(fields=["me_too_count"])
    # Enough "me too"s raise the pain point as a signal leadership must answer.
    signals.supported(source="pain", object_id=pain.pk, user=actor, count=pain.me_too_count)
    return pain


def set_pain_status(*, actor, pain_point_id: int, status: str) -> PainPoint:
    """The owning department (members of the board's space who may move cards) answers.
    Who may is asked before the status is: a refusal never tells that the pain point exists."""
    with transaction.atomic():
        pain = PainPoint.objects.select_for_update().filter(pk=pain_point_id).first()
        if pain is None or not may_view(user=actor, board=pain.board):
            raise PermissionDenied
        if not may_answer_pain(user=actor, board=pain.board):
            raise PermissionDenied
        if status not in PainPoint.Status.values:
            raise ValidationError({"status": _("Choose one of the offered states.")})
        pain.status, pain.status_changed_at = status, timezone.now()
        pain.save(update_fields=["status", "status_changed_at"])
        events.publish(
            ev.PainPointStatusChanged(
                pain_point_id=pain.pk, board_id=pain.board_id, actor_id=actor.pk,
                author_id=pain.author_id, status=status,
            )
        )  # fmt: skip
        cache.board_changing(board_id=pain.board_id)
        board_id = pain.board_id
        transaction.on_commit(lambda: live.pains_changed(board_id=board_id))
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
    # Reports so far were grouped under the old similarity (the default before any policy).
    regrouping = policy.similarity != values["similarity"]
    for field, value in values.items():
        setattr(policy, field, value)
    policy.save()
    if regrouping:
        # Grouped again in the background: a board can hold thousands of reports.
        from processes import tasks

        transaction.on_commit(tasks.regroup_all.delay)
    return policy


def report_exception(*, reporter, board: Board, category: str, text: str,
                     step: Step | None = None) -> ExceptionReport:  # fmt: skip
    """A case that did not fit the process: short and fast to report. Plein puts it with
    similar reports of the board and raises a signal when the group keeps coming back."""
    if not _can(reporter, board, access.REPORT):
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
    ratelimit.guard(user=reporter, action="exception_report")
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
    the policy's threshold), or a new group. The `%` operator with the threshold set for this
    transaction lets PostgreSQL find the candidates in the trigram index instead of comparing
    the report with every other one."""
    from django.contrib.postgres.search import TrigramSimilarity
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
                       [str(policy.similarity)])  # fmt: skip
    closest = (
        ExceptionReport.objects.filter(
            board_id=report.board_id,
            created_at__gte=_since(policy),
            group__isnull=False,
            text__trigram_similar=report.text,
        )
        .exclude(pk=report.pk)
        .annotate(similar=TrigramSimilarity("text", report.text))
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


def _raised_groups():
    """Ids of exception groups that became a signal (signals are the platform's:
    intranet.signals, source "exceptions")."""
    from intranet.signals.models import Signal

    return Signal.objects.filter(source="exceptions").values("object_id")


def _maybe_signal(group: ExceptionGroup, policy: SignalPolicy):
    from django.db.models import Count

    from intranet.signals.models import Signal

    if Signal.objects.filter(source="exceptions", object_id=group.pk).exists():
        return None
    counts = group.reports.filter(created_at__gte=_since(policy)).aggregate(
        reports=Count("pk"), people=Count("reporter", distinct=True)
    )
    if counts["reports"] < policy.min_reports or counts["people"] < policy.min_people:
        return None
    return _raise_signal(group_id=group.pk, board_id=group.board_id, policy=policy)


def _raise_signal(*, group_id: int, board_id: int, policy: SignalPolicy,
                  owner_id: int | None = None):  # fmt: skip
    """The group becomes a platform signal: owned by the top manager, due after the board
    policy's answer time, every reporter a supporter who hears the answer."""
    from intranet.signals.models import RaisedHow

    return signals.raise_by_policy(
        source="exceptions", object_id=group_id, how=RaisedHow.EXCEPTIONS,
        owner_id=owner_id or _leadership_owner(), due_days=policy.response_days,
    )  # fmt: skip


def regroup(*, board_id: int) -> int:
    """Group a board's recent reports again, all at once: after administrators changed the
    similarity, or to review a backlog. Reports in a group a person confirmed or split off,
    or that became a signal, stay where they are; the others are joined when their texts are
    alike (processes.similarity: pg_trgm's measure, all pairs at once), each cluster keeping
    its oldest report's group. Returns the number of groups afterwards."""
    from processes import similarity

    policy = signal_policy()
    with transaction.atomic():
        Board.objects.select_for_update().filter(pk=board_id).first()
        loose = list(
            ExceptionReport.objects.filter(board_id=board_id, created_at__gte=_since(policy))
            .exclude(group__confirmed=True)
            .exclude(group_id__in=_raised_groups())
            .order_by("created_at", "pk")
            .values_list("pk", "group_id", "text")
        )
        order = {pk: n for n, (pk, _group, _text) in enumerate(loose)}
        text_of = {pk: text for pk, _group, text in loose}
        moves: dict[int, list[int]] = {}
        for cluster in similarity.clusters(text_of, policy.similarity):
            moves[min(cluster, key=order.get)] = sorted(cluster)
        old_groups = {group for _pk, group, _text in loose if group}
        # Each cluster keeps (or gets) one group: the oldest report's, unless another
        # cluster took that one already.
        taken: set[int] = set()
        group_of_report = {pk: group for pk, group, _text in loose}
        for first, members in moves.items():
            group_id = group_of_report.get(first)
            if group_id is None or group_id in taken:
                group_id = ExceptionGroup.objects.create(
                    board_id=board_id, title=text_of[first][:200]
                ).pk
            taken.add(group_id)
            if any(group_of_report[pk] != group_id for pk in members):
                ExceptionReport.objects.filter(pk__in=members).update(group_id=group_id)
        ExceptionGroup.objects.filter(pk__in=old_groups - taken).exclude(
            pk__in=_raised_groups()
        ).delete()
        from django.db.models import Count

        counts = (
            ExceptionReport.objects.filter(group_id__in=taken, created_at__gte=_since(policy))
            .values("group_id")
            .annotate(reports=Count("pk"), people=Count("reporter", distinct=True))
        )
        ready = [
            c["group_id"]
            for c in counts
            if c["reports"] >= policy.min_reports and c["people"] >= policy.min_people
        ]
        # The counts above already passed the threshold: raise each without asking again.
        owner_id = _leadership_owner()
        for group_id in (
            ExceptionGroup.objects.filter(pk__in=ready)
            .exclude(pk__in=_raised_groups())
            .values_list("pk", flat=True)
        ):
            _raise_signal(group_id=group_id, board_id=board_id, policy=policy, owner_id=owner_id)
        return (
            ExceptionGroup.objects.filter(board_id=board_id, reports__isnull=False)
            .distinct()
            .count()
        )


def confirm_group(*, actor, group_id: int) -> ExceptionGroup:
    """A person who moderates the board says Plein grouped these reports rightly."""
    group = ExceptionGroup.objects.select_related("board__space").filter(pk=group_id).first()
    if group is None or not _can(actor, group.board, Action.MODERATE):
        raise PermissionDenied
    group.confirmed = True
    group.save(update_fields=["confirmed"])
    return group


def split_report(*, actor, report_id: int) -> ExceptionGroup:
    """A person says this report is not like the others: it gets a group of its own."""
    with transaction.atomic():
        report = ExceptionReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or not _can(actor, report.board, Action.MODERATE):
            raise PermissionDenied
        group = ExceptionGroup.objects.create(
            board_id=report.board_id, title=report.text[:200], confirmed=True
        )
        old_group_id = report.group_id
        report.group = group
        report.save(update_fields=["group"])
        # A group of one that was split from itself leaves nothing behind.
        ExceptionGroup.objects.filter(pk=old_group_id, reports__isnull=True).exclude(
            pk__in=_raised_groups()
        ).delete()
    return group


def respond(*, actor, signal_id: int, status: str, response: str):
    """The signal's owner (or an administrator) answers; every reporter hears it. Signals are
    the platform's now (intranet.signals): this is its answer, kept for the boards' API."""
    return signals.answer(actor=actor, signal_id=signal_id, status=status, response=response)
