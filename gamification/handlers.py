"""Points and badges follow the content apps' events (after commit). Event keys name the thing
the points are for, so the same thing never pays twice, whichever event says it again."""

from django.urls import reverse

from gamification import events as game_events
from gamification import services
from gamification.models import DeedKind, RuleKey
from intranet import events


def _earn(
    *, user_id, rule=None, deed=None, key: str, actor_id=None, space_id=None, shared=False
) -> None:
    """Points (when a rule pays for it) and a deed (for badges and challenges). `shared`: the
    thing pays several people (a story), so each one's ledger key names them."""
    if rule is not None:
        services.award(
            user_id=user_id,
            rule_key=rule,
            event_key=f"{key}:{user_id}" if shared else key,
            actor_id=actor_id,
            space_id=space_id,
        )
    if deed is not None and user_id is not None:
        services.record_deed(user_id=user_id, kind=deed, event_key=key, space_id=space_id)
        services.check_challenges(user_id=user_id)


def on_question_asked(event) -> None:
    if event.kind == "question":
        _earn(
            user_id=event.author_id,
            rule=RuleKey.QUESTION_ASKED,
            deed=DeedKind.QUESTION_ASKED,
            key=f"topic:{event.topic_id}",
            space_id=event.space_id,
        )


def on_answer_posted(event) -> None:
    # Answering one's own question is not helping someone else.
    if event.author_id != event.topic_author_id:
        _earn(
            user_id=event.author_id,
            deed=DeedKind.ANSWER_POSTED,
            key=f"answer:{event.answer_id}",
            space_id=event.space_id,
        )


def on_answer_accepted(event) -> None:
    from forums.models import Topic

    if event.previous_answer_id is not None:
        services.reverse(
            rule_key=RuleKey.ANSWER_ACCEPTED, event_key=f"answer:{event.previous_answer_id}"
        )
    if event.answer_id is not None:
        space_id = Topic.objects.filter(pk=event.topic_id).values_list("space_id", flat=True)
        space_id = space_id.first()
        services.award(
            user_id=event.answer_author_id,
            rule_key=RuleKey.ANSWER_ACCEPTED,
            event_key=f"answer:{event.answer_id}",
            actor_id=event.actor_id,
            space_id=space_id,
        )
        services.restore(rule_key=RuleKey.ANSWER_ACCEPTED, event_key=f"answer:{event.answer_id}")
        if event.answer_author_id != event.actor_id:
            _earn(
                user_id=event.answer_author_id,
                deed=DeedKind.ANSWER_ACCEPTED,
                key=f"accepted:{event.answer_id}",
                space_id=space_id,
            )


def on_article_published(event) -> None:
    _earn(
        user_id=event.owner_id,
        rule=RuleKey.ARTICLE_PUBLISHED,
        deed=DeedKind.ARTICLE_PUBLISHED,
        key=f"article:{event.article_id}",
        space_id=_article_space(event.article_id),
    )


def _article_space(article_id: int) -> int | None:
    from knowledge.models import Article

    return Article.objects.filter(pk=article_id).values_list("space_id", flat=True).first()


def on_suggestion_accepted(event) -> None:
    if event.proposer_id == event.decided_by_id:
        return
    _earn(
        user_id=event.proposer_id,
        rule=RuleKey.SUGGESTION_ACCEPTED,
        deed=DeedKind.SUGGESTION_ACCEPTED,
        key=f"suggestion:{event.suggestion_id}",
        actor_id=event.decided_by_id,
        space_id=_article_space(event.article_id),
    )


def on_pain_flagged(event) -> None:
    _earn(
        user_id=event.author_id,
        deed=DeedKind.PAIN_POINT_FLAGGED,
        key=f"pain:{event.pain_point_id}",
    )


