"""Who may see and do what on process boards: the one place this app loads and lists boards,
cards, pain points, exceptions and signals for a person (DESIGN.md, "Governance: one place
decides").

A board lives in its own space and in the spaces it is shared with; a person reads it through
any of them that has process boards switched on and whose effective matrix lets them view
(governance's predicates decide that). Lists use `<Model>.objects.readable_by(user)`; single
objects `access_<thing>(user=, <thing>_id=, action=)`, which answers 404 for missing,
forbidden and malformed ids alike, before any input is looked at."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404

from intranet.governance import permissions
from intranet.governance.access import object_id
from intranet.governance.constants import Action, Module
from intranet.governance.models import Membership, Space
from processes.models import Board, Card, PainPoint

# Actions decided in the board's own space only: changing the board (steps, limits, sharing)
# is for those who may create boards there, not for the departments it is shared with.
OWN_SPACE_ACTIONS = frozenset({Action.CREATE_BOARD, Action.CHANGE_SETTINGS})
# Flagging a pain point or reporting an exception: everyone who reads the board but guests.
REPORT = "report"

# --- Lists ---------------------------------------------------------------------------------------


def readable_spaces(user):
    """Spaces through which `user` reads boards: content they may read (visibility,
    membership, the space's effective View) with process boards switched on."""
    return Space.objects.viewable_by(user, module=Module.BOARDS)


def readable_board_ids(user):
    """The ids of the boards `user` may read, as a subquery (the models' readable_by)."""
    spaces = readable_spaces(user)
    return Board.objects.filter(Q(space__in=spaces) | Q(shared_with__in=spaces)).values("pk")


def listed_space_ids(user):
    """Spaces `user` may know exist (a secret space only for its members), as a subquery."""
    return Space.objects.visible_to(user).values("pk")


def with_owner_listed(boards, *, user):
    """Boards annotated with `owner_listed`: may `user` know the board's own space exists.
    A board shared into a space one reads may belong to a secret space: its name stays out."""
    return boards.annotate(
        owner_listed=Exists(Space.objects.visible_to(user).filter(pk=OuterRef("space_id")))
    )


def share_candidates(*, user, board: Board):
    """The spaces `user` may share `board` with: spaces they may know exist and read, with
    process boards switched on (never a secret space they are not in)."""
    return (
        readable_spaces(user)
        .filter(pk__in=listed_space_ids(user))
        .exclude(pk=board.space_id)
        .order_by("name", "pk")
    )


# --- Predicates ----------------------------------------------------------------------------------


def _access(user, board: Board, space) -> permissions.SpaceAccess:
    """The user's rights in one of the board's spaces, read once per board object: a board
    page asks several questions of the same membership, and a change pushed to open boards
    reads the board once for every socket. (Board objects live for one request or change.)
    When the board was loaded here for this user, their roles came with it: no query."""
    memo = board.__dict__.setdefault("_access_memo", {})
    key = (user.pk, space.pk)
    if key not in memo:
        known = space.__dict__.get("_role_of")
        if known is not None and known[0] == user.pk:
            memo[key] = permissions.access_for(user, space, known[1], role_known=True)
        else:
            memo[key] = permissions.access_for(user, space)
    return memo[key]


def _spaces(board: Board) -> list:
    return [board.space, *board.shared_with.all()]


def space_for(*, user, board: Board, action: str):
    """The space through which `user` may do `action` on the board (its own first), or
    None. Comments on cards run under that space's rights, so colleagues of a space the board
    is shared with can comment on a board in a space they are not members of."""
    for space in _spaces(board):
        if Module.BOARDS in (space.modules or []) and _access(user, board, space).can(action):
            return space
    return None


def may_view(*, user, board: Board) -> bool:
    return space_for(user=user, board=board, action=Action.VIEW) is not None


def may(*, user, board: Board, action: str) -> bool:
    """May `user` do `action` on `board`. Reading comes first: no right counts on a board one
    cannot read. Changing the board itself is decided in its own space."""
    if not may_view(user=user, board=board):
        return False
    if action == Action.VIEW:
        return True
    if action == REPORT:
        return not permissions.is_guest(user)
    if action in OWN_SPACE_ACTIONS:
        return _access(user, board, board.space).can(action)
    return space_for(user=user, board=board, action=action) is not None


def may_work(*, user, board: Board) -> bool:
    """Move cards, add and edit them: "move card" in the board's space or a shared one."""
    return may(user=user, board=board, action=Action.MOVE_CARD)


def may_answer_pain(*, user, board: Board) -> bool:
    """The owning department answers pain points: who may move cards in the board's space."""
    return _access(user, board, board.space).can(Action.MOVE_CARD)


def may_manage(*, user, board: Board) -> bool:
    """Change steps, WIP limits and sharing: who may create boards in the board's space."""
    return _access(user, board, board.space).can(Action.CREATE_BOARD)


def may_moderate(*, user, board: Board) -> bool:
    return _access(user, board, board.space).can(Action.MODERATE)


def readers(*, user_ids, board: Board, action: str = Action.VIEW) -> list[tuple[int, int]]:
    """Of `user_ids`, the active people who may do `action` on `board` (read it, by default),
    each with the space through which they may: (user id, space id). The same predicate as
    the pages, with everyone's roles read at once (two queries, whatever the number)."""
    from django.contrib.auth import get_user_model

    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return []
    people = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
    spaces = _spaces(board)
    roles = {
        (user_id, space_id): role
        for user_id, space_id, role in Membership.objects.filter(
            user_id__in=[p.pk for p in people], space_id__in=[s.pk for s in spaces]
        ).values_list("user_id", "space_id", "role")
    }
    memo = board.__dict__.setdefault("_access_memo", {})
    found = []
    for person in people:
        for space in spaces:
            memo.setdefault(
                (person.pk, space.pk),
                permissions.access_for(
                    person, space, roles.get((person.pk, space.pk)), role_known=True
                ),
            )
        if may(user=person, board=board, action=action):
            through = space_for(user=person, board=board, action=Action.VIEW)
            found.append((person.pk, through.pk))
    return found


@dataclass(frozen=True)
class Place:
    """One of the board's spaces as a reader may be told of it: its name when they may know
    it exists, a link to its boards when they may read them there."""

    name: str
    slug: str
    readable: bool


def places(*, user, board: Board) -> tuple[Place | None, list[Place]]:
    """The board's own space and the spaces it is shared with, only as far as `user` may
    know they exist: a secret space is never named to a non-member."""

    def place(space) -> Place | None:
        access = _access(user, board, space)
        if not access.listed:
            return None
        readable = Module.BOARDS in (space.modules or []) and access.can(Action.VIEW)
        return Place(name=space.name, slug=space.slug, readable=readable)

    shared = [p for p in (place(s) for s in board.shared_with.all()) if p is not None]
    return place(board.space), shared


# --- Single objects ------------------------------------------------------------------------------


def _role_in(user, space_ref: str):
    return Subquery(
        Membership.objects.filter(space_id=OuterRef(space_ref), user_id=user.pk).values("role")[:1]
    )


def _shared_with(user, path: str) -> Prefetch:
    return Prefetch(path, queryset=Space.objects.annotate(viewer_role=_role_in(user, "pk")))


def _remember_roles(user, board: Board, role_of_own_space) -> None:
    """The reader's roles came with the board: later checks ask no query."""
    board.space.__dict__["_role_of"] = (user.pk, role_of_own_space)
    for space in board.shared_with.all():
        space.__dict__["_role_of"] = (user.pk, space.viewer_role)


def _check(user, board: Board | None, action: str) -> None:
    if board is None or not may(user=user, board=board, action=action):
        raise Http404


def _load(user, model, raw_id, *, board_path: str, related: tuple[str, ...], action: str):
    """One row of a board (or the board: board_path ""), with the user's roles in the board's
    spaces read in the same queries; 404 unless they may `action` on the board."""
    prefix = f"{board_path}__" if board_path else ""
    row = (
        model.objects.select_related(f"{prefix}space", *related)
        .annotate(viewer_role=_role_in(user, f"{prefix}space_id"))
        .prefetch_related(_shared_with(user, f"{prefix}shared_with"))
        .filter(pk=object_id(raw_id))
        .first()
    )
    board = row
    for step in board_path.split("__") if board_path and row is not None else ():
        board = getattr(board, step)
    if row is not None:
        _remember_roles(user, board, row.viewer_role)
    _check(user, board, action)
    return row, board


def access_board(*, user, board_id, action: str = Action.VIEW) -> Board:
    """The board, if `user` may do `action` on it; else 404, like a board that does not exist."""
    return _load(user, Board, board_id, board_path="", related=(), action=action)[0]


def access_card(*, user, card_id, action: str = Action.VIEW) -> Card:
    related = ("step__department", "owner")
    return _load(user, Card, card_id, board_path="board", related=related, action=action)[0]


def access_pain(*, user, pain_id, action: str = Action.VIEW) -> PainPoint:
    related = ("author", "step", "card")
    return _load(user, PainPoint, pain_id, board_path="board", related=related, action=action)[0]
