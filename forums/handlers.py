"""What follows forum events: the asker hears about answers, the answerer about acceptance,
mentioned colleagues and followers of the topic or its tags about new answers, and accepted
answers count as expertise on the question's tags."""

from django.http import Http404
from django.urls import reverse

from forums import access, expertise, live
from forums import events as ev
from forums.models import TagFollow, Topic, TopicFollow
from intranet import events
from intranet.activity import services as activity
from intranet.activity.models import NotificationKind


def _topic(topic_id: int) -> Topic | None:
    return Topic.objects.select_related("space").filter(pk=topic_id).first()


def _may_read(person, topic: Topic) -> bool:
    try:
        access.topic_access(user=person, topic=topic)
    except Http404:
        return False
    return True


def _url(topic_id: int, answer_id: int | None = None) -> str:
    url = reverse("forums:topic", args=[topic_id])
    return f"{url}#answer-{answer_id}" if answer_id else url


def _mentions(*, topic: Topic, actor_id: int, mentioned_ids: list[int], url: str) -> None:
    activity.notify_mentions(
        mentioned_ids=mentioned_ids,
        actor_id=actor_id,
        space=topic.space,
        url=url,
        key=f"mention:{url}",
    )


def on_question_asked(event: ev.QuestionAsked) -> None:
    topic = _topic(event.topic_id)
    if topic is not None:
        _mentions(
            topic=topic,
            actor_id=event.author_id,
            mentioned_ids=event.mentioned_ids,
            url=_url(topic.pk),
        )


def on_answer_posted(event: ev.AnswerPosted) -> None:
    topic = _topic(event.topic_id)
    if topic is None:
        return
    url = _url(topic.pk, event.answer_id)
    activity.notify(
        recipient_id=event.topic_author_id,
        kind=NotificationKind.ANSWER,
        group_key=f"answers:topic:{topic.pk}",
        actor_id=event.author_id,
        url=url,
        params={"title": topic.title},
        space_id=topic.space_id,
    )
    _mentions(topic=topic, actor_id=event.author_id, mentioned_ids=event.mentioned_ids, url=url)
    # Followers of the topic or of one of its tags, who may still read the space.
    followers = set(TopicFollow.objects.filter(topic=topic).values_list("user_id", flat=True))
    followers |= set(TagFollow.objects.filter(tag__topics=topic).values_list("user_id", flat=True))
    followers -= {event.author_id, event.topic_author_id, *event.mentioned_ids}
    from django.contrib.auth import get_user_model

    for person in get_user_model().objects.filter(pk__in=followers, is_active=True):
        if _may_read(person, topic):
            activity.notify(
                recipient_id=person.pk,
                kind=NotificationKind.FOLLOWED,
                group_key=f"followed:topic:{topic.pk}",
                actor_id=event.author_id,
                url=url,
                params={"title": topic.title},
                space_id=topic.space_id,
            )


def on_answer_live(event: ev.AnswerPosted) -> None:
    live.answer_posted(topic_id=event.topic_id, answer_id=event.answer_id)


def on_vote_live(event: ev.VoteCast) -> None:
    live.vote_cast(topic_id=event.topic_id, answer_id=event.answer_id)


def on_answer_requested(event: ev.AnswerRequested) -> None:
    topic = _topic(event.topic_id)
    if topic is not None:
        activity.notify(
            recipient_id=event.person_id,
            kind=NotificationKind.ANSWER_REQUEST,
            group_key=f"answer_request:{topic.pk}",
            actor_id=event.actor_id,
            url=_url(topic.pk),
            params={"title": topic.title},
            space_id=topic.space_id,
        )


def on_answer_accepted(event: ev.AnswerAccepted) -> None:
    topic = _topic(event.topic_id)
    title = topic.title if topic else ""
    if event.answer_author_id is not None:
        activity.notify(
            recipient_id=event.answer_author_id,
            kind=NotificationKind.ACCEPTED,
            group_key=f"accepted:answer:{event.answer_id}",
            actor_id=event.actor_id,
            url=_url(event.topic_id, event.answer_id),
            params={"title": title},
            space_id=topic.space_id if topic else None,
        )
    # Evidence on the question's tags, recomputed from the accepted answers themselves: it
    # keeps the question's space and follows it when hidden, moved or merged (forums.expertise).
    expertise.refresh_people({event.answer_author_id, event.previous_answer_author_id})


def register() -> None:
    events.subscribe(ev.QuestionAsked, on_question_asked)
    events.subscribe(ev.AnswerPosted, on_answer_posted)
    events.subscribe(ev.AnswerPosted, on_answer_live)
    events.subscribe(ev.VoteCast, on_vote_live)
    events.subscribe(ev.AnswerRequested, on_answer_requested)
    events.subscribe(ev.AnswerAccepted, on_answer_accepted)
