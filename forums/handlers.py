"""What follows forum events: the asker hears about answers, the answerer about acceptance,
and accepted answers count as expertise on the question's tags."""

from django.urls import reverse

from forums import events as ev
from forums.models import Topic
from intranet import events
from intranet.activity import services as activity
from intranet.activity.models import NotificationKind


def on_answer_posted(event: ev.AnswerPosted) -> None:
    activity.notify(
        recipient_id=event.topic_author_id,
        kind=NotificationKind.ANSWER,
        group_key=f"answers:topic:{event.topic_id}",
        actor_id=event.author_id,
        url=reverse("forums:topic", args=[event.topic_id]) + f"#answer-{event.answer_id}",
        params={"topic": event.topic_id},
    )


def on_answer_accepted(event: ev.AnswerAccepted) -> None:
    from profiles import services as profiles

    if event.answer_author_id is not None:
        activity.notify(
            recipient_id=event.answer_author_id,
            kind=NotificationKind.ACCEPTED,
            group_key=f"accepted:answer:{event.answer_id}",
            actor_id=event.actor_id,
            url=reverse("forums:topic", args=[event.topic_id]) + f"#answer-{event.answer_id}",
            params={"topic": event.topic_id},
        )
    title = Topic.objects.filter(pk=event.topic_id).values_list("title", flat=True).first() or ""
    for tag in event.tags:
        if event.answer_author_id is not None:
            profiles.record_evidence(
                person_id=event.answer_author_id,
                topic=tag,
                source="answers",
                example={"title": title, "url": reverse("forums:topic", args=[event.topic_id])},
            )
        if event.previous_answer_author_id is not None:
            profiles.record_evidence(
                person_id=event.previous_answer_author_id, topic=tag, source="answers", delta=-1
            )


def register() -> None:
    events.subscribe(ev.AnswerPosted, on_answer_posted)
    events.subscribe(ev.AnswerAccepted, on_answer_accepted)
