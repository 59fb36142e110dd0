"""Process board events, past tense; ids only."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CardMoved:
    card_id: int
    board_id: int
    from_step_id: int
    to_step_id: int
    actor_id: int
    watcher_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class CardHandedOff:
    card_id: int
    board_id: int
    actor_id: int
    from_department_id: int | None
    to_department_id: int


@dataclass(frozen=True)
class PainPointFlagged:
    pain_point_id: int
    board_id: int
    author_id: int


@dataclass(frozen=True)
class PainPointStatusChanged:
    pain_point_id: int
    board_id: int
    actor_id: int
    author_id: int
    status: str


@dataclass(frozen=True)
class BoardSharingChanged:
    """Other spaces joined or left a board: who may see it changed."""

    board_id: int
    actor_id: int
