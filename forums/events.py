"""Forum events, past tense; ids only. Points (gamification) and notifications follow them."""

from dataclasses import dataclass

from intranet.events import ActivityRow


@dataclass(frozen=True)
class QuestionAsked:
    topic_id: int
    space_id: int
    author_id: int
    kind: str
    tags: list[str]
    mentioned_ids: list[int]

    def activity(self) -> ActivityRow:
        verb = "question.asked" if self.kind == "question" else "discussion.started"
        return ActivityRow(
            verb=verb,
            actor_id=self.author_id,
            space_id=self.space_id,
            target_type="topic",
            target_id=self.topic_id,
        )


@dataclass(frozen=True)
class AnswerPosted:
    answer_id: int
    topic_id: int
    space_id: int
    author_id: int
    topic_author_id: int
    mentioned_ids: list[int]

    def activity(self) -> ActivityRow:
        return ActivityRow(
            verb="answer.posted",
            actor_id=self.author_id,
            space_id=self.space_id,
            target_type="answer",
            target_id=self.answer_id,
        )


@dataclass(frozen=True)
class AnswerAccepted:
    answer_id: int | None  # None: the accepted answer was withdrawn
    topic_id: int
    actor_id: int
    answer_author_id: int | None
    previous_answer_id: int | None
    previous_answer_author_id: int | None
    tags: list[str]


@dataclass(frozen=True)
class VoteCast:
    answer_id: int
    topic_id: int
    user_id: int
    value: int
    answer_author_id: int


@dataclass(frozen=True)
class AnswerRequested:
    topic_id: int
    actor_id: int
    person_id: int
