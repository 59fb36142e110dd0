"""Activity events, past tense. Ids only, so they serialise."""

from dataclasses import dataclass

from intranet.events import ActivityRow


@dataclass(frozen=True)
class PostCreated:
    post_id: int
    space_id: int
    author_id: int
    mentioned_ids: list[int]

    def activity(self) -> ActivityRow:
        return ActivityRow(
            verb="post.created",
            actor_id=self.author_id,
            space_id=self.space_id,
            target_type="post",
            target_id=self.post_id,
        )


@dataclass(frozen=True)
class CommentAdded:
    comment_id: int
    target_type: str
    target_id: int
    author_id: int
    recipient_ids: list[int]
    mentioned_ids: list[int]


@dataclass(frozen=True)
class ReactionAdded:
    target_type: str
    target_id: int
    user_id: int
    kind: str
    owner_id: int


@dataclass(frozen=True)
class AnnouncementPublished:
    announcement_id: int
    author_id: int
    department_id: int | None

    def activity(self) -> ActivityRow:
        return ActivityRow(
            verb="announcement.published",
            actor_id=self.author_id,
            department_id=self.department_id,
            target_type="announcement",
            target_id=self.announcement_id,
        )


@dataclass(frozen=True)
class PersonFollowed:
    follower_id: int
    followee_id: int


@dataclass(frozen=True)
class PersonUnfollowed:
    follower_id: int
    followee_id: int


@dataclass(frozen=True)
class NotificationsChanged:
    user_id: int


@dataclass(frozen=True)
class AnnouncementDelegateAdded:
    department_id: int
    user_id: int
    actor_id: int


@dataclass(frozen=True)
class AnnouncementDelegateRemoved:
    department_id: int
    user_id: int
    actor_id: int
