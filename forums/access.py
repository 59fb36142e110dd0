"""How forum topics and answers are loaded and listed for a user: the only way in (DESIGN.md,
"Governance: one place decides"). The space's forum must be switched on, its effective matrix
must let the user do the action (View first), and a hidden post exists only for its author and
the space's moderators. Missing, forbidden and malformed ids all answer the same 404."""

from __future__ import annotations

from django.http import Http404

from forums.models import Answer, Topic
from intranet.governance.access import object_id, space_access, unless_hidden
from intranet.governance.constants import Action, Module


def readable_topics(*, user):
    """Topics in spaces the user may read (forum on, View not narrowed away), not hidden."""
    return Topic.objects.readable_by(user)


def readable_answers(*, user):
    return Answer.objects.readable_by(user)


def topic_access(*, user, topic: Topic, action: str = Action.VIEW):
    """The user's access to the space of a topic already loaded (with its space), or 404."""
    access = space_access(user=user, space=topic.space, module=Module.FORUMS, action=action)
    unless_hidden(obj=topic, user=user, access=access)
    return access


def access_topic(*, user, topic_id, action: str = Action.VIEW):
    """(topic, access) when the user may `action` in the topic's space; 404 otherwise."""
    topic = (
        Topic.objects.select_related("space", "author", "space__department")
        .filter(pk=object_id(topic_id))
        .first()
    )
    if topic is None:
        raise Http404
    return topic, topic_access(user=user, topic=topic, action=action)


def access_answer(*, user, answer_id, action: str = Action.VIEW):
    """(answer, access): the answer (with its topic and space loaded) when the user may read
    its topic and `action` in its space. A hidden answer only for its author and moderators."""
    answer = (
        Answer.objects.select_related("author", "topic", "topic__space", "topic__author")
        .filter(pk=object_id(answer_id))
        .first()
    )
    if answer is None:
        raise Http404
    return answer, answer_access(user=user, answer=answer, action=action)


def answer_access(*, user, answer: Answer, action: str = Action.VIEW):
    """The user's access to the space of an answer already loaded (with its topic and the
    topic's space), or 404."""
    access = topic_access(user=user, topic=answer.topic, action=action)
    unless_hidden(obj=answer, user=user, access=access)
    return access


def may_edit(*, user, access, post) -> bool:
    """Edit a topic or an answer: its author or a moderator of the space; a post a moderator
    hid stays as it is until a moderator restores it (its author may not rewrite it)."""
    if access.can(Action.MODERATE):
        return True
    return post.author_id == user.pk and not post.is_hidden and not _topic_hidden(post)


def _topic_hidden(post) -> bool:
    return isinstance(post, Answer) and post.topic.is_hidden


def forum_space(*, user, slug: str, action: str = Action.VIEW):
    """A space by its address whose forum the user may `action` in (read, by default), or
    None: unknown and forbidden spaces are alike (search filters, move targets)."""
    from intranet.governance.selectors import spaces_where

    found = spaces_where(user=user, module=Module.FORUMS, action=action, slug=str(slug or "")[:120])
    return found[0] if found else None
