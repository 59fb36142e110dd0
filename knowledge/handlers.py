"""What follows knowledge events: owners hear of suggestions, outdated flags and reviews due;
proposers hear how their suggestion was decided."""

import re

from django.urls import reverse

from intranet import events
from intranet.activity import services as activity
from intranet.activity.models import NotificationKind
from knowledge import events as ev
from knowledge.models import Article


def _title(article_id: int) -> str:
    return Article.objects.filter(pk=article_id).values_list("title", flat=True).first() or ""


def on_suggestion_made(event: ev.SuggestionMade) -> None:
    url = reverse("knowledge:suggestions", args=[event.article_id])
    for owner_id in event.owner_ids:
        activity.notify(
            recipient_id=owner_id,
            kind=NotificationKind.SUGGESTION,
            group_key=f"suggestion:{event.article_id}",
            actor_id=event.proposer_id,
            url=url,
            params={"title": _title(event.article_id)},
        )


def _decided(event, accepted: bool) -> None:
    activity.notify(
        recipient_id=event.proposer_id,
        kind=NotificationKind.SUGGESTION_DECIDED,
        group_key=f"suggestion-decided:{event.suggestion_id}",
        actor_id=event.decided_by_id,
        url=reverse("knowledge:article", args=[event.article_id]),
        params={
            "title": _title(event.article_id),
            "accepted": accepted,
            "reason": getattr(event, "reason", ""),
        },
    )


def on_suggestion_accepted(event: ev.SuggestionAccepted) -> None:
    _decided(event, True)


def on_suggestion_declined(event: ev.SuggestionDeclined) -> None:
    _decided(event, False)


def on_flagged(event: ev.ArticleFlagged) -> None:
    for owner_id in event.owner_ids:
        activity.notify(
            recipient_id=owner_id,
            kind=NotificationKind.SUGGESTION,
            group_key=f"outdated:{event.article_id}",
            actor_id=event.user_id,
            url=reverse("knowledge:article", args=[event.article_id]),
            params={"title": _title(event.article_id), "flag": True},
        )


def on_review_due(event: ev.ReviewDue) -> None:
    for owner_id in event.owner_ids:
        activity.notify(
            recipient_id=owner_id,
            kind=NotificationKind.REVIEW,
            group_key=f"review:{event.article_id}",
            actor_id=None,
            url=reverse("knowledge:article", args=[event.article_id]),
            params={"title": _title(event.article_id)},
        )


ARTICLE_LINK = re.compile(r"/knowledge/(\d+)/")


def record_citations(*, topic_id: int, text: str) -> None:
    """Links to articles in a question or answer become citations (existing articles only)."""
    from knowledge.models import Citation

    ids = {int(n) for n in ARTICLE_LINK.findall(text or "")}
    if not ids:
        return
    existing = Article.objects.filter(pk__in=ids).values_list("pk", flat=True)
    Citation.objects.bulk_create(
        [Citation(article_id=pk, topic_id=topic_id) for pk in existing], ignore_conflicts=True
    )


def on_question_asked(event) -> None:
    from forums.models import Topic

    body = Topic.objects.filter(pk=event.topic_id).values_list("body", flat=True).first()
    record_citations(topic_id=event.topic_id, text=body)


def on_answer_posted(event) -> None:
    from forums.models import Answer

    body = Answer.objects.filter(pk=event.answer_id).values_list("body", flat=True).first()
    record_citations(topic_id=event.topic_id, text=body)


def register() -> None:
    from forums import events as forum_events

    events.subscribe(forum_events.QuestionAsked, on_question_asked)
    events.subscribe(forum_events.AnswerPosted, on_answer_posted)
    events.subscribe(ev.SuggestionMade, on_suggestion_made)
    events.subscribe(ev.SuggestionAccepted, on_suggestion_accepted)
    events.subscribe(ev.SuggestionDeclined, on_suggestion_declined)
    events.subscribe(ev.ArticleFlagged, on_flagged)
    events.subscribe(ev.ReviewDue, on_review_due)
