"""The question page, live: new answers and changed scores arrive without a reload
(activity's live pages; the socket joins "topic.<id>" when its user may read the topic)."""

from __future__ import annotations

from django.http import Http404
from django.template.loader import render_to_string

from forums import selectors
from forums.access import answer_access
from forums.models import Answer
from intranet.activity import live


def group(topic_id: int) -> str:
    return f"topic.{topic_id}"


def groups(*, user, id: int) -> list[str] | None:
    return None if selectors.readable_topic(user=user, topic_id=id) is None else [group(id)]


def render(*, user, language: str, message: dict, memo: dict | None = None) -> str | None:
    answer = (
        Answer.objects.select_related("author", "topic", "topic__space")
        .filter(pk=message.get("answer_id"))
        .first()
    )
    if answer is None:
        return None
    # Asked again for every message: access may have changed since the page opened (left the
    # space, forum switched off, View narrowed, topic or answer hidden).
    try:
        access = answer_access(user=user, answer=answer)
    except Http404:
        return None
    if message.get("event") == "vote":
        return render_to_string("forums/_score.html", {"answer": answer, "oob": True})
    if message.get("event") == "answer" and answer.author_id != user.pk:
        topic = answer.topic
        answer.my_vote = 0
        return render_to_string(
            "forums/_answer_live.html",
            {
                "answer": answer,
                "topic": topic,
                "user": user,
                "may_accept": topic.is_question
                and selectors.may_manage(user=user, access=access, author_id=topic.author_id),
            },
        )
    return None


def register() -> None:
    live.register_page(live.LivePage(kind="topic", groups=groups, render=render))


def answer_posted(*, topic_id: int, answer_id: int) -> None:
    live.push_page(group(topic_id), {"event": "answer", "answer_id": answer_id})


def vote_cast(*, topic_id: int, answer_id: int) -> None:
    live.push_page(group(topic_id), {"event": "vote", "answer_id": answer_id})
