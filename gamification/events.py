"""Gamification events, past tense; ids only. Notifications, feeds and digests follow them."""

from dataclasses import dataclass, field

from intranet.events import ActivityRow


@dataclass(frozen=True)
class PointsAwarded:
    user_id: int
    entry_id: int
    points: int


@dataclass(frozen=True)
class BadgeEarned:
    user_id: int
    badge_id: int
    award_id: int
    tier: int


@dataclass(frozen=True)
class StoryPublished:
    story_id: int
    space_id: int
    author_id: int
    people_ids: list[int] = field(default_factory=list)

    def activity(self) -> ActivityRow:
        return ActivityRow(
            verb="story.published", actor_id=self.author_id, space_id=self.space_id,
            target_type="story", target_id=self.story_id,
        )  # fmt: skip


@dataclass(frozen=True)
class StoryReused:
    reuse_id: int
    story_id: int
    space_id: int
    user_id: int
    department_id: int
    credited_ids: list[int] = field(default_factory=list)

    def activity(self) -> ActivityRow:
        return ActivityRow(
            verb="story.reused", actor_id=self.user_id, space_id=self.space_id,
            target_type="story", target_id=self.story_id,
        )  # fmt: skip


@dataclass(frozen=True)
class LeadershipInvited:
    """An administrator invited someone into the ambassador programme or to mentor."""

    invitation_id: int
    person_id: int
    actor_id: int
    kind: str


@dataclass(frozen=True)
class LeadershipAnswered:
    """The invitation was accepted, declined (by the person) or withdrawn (by the inviter or an
    administrator). `inviter_id` hears of an answer; the person hears of a withdrawal."""

    invitation_id: int
    person_id: int
    actor_id: int
    inviter_id: int | None
    kind: str
    status: str
