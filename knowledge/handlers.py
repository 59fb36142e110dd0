"""What follows knowledge events: owners hear of suggestions, outdated flags and reviews due;
proposers hear how their suggestion was decided."""

import re

from django.urls import reverse

from intranet import events
from intranet.activity import services as activity
from intranet.activity.models import NotificationKind
from knowledge import events as ev
from knowledge.models import Article


def _origin(article_id: int) -> dict:
    """The article's title for the text, and its space: the notification is shown only while
    the recipient may read that space."""
    row = Article.objects.filter(pk=article_id).values_list("title", "space_id").first()
    return {"params": {"title": row[0] if row else ""}, "space_id": row[1] if row else None}


def _notify(*, article_id: int, extra: dict | None = None, **fields) -> None:
    origin = _origin(article_id)
    activity.notify(
        **fields, params={**origin["params"], **(extra or {})}, space_id=origin["space_id"]
    )


def on_suggestion_made(event: ev.SuggestionMade) -> None:
    url = reverse("knowledge:suggestions", args=[event.article_id])
    for owner_id in event.owner_ids:
        _notify(
            article_id=event.article_id,
            recipient_id=owner_id,
            kind=NotificationKind.SUGGESTION,
            group_key=f"suggestion:{event.article_id}",
            actor_id=event.proposer_id,
            url=url,
        )


def _decided(event, accepted: bool) -> None:
    _notify(
        article_id=event.article_id,
        recipient_id=event.proposer_id,
        kind=NotificationKind.SUGGESTION_DECIDED,
        group_key=f"suggestion-decided:{event.suggestion_id}",
        actor_id=event.decided_by_id,
        url=reverse("knowledge:article", args=[event.article_id]),
        extra={"accepted": accepted, "reason": getattr(event, "reason", "")},
    )


def on_suggestion_accepted(event: ev.SuggestionAccepted) -> None:
    _decided(event, True)


def on_suggestion_declined(event: ev.SuggestionDeclined) -> None:
    _decided(event, False)


def on_flagged(event: ev.ArticleFlagged) -> None:
    for owner_id in event.owner_ids:
        _notify(
            article_id=event.article_id,
            recipient_id=owner_id,
            kind=NotificationKind.SUGGESTION,
            group_key=f"outdated:{event.article_id}",
            actor_id=event.user_id,
            url=reverse("knowledge:article", args=[event.article_id]),
            extra={"flag": True},
        )


def on_review_due(event: ev.ReviewDue) -> None:
    for owner_id in event.owner_ids:
        _notify(
            article_id=event.article_id,
            recipient_id=owner_id,
            kind=NotificationKind.REVIEW,
            group_key=f"review:{event.article_id}",
            actor_id=None,
            url=reverse("knowledge:article", args=[event.article_id]),
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
