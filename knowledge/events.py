"""Knowledge events, past tense; ids only. Feeds, notifications and (later) points follow."""

from dataclasses import dataclass

from intranet.events import ActivityRow


@dataclass(frozen=True)
class ArticlePublished:
    article_id: int
    space_id: int
    owner_id: int

    def activity(self) -> ActivityRow:
        return ActivityRow(
            verb="article.published", actor_id=self.owner_id, space_id=self.space_id,
            target_type="article", target_id=self.article_id,
        )  # fmt: skip


@dataclass(frozen=True)
class ArticleRevised:
    article_id: int
    space_id: int
    author_id: int
    number: int
    summary: str

    def activity(self) -> ActivityRow:
        return ActivityRow(
            verb="article.revised", actor_id=self.author_id, space_id=self.space_id,
            target_type="article", target_id=self.article_id, data={"number": self.number},
        )  # fmt: skip


@dataclass(frozen=True)
class SuggestionMade:
    suggestion_id: int
    article_id: int
    proposer_id: int
    owner_ids: list[int]


@dataclass(frozen=True)
class SuggestionAccepted:
    suggestion_id: int
    article_id: int
    proposer_id: int
    decided_by_id: int


@dataclass(frozen=True)
class SuggestionDeclined:
    suggestion_id: int
    article_id: int
    proposer_id: int
    decided_by_id: int
    reason: str


@dataclass(frozen=True)
class ArticleFlagged:
    article_id: int
    user_id: int
    owner_ids: list[int]
    reason: str


@dataclass(frozen=True)
class ReviewDue:
    article_id: int
    owner_ids: list[int]