def on_pain_status(event) -> None:
    """Who flagged a pain point that got solved made the process better: they earn; a pain
    point reopened takes it back."""
    key = f"pain:{event.pain_point_id}"
    if event.status == "solved":
        services.award(
            user_id=event.author_id,
            rule_key=RuleKey.PAIN_POINT_SOLVED,
            event_key=key,
            actor_id=event.actor_id,
        )
        services.restore(rule_key=RuleKey.PAIN_POINT_SOLVED, event_key=key)
        if event.author_id != event.actor_id:
            _earn(user_id=event.author_id, deed=DeedKind.PAIN_POINT_SOLVED, key=f"solved:{key}")
    else:
        services.reverse(rule_key=RuleKey.PAIN_POINT_SOLVED, event_key=key)


def _story_credit(
    *, story_id, space_id, user_ids, actor_id, rule, deed, key, state, notify_ids, by
):
    """Points and a deed for everyone credited by a story event, and a notification (one per
    story and kind of news, absorbing later actors) to those who should hear of it, from `by`.
    `actor_id` is who caused the points: nobody for publishing (the author earns too)."""
    from gamification.models import Story
    from intranet.activity import services as activity

    for user_id in _readers(story_id=story_id, user_ids=user_ids):
        _earn(
            user_id=user_id,
            rule=rule,
            deed=deed,
            key=key,
            actor_id=actor_id,
            space_id=space_id,
            shared=True,
        )
    url = reverse("gamification:story", args=[story_id])
    title = Story.objects.filter(pk=story_id).values_list("title", flat=True).first()
    for user_id in notify_ids:
        activity.notify(
            recipient_id=user_id,
            kind="story",
            group_key=f"story-{state}:{story_id}",
            actor_id=by,
            url=url,
            params={"title": title, "state": state},
            space_id=space_id,
        )


def _readers(*, story_id: int, user_ids) -> list[int]:
    """Those of `user_ids` who may read the story now (its space readable with stories on,
    through the governance predicates, and the story not hidden): a story pays nobody for
    something they cannot see, e.g. a colleague tagged in a secret space they are not in.
    Each person is paid once per story anyway: their ledger key names story and person."""
    from django.contrib.auth import get_user_model

    from gamification.access import story_space_ids
    from gamification.models import Story

    story = Story.objects.filter(pk=story_id, hidden_at__isnull=True).values("space_id").first()
    if story is None:
        return []
    people = get_user_model().objects.filter(pk__in={pk for pk in user_ids if pk is not None})
    return sorted(
        person.pk for person in people if story["space_id"] in story_space_ids(user=person)
    )


def on_story_published(event) -> None:
    """Everyone in the story who may read it earns, the author too (publishing a story is
    work for others), once each; the people tagged hear about it."""
    _story_credit(
        story_id=event.story_id,
        space_id=event.space_id,
        user_ids={event.author_id, *event.people_ids},
        actor_id=None,
        rule=RuleKey.STORY_PUBLISHED,
        deed=DeedKind.STORY_PUBLISHED,
        key=f"story:{event.story_id}",
        state="tag",
        notify_ids=event.people_ids,
        by=event.author_id,
    )


def on_story_reused(event) -> None:
    _story_credit(
        story_id=event.story_id,
        space_id=event.space_id,
        user_ids=event.credited_ids,
        actor_id=event.user_id,
        rule=RuleKey.STORY_REUSED,
        deed=DeedKind.STORY_REUSED,
        key=f"reuse:{event.reuse_id}",
        state="reuse",
        notify_ids=event.credited_ids,
        by=event.user_id,
    )


def on_badge_earned(event) -> None:
    from gamification.models import Badge
    from intranet.activity import services as activity

    badge = Badge.objects.filter(pk=event.badge_id).first()
    if badge is None:
        return
    activity.notify(
        recipient_id=event.user_id,
        kind="badge",
        group_key=f"badge:{event.award_id}",
        actor_id=None,
        url=reverse("gamification:badge", args=[event.badge_id]),
        params={"badge": badge.name, "badge_nl": badge.name_nl, "tier": event.tier},
        # A badge earned only within one space names that space's work.
        space_id=badge.space_id,
    )


