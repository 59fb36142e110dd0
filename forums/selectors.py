"""Reads for the forums, each in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, Value, When

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
