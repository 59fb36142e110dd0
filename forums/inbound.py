"""Replies by email (intranet.inbound): replying to a notification about a question posts an
answer; replying to one about a comment under a topic or an answer posts a comment there.
Each reply loads its target through forums.access for the person, when it arrives."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from forums import access, services
from intranet.governance.constants import Action
from intranet.inbound import registry


def _answer(*, user, target_id: int, body: str) -> str:
    topic, _space = access.access_topic(user=user, topic_id=target_id, action=Action.ANSWER)
    made = services.answer(author=user, topic=topic, body=body)
    return made.get_absolute_url()


def _may_answer(*, user, target_id: int) -> bool:
    try:
        topic, _space = access.access_topic(user=user, topic_id=target_id, action=Action.ANSWER)
    except Http404:
        return False
    return not (topic.locked or topic.merged_into_id or topic.is_hidden)


def _comment_on_topic(*, user, target_id: int, body: str) -> str:
    topic, _space = access.access_topic(user=user, topic_id=target_id, action=Action.COMMENT)
    made = services.comment(author=user, topic=topic, body=body)
    return f"{topic.get_absolute_url()}#comment-{made.pk}"


def _comment_on_answer(*, user, target_id: int, body: str) -> str:
    answer, _space = access.access_answer(user=user, answer_id=target_id, action=Action.COMMENT)
    made = services.comment(author=user, topic=answer.topic, body=body, answer_id=answer.pk)
    return f"{answer.topic.get_absolute_url()}#comment-{made.pk}"


def _may_comment_on_topic(*, user, target_id: int) -> bool:
    try:
        topic, _space = access.access_topic(user=user, topic_id=target_id, action=Action.COMMENT)
    except Http404:
        return False
    return not (topic.locked or topic.is_hidden)


def _may_comment_on_answer(*, user, target_id: int) -> bool:
    try:
        answer, _space = access.access_answer(user=user, answer_id=target_id, action=Action.COMMENT)
    except Http404:
        return False
    return not (answer.topic.locked or answer.topic.is_hidden or answer.is_hidden)


def register() -> None:
    registry.register(
        registry.Replyable(
            kind="answer",
            post=_answer,
            notifications=("answers:topic:{id}", "followed:topic:{id}", "answer_request:{id}"),
            hint=_("Reply to this email to post an answer."),
            allowed=_may_answer,
        )
    )
    registry.register(
        registry.Replyable(
            kind="tcomment",
            post=_comment_on_topic,
            notifications=("reply:topic:{id}",),
            hint=_("Reply to this email to comment on the topic."),
            allowed=_may_comment_on_topic,
        )
    )
    registry.register(
        registry.Replyable(
            kind="acomment",
            post=_comment_on_answer,
            notifications=("reply:answer:{id}",),
            hint=_("Reply to this email to comment on the answer."),
            allowed=_may_comment_on_answer,
        )
    )