def on_leadership_invited(event) -> None:
    """The person hears of it and finds the reason on their invitations page."""
    from intranet.activity import services as activity

    activity.notify(
        recipient_id=event.person_id,
        kind="leadership",
        group_key=f"leadership:{event.invitation_id}",
        actor_id=event.actor_id,
        url=reverse("gamification:invitations") + f"#invitation-{event.invitation_id}",
        params={"state": "invited", "kind": event.kind},
    )


def on_leadership_answered(event) -> None:
    """The administrator who asked hears the answer; the person hears of a withdrawal."""
    from intranet.activity import services as activity

    if event.status == "withdrawn":
        recipient, url = event.person_id, reverse("gamification:invitations")
    else:
        recipient, url = event.inviter_id, reverse("gamification:leadership_sent")
    if recipient is None:
        return
    activity.notify(
        recipient_id=recipient,
        kind="leadership",
        group_key=f"leadership:{event.invitation_id}:{event.status}",
        actor_id=event.actor_id,
        url=url,
        params={"state": event.status, "kind": event.kind},
    )


def on_profile_updated(event) -> None:
    from gamification import selectors

    if selectors.profile_complete(user_id=event.user_id):
        _earn(
            user_id=event.user_id,
            deed=DeedKind.PROFILE_COMPLETED,
            key=f"profile:{event.user_id}",
        )


# Moderation kinds -> (rule, event key prefix) whose points follow the content.
HIDDEN = {
    "forums.topic": (RuleKey.QUESTION_ASKED, "topic"),
    "forums.answer": (RuleKey.ANSWER_ACCEPTED, "answer"),
    "knowledge.article": (RuleKey.ARTICLE_PUBLISHED, "article"),
    "gamification.story": (RuleKey.STORY_PUBLISHED, "story"),
}


def _ledger_keys(rule: str, key: str) -> list[str]:
    """The event's own key, and for things that pay several people, each one's key."""
    from gamification.models import LedgerEntry

    shared = LedgerEntry.objects.filter(
        rule__key=rule, event_key__startswith=f"{key}:", reverses__isnull=True
    ).values_list("event_key", flat=True)
    return [key, *shared]


def on_hidden(event) -> None:
    """Hidden by a moderator or deleted by its author: its points are reversed and its deeds
    stop counting towards badges still to earn."""
    if event.kind in HIDDEN:
        rule, prefix = HIDDEN[event.kind]
        key = f"{prefix}:{event.object_id}"
        for event_key in _ledger_keys(rule, key):
            services.reverse(rule_key=rule, event_key=event_key)
        services.void_deeds(event_key=key)


def on_restored(event) -> None:
    if event.kind in HIDDEN:
        rule, prefix = HIDDEN[event.kind]
        key = f"{prefix}:{event.object_id}"
        for event_key in _ledger_keys(rule, key):
            services.restore(rule_key=rule, event_key=event_key)
        services.void_deeds(event_key=key, void=False)


def register() -> None:
    from forums import events as forum_events
    from intranet.moderation import events as moderation_events
    from knowledge import events as knowledge_events
    from processes import events as process_events
    from profiles import events as profile_events

    events.subscribe(forum_events.QuestionAsked, on_question_asked)
    events.subscribe(forum_events.AnswerPosted, on_answer_posted)
    events.subscribe(forum_events.AnswerAccepted, on_answer_accepted)
    events.subscribe(knowledge_events.ArticlePublished, on_article_published)
    events.subscribe(knowledge_events.SuggestionAccepted, on_suggestion_accepted)
    events.subscribe(process_events.PainPointFlagged, on_pain_flagged)
    events.subscribe(process_events.PainPointStatusChanged, on_pain_status)
    events.subscribe(profile_events.ProfileUpdated, on_profile_updated)
    events.subscribe(game_events.StoryPublished, on_story_published)
    events.subscribe(game_events.StoryReused, on_story_reused)
    events.subscribe(game_events.BadgeEarned, on_badge_earned)
    events.subscribe(game_events.LeadershipInvited, on_leadership_invited)
    events.subscribe(game_events.LeadershipAnswered, on_leadership_answered)
    events.subscribe(moderation_events.ContentHidden, on_hidden)
    events.subscribe(moderation_events.ContentRestored, on_restored)
