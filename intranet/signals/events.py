"""Signal events, past tense; ids only. Raised and answered signals are feed items of the
space the content lives in."""

from __future__ import annotations

from dataclasses import dataclass, field

from intranet.events import ActivityRow


@dataclass(frozen=True)
class SignalRaised:
    signal_id: int
    actor_id: int | None
    space_id: int | None
    owner_id: int | None

    def activity(self) -> ActivityRow | None:
        if self.space_id is None:
            return None
        return ActivityRow(
            verb="signal.raised",
            actor_id=self.actor_id,
            space_id=self.space_id,
            target_type="signal",
            target_id=self.signal_id,
        )


@dataclass(frozen=True)
class SignalAnswered:
    signal_id: int
    actor_id: int
    space_id: int | None
    status: str
    # Everyone told: the raiser, the content's author and every supporter.
    told_ids: list[int] = field(default_factory=list)

    def activity(self) -> ActivityRow | None:
        if self.space_id is None:
            return None
        return ActivityRow(
            verb="signal.answered",
            actor_id=self.actor_id,
            space_id=self.space_id,
            target_type="signal",
            target_id=self.signal_id,
            data={"status": self.status},
        )


@dataclass(frozen=True)
class SignalAssigned:
    signal_id: int
    actor_id: int
    owner_id: int


@dataclass(frozen=True)
class SignalOverdue:
    signal_id: int
    owner_id: int


@dataclass(frozen=True)
class IdeaPosted:
    idea_id: int
    space_id: int
    author_id: int

    def activity(self) -> ActivityRow:
        return ActivityRow(
            verb="idea.posted",
            actor_id=self.author_id,
            space_id=self.space_id,
            target_type="idea",
            target_id=self.idea_id,
        )
