"""A board's columns are the same for everyone who may see it (what each reader may do is
decided in the page around them and by the server on every move), so they are rendered once
per board state, language and day (late cards turn red at midnight) and reused. Every write
that changes what the columns show bumps the board's generation."""

from __future__ import annotations

from intranet.core.cache import Generation

TTL = 600
boards = Generation("processes:board")


def board_changing(*, board_id: int) -> None:
    boards.changing(board_id)


def columns_key(*, board_id: int, language: str, day) -> str:
    return boards.key(board_id, "columns", language, day.isoformat())
