"""Reads for the forums, each in a fixed number of queries."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db.models import Case, F, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Lower

from forums.models import Answer, Tag, Topic, Vote

PAGE_SIZE = 30


def topics_in(*, space, scope: str = "all"):
    """A space's topics, pinned first, then by latest activity; "unanswered": questions
    without an answer yet, oldest first (they have waited longest)."""
    topics = Topic.objects.filter(space=space).select_related("author", "accepted_answer")
    if scope == "unanswered":
        topics = topics.filter(kind=Topic.Kind.QUESTION, answer_count=0).order_by("created_at")
    return topics.prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name", "slug")))


def question_page(*, topic: Topic, user) -> dict:
    """The topic with its answers: the accepted one first, then by score, then oldest; the
    reader's own votes. Four queries whatever the number of answers."""
    answers = list(
        Answer.objects.filter(topic=topic)
        .select_related("author")
        .annotate(
            accepted=Case(
                When(pk=topic.accepted_answer_id or 0, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-accepted", "-score", "created_at", "pk")
    )
    my_votes = dict(
        Vote.objects.filter(answer__topic=topic, user_id=user.pk).values_list("answer_id", "value")
    )
    for item in answers:
        item.my_vote = my_votes.get(item.pk, 0)
    return {"topic": topic, "answers": answers, "tags": list(topic.tags.all())}


def topic_for(*, topic_id: int):
    return (
        Topic.objects.select_related("space", "author", "space__department")
        .filter(pk=topic_id)
        .first()
    )


def may_manage(*, user, access, author_id: int) -> bool:
    """Edit a post, accept an answer: its author, or a moderator of the space."""
    from intranet.governance.constants import Action

    return user.pk == author_id or access.can(Action.MODERATE)


def readable_topic(*, user, topic_id: int):
    """(topic, the user's access to its space) when the topic exists, its space has the
    forum switched on and the user may read it; else None. Pages, API and sockets ask this."""
    from intranet.governance import permissions
    from intranet.governance.constants import Action, Module

    topic = topic_for(topic_id=topic_id)
    if topic is None or Module.FORUMS not in (topic.space.modules or []):
        return None
    access = permissions.access_for(user, topic.space)
    return (topic, access) if access.can(Action.VIEW) else None


def load_topics(ids: list[int]) -> dict[int, Topic]:
    """Feed items about topics (activity.targets)."""
    return Topic.objects.only("id", "title", "kind", "body_html", "answer_count").in_bulk(ids)


def load_answers(ids: list[int]) -> dict[int, Answer]:
    return (
        Answer.objects.select_related("topic")
        .only("id", "body_html", "topic__id", "topic__title")
        .in_bulk(ids)
    )


def topic_of_answer(answer_id: int) -> int | None:
    return Answer.objects.filter(pk=answer_id).values_list("topic_id", flat=True).first()


# --- Finding topics -----------------------------------------------------------------------------

SIMILAR_LIMIT = 5


def _readable(user):
    from intranet.governance.models import Space

    return Topic.objects.filter(space__in=Space.objects.viewable_by(user))


def _query(text: str):
    """Words typed, matched in both languages (the asker may type Dutch or English), with
    prefix matching on the last word so suggestions follow the typing."""
    words = [w for w in re.findall(r"\w+", text.lower()) if len(w) > 1][:12]
    if not words:
        return None
    query = None
    for config in ("dutch", "english"):
        # Every word (stemmed) must match, the last one as a prefix: precise enough to rank
        # a few candidates instead of half the forum.
        parts = [SearchQuery(w, config=config) for w in words[:-1]]
        parts.append(SearchQuery(f"{words[-1]}:*", config=config, search_type="raw"))
        joined = parts[0]
        for part in parts[1:]:
            joined = joined & part
        query = joined if query is None else query | joined
    return query


def similar_questions(*, user, title: str, limit: int = SIMILAR_LIMIT) -> list[Topic]:
    """ "Before you ask": existing topics like the title being typed, best first, only in
    spaces the user may read. Full text (stemmed: "facturen" finds "factuur") or trigram
    similarity of the title (typos)."""
    title = " ".join((title or "").split())[:200]
    query = _query(title)
    if len(title) < 4 or query is None:
        return []
    needle = title.lower()
    topics = (
        _readable(user)
        .alias(lower_title=Lower("title"))
        .filter(Q(search=query) | Q(lower_title__trigram_similar=needle))
        .annotate(
            rank=SearchRank(F("search"), query),
            similar=TrigramSimilarity(Lower("title"), needle),
        )
        .annotate(score=F("rank") + F("similar"))
        .order_by("-score", "-pk")
        .select_related("space")
        .only("id", "title", "answer_count", "accepted_answer_id", "space__name", "space__slug")
    )
    return list(topics[:limit])


def search_topics(*, user, q: str, limit: int):
    """The forum source of the top bar search."""
    from intranet.search.registry import Result

    return [
        Result(
            title=topic.title,
            url=topic.get_absolute_url(),
            meta=topic.space.name,
        )
        for topic in similar_questions(user=user, title=q, limit=limit)
    ]


def answer_with_my_vote(*, answer_id: int, user) -> Answer:
    answer = Answer.objects.get(pk=answer_id)
    answer.my_vote = (
        Vote.objects.filter(answer_id=answer_id, user_id=user.pk)
        .values_list("value", flat=True)
        .first()
        or 0
    )
    return answer


# --- Unanswered ---------------------------------------------------------------------------------

SUGGESTED_EXPERTS = 3


def unanswered_for(*, user):
    """Questions without an answer in the spaces I am a member of, oldest first."""
    from intranet.governance.models import Membership

    return (
        Topic.objects.filter(
            kind=Topic.Kind.QUESTION,
            answer_count=0,
            space_id__in=Membership.objects.filter(user_id=user.pk).values("space_id"),
        )
        .select_related("author", "space")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name", "slug")))
        .order_by("created_at", "pk")
    )


def with_suggested_experts(*, user, topics) -> list[Topic]:
    """Attach `topic.experts`: up to three people with evidence on the question's tags (never
    the asker nor the reader), from profiles' expertise finder, in two queries for the page."""
    from profiles import selectors as people

    topics = list(topics)
    ranked = people.experts_by_topic(
        viewer=user, topics=[tag.slug for topic in topics for tag in topic.tags.all()]
    )
    wanted: dict[int, dict[int, float]] = {}
    for topic in topics:
        scores: dict[int, float] = {}
        for tag in topic.tags.all():
            for person_id, score in ranked.get(tag.slug, []):
                if person_id not in (topic.author_id, user.pk):
                    scores[person_id] = scores.get(person_id, 0) + score
        wanted[topic.pk] = scores
    ids = {pid for scores in wanted.values() for pid in scores}
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.select_related("department").in_bulk(ids) if ids else {}
    for topic in topics:
        best = sorted(wanted[topic.pk].items(), key=lambda item: -item[1])[:SUGGESTED_EXPERTS]
        topic.experts = [found[pid] for pid, _score in best if pid in found]
    return topics


def follows(*, user, topic: Topic) -> dict:
    """Whether the reader follows the topic, and which of its tags: one query each."""
    from forums.models import TagFollow, TopicFollow

    return {
        "topic": TopicFollow.objects.filter(user_id=user.pk, topic=topic).exists(),
        "tags": set(
            TagFollow.objects.filter(user_id=user.pk, tag__topics=topic).values_list(
                "tag__slug", flat=True
            )
        ),
    }
