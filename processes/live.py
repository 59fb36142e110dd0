"""Boards, live: everyone with a board open sees cards move, change and arrive, and the step
headers' counts follow, without a reload (activity's live pages; a socket joins
"board.<id>" when its user may see the board).

A moved card reaches every open board as the same few fragments: the card is removed where
it was and added at the end of its new step (htmx out-of-band swaps), and both steps' headers
are redrawn. The fragments do not depend on who reads them, so they are rendered once per
language and change, then reused for every socket; only the right to see the board is asked
per reader (access may have changed since the page opened)."""

from __future__ import annotations

from functools import lru_cache

from django.http import Http404
from django.template.loader import render_to_string
from django.utils import translation

from intranet.activity import live
from processes import access, selectors
from processes.models import Board


def group(board_id: int) -> str:
    return f"board.{board_id}"


def groups(*, user, id: int) -> list[str] | None:
    try:
        access.access_board(user=user, board_id=id)
    except Http404:
        return None
    return [group(id)]


@lru_cache(maxsize=256)
def _fragment(key: tuple, language: str) -> str:
    """The HTML for one change (key: event, board, card, steps, seq), in one language."""
    event, board_id, card_id, step_ids, _seq = key
    with translation.override(language):
        steps = selectors.steps_with_counts(board_id=board_id, step_ids=list(step_ids) or None)
        cards = (
            list(selectors.board_cards(board_id=board_id, card_ids=[card_id])) if card_id else []
        )
        return render_to_string(
            "processes/_live.html",
            {
                "event": event,
                "card": cards[0] if cards else None,
                "card_id": card_id,
                "steps": steps,
            },
        )


@lru_cache(maxsize=64)
def _board(board_id: int, _seq: str) -> Board | None:
    """The board and the spaces it is shared with, read once per change for every socket
    (each then asks only its own user's rights)."""
    return (
        Board.objects.select_related("space")
        .prefetch_related("shared_with")
        .filter(pk=board_id)
        .first()
    )


def render(*, user, language: str, message: dict, memo: dict | None = None) -> str | None:
    board = _board(message.get("board_id"), message.get("seq"))
    if board is None:
        return None
    # Asked once per socket: the answer holds until the reader's access changes (the socket
    # empties its memo then) or the board's sharing changes (which tells every socket).
    memo = {} if memo is None else memo
    allowed = memo.get(("board", board.pk))
    if allowed is None:
        allowed = memo[("board", board.pk)] = access.may_view(user=user, board=board)
    if not allowed:
        return None
    key = (
        message.get("event"),
        board.pk,
        message.get("card_id"),
        tuple(message.get("step_ids") or ()),
        message.get("seq"),
    )
    return _fragment(key, language)


def register() -> None:
    live.register_page(live.LivePage(kind="board", groups=groups, render=render))


def _push(board_id: int, data: dict) -> None:
    import uuid

    # A fresh key per change: each is rendered once per language, never served stale.
    data["seq"] = uuid.uuid4().hex
    live.push_page(group(board_id), {"board_id": board_id, **data})


def card_moved(*, board_id: int, card_id: int, from_step_id: int) -> None:
    from processes.models import Card

    to_step_id = Card.objects.filter(pk=card_id).values_list("step_id", flat=True).first()
    if to_step_id is None:
        return
    _push(
        board_id,
        {"event": "move", "card_id": card_id, "step_ids": sorted({from_step_id, to_step_id})},
    )


def card_changed(*, board_id: int, card_id: int, new: bool = False) -> None:
    """A card was added (appended to its step) or changed (redrawn where it is)."""
    from processes.models import Card

    step_id = Card.objects.filter(pk=card_id).values_list("step_id", flat=True).first()
    if step_id is not None:
        _push(
            board_id, {"event": "new" if new else "card", "card_id": card_id, "step_ids": [step_id]}
        )


def card_archived(*, board_id: int, card_id: int, step_id: int, on: bool) -> None:
    """Archived: the card leaves open boards; restored: it comes back in its step."""
    _push(board_id, {"event": "move" if on else "new", "card_id": card_id,
                     "step_ids": [step_id]})  # fmt: skip


def pains_changed(*, board_id: int) -> None:
    """Pain counts on the step headers (all steps: a pain on a card counts on its step)."""
    _push(board_id, {"event": "pains", "card_id": None, "step_ids": []})
