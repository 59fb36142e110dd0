"""Pain points as a source of signals (intranet.signals): raised by their author or a
moderator, or by themselves when enough colleagues say "me too" (the signal policy's
threshold). A pain point is read through its board (shared boards: through any of their
spaces), so its signals are seen by the board's readers; the department owning the step it is
on owns the signal."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def _load(ids, *, user=None):
    from intranet.signals.sources import Found
    from processes.models import MeToo, PainPoint

    rows = PainPoint.objects.filter(pk__in=ids)
    if user is not None:
        rows = rows.readable_by(user)
    pains = list(rows.select_related("board", "step", "card__step"))
    too: dict[int, list[int]] = {}
    for pain_id, user_id in MeToo.objects.filter(
        pain_point_id__in=[p.pk for p in pains]
    ).values_list("pain_point_id", "user_id"):
        too.setdefault(pain_id, []).append(user_id)
    found = {}
    for pain in pains:
        step = pain.step or (pain.card.step if pain.card_id else None)
        found[pain.pk] = Found(
            title=pain.what[:200],
            url=pain.get_absolute_url(),
            space_id=pain.board.space_id,
            author_id=pain.author_id,
            department_id=step.department_id if step else None,
            excerpt=pain.what,
            supporter_ids=tuple(too.get(pain.pk, ())),
        )
    return found


def _board_ids(user) -> list[int]:
    """The boards `user` reads (through their own space or one they are shared with), as a
    list read once per request: the follow-up page filters three queries on it, and the
    boards' own subquery (processes.access.readable_board_ids) costs more to build than to
    run."""
    if "_signal_board_ids" not in user.__dict__:
        from intranet.governance.constants import Module
        from intranet.governance.selectors import readable_space_ids
        from processes.models import Board

        spaces = readable_space_ids(user=user, module=Module.BOARDS)
        user.__dict__["_signal_board_ids"] = list(
            Board.objects.filter(Q(space_id__in=spaces) | Q(shared_with__in=spaces))
            .order_by()
            .distinct()
            .values_list("pk", flat=True)
        )
    return user.__dict__["_signal_board_ids"]


def _readable(user) -> Q:
    from processes.models import PainPoint

    rows = PainPoint.objects.filter(board__id__any_of=_board_ids(user))
    return Q(object_id__in=rows.values("pk"))


def _readers_of(model, board_path: str):
    """Who of some people may read the content's board, and through which of its spaces."""

    def readers(*, object_id, user_ids):
        from processes import access

        row = model.objects.select_related(board_path).filter(pk=object_id).first()
        return access.readers(user_ids=user_ids, board=getattr(row, board_path)) if row else []

    return readers


def register() -> None:
    from intranet.signals import sources

    sources.register(
        sources.Source(
            key="pain",
            label=_("Pain point"),
            load=_load,
            readable=_readable,
            readers=_readers_of(_model("PainPoint"), "board"),
            module="boards",
        )
    )
    register_exceptions()


def _model(name: str):
    from django.apps import apps

    return apps.get_model("processes", name)


# --- Recurring exceptions -----------------------------------------------------------------------


def _load_groups(ids, *, user=None):
    from django.db.models import Count
    from django.urls import reverse

    from intranet.signals.sources import Found
    from processes.models import ExceptionGroup, ExceptionReport

    rows = ExceptionGroup.objects.filter(pk__in=ids)
    if user is not None:
        rows = rows.readable_by(user)
    groups = list(
        rows.select_related("board").annotate(
            report_count=Count("reports", distinct=True),
            people=Count("reports__reporter", distinct=True),
        )
    )
    reporters: dict[int, set[int]] = {}
    for group_id, reporter_id in ExceptionReport.objects.filter(
        group_id__in=[g.pk for g in groups]
    ).values_list("group_id", "reporter_id"):
        reporters.setdefault(group_id, set()).add(reporter_id)
    return {
        group.pk: Found(
            title=group.title,
            url=f"{reverse('processes:exceptions', args=[group.board_id])}#group-{group.pk}",
            space_id=group.board.space_id,
            author_id=None,
            excerpt=_(
                "%(reports)d reports by %(people)d people on the board “%(board)s”: %(title)s"
            )
            % {
                "reports": group.report_count,
                "people": group.people,
                "board": group.board.name,
                "title": group.title,
            },
            supporter_ids=tuple(sorted(reporters.get(group.pk, ()))),
        )
        for group in groups
    }


def _readable_groups(user) -> Q:
    from processes.models import ExceptionGroup

    rows = ExceptionGroup.objects.filter(board__id__any_of=_board_ids(user))
    return Q(object_id__in=rows.values("pk"))


def register_exceptions() -> None:
    from intranet.signals import sources

    # Raised by the signal policy of process boards only (processes.services), never by hand.
    sources.register(
        sources.Source(
            key="exceptions",
            label=_("Recurring exceptions"),
            load=_load_groups,
            readable=_readable_groups,
            by_hand=False,
            readers=_readers_of(_model("ExceptionGroup"), "board"),
            module="boards",
        )
    )
