"""Writes in the forums. Each checks the space's rights (governance decides), validates
everything before writing, writes in one transaction and publishes its event."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from forums import access, cache, expertise, selectors
from forums import events as ev
from forums.models import Answer, Revision, Tag, TagFollow, Topic, TopicFollow, Vote
from intranet import events
from intranet.activity import feed_cache, text
from intranet.core import ratelimit
from intranet.governance import audit, permissions
from intranet.governance.access import object_id
from intranet.governance.constants import Action, Module

TITLE_MIN, TITLE_MAX = 5, 200
BODY_MAX = 20_000
MAX_TAGS = 5
TAG = re.compile(r"^[\w][\w+#.-]{0,29}$")


def _access(user, space, action: str) -> None:
    if Module.FORUMS not in (space.modules or []):
        raise PermissionDenied
    if not permissions.access_for(user, space).can(action):
        raise PermissionDenied


def _clean_body(body: str, *, required: bool, field: str = "body") -> str:
    body = (body or "").strip()
    if required and not body:
        raise ValidationError({field: _("Write something first.")})
    if len(body) > BODY_MAX:
        raise ValidationError(
            {field: _("Keep it under %(limit)s characters.") % {"limit": f"{BODY_MAX:,}"}}
        )
    return body


def clean_tags(raw) -> list[str]:
    if isinstance(raw, str):
        names = raw.split(",")
    elif isinstance(raw, (list, tuple)) or raw is None:
        names = list(raw or [])
    else:  # a number, true/false or an object from JSON
        raise ValidationError({"tags": _("Give a list, or names separated by commas.")})
    cleaned: dict[str, str] = {}
    for name in names:
        name = "".join(str(name).split()).lower()
        if not name:
            continue
        if not TAG.match(name):
            raise ValidationError(
                {
                    "tags": _(
                        "“%(tag)s” is not a tag: use letters, digits and + # . - "
                        "(at most 30 characters)."
                    )
                    % {"tag": name[:40]}
                }
            )
        cleaned.setdefault(slugify(name, allow_unicode=True) or name, name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("Use at most %(n)d tags.") % {"n": MAX_TAGS}})
    return list(cleaned.values())


def tags_named(names: list[str]) -> list[Tag]:
    """The tags with these (cleaned) names, made when new. Tags are shared: the knowledge base
    tags its articles with the same ones, so questions and articles meet on a tag."""
    return [
        Tag.objects.get_or_create(slug=slugify(n, allow_unicode=True) or n, defaults={"name": n})[0]
        for n in names
    ]


def _clean_topic(*, kind: str, title: str, body: str, tags, language: str) -> dict:
    errors = {}
    title = " ".join((title or "").split())
    if kind not in Topic.Kind.values:
        errors["kind"] = _("Choose a question or a discussion.")
    if len(title) < TITLE_MIN:
        errors["title"] = _("Give it a title of at least %(n)d characters.") % {"n": TITLE_MIN}
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %(n)d characters.") % {"n": TITLE_MAX}
    if language not in Topic.Language.values:
        errors["language"] = _("Choose Dutch or English.")
    values = {"kind": kind, "title": title, "language": language}
    for field, clean in (
        ("body", lambda: _clean_body(body, required=False)),
        ("tags", lambda: clean_tags(tags)),
    ):
        try:
            values[field] = clean()
        except ValidationError as error:
            errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return values


def ask(
    *,
    author,
    space,
    kind: str,
    title: str,
    body: str = "",
    tags=(),
    language: str = "nl",
    ask_leadership: bool = False,
) -> Topic:
    """Start a question (it expects an answer) or a discussion in a space. Anyone may ask
    the leadership: employees who may read the leadership's space ask their question there
    even when they are not members."""
    if not (
        ask_leadership
        and kind == Topic.Kind.QUESTION
        and selectors.is_leadership_space(space)
        and Module.FORUMS in (space.modules or [])
        and not permissions.is_guest(author)
        and permissions.access_for(author, space).can(Action.VIEW)
    ):
        _access(author, space, Action.ASK_QUESTION if kind == Topic.Kind.QUESTION else Action.POST)
    values = _clean_topic(kind=kind, title=title, body=body, tags=tags, language=language)
    ratelimit.guard(user=author, action="topic")
    mentioned = [p for p in text.mentioned_users(values["body"]) if p.pk != author.pk]
    with transaction.atomic():
        topic = Topic.objects.create(
            space=space,
            author=author,
            kind=values["kind"],
            title=values["title"],
            body=values["body"],
            body_html=text.render(values["body"], mentions=mentioned) if values["body"] else "",
            language=values["language"],
            ask_leadership=bool(ask_leadership),
        )
        TopicFollow.objects.create(user=author, topic=topic)
        topic.tags.set(tags_named(values["tags"]))
        index_topic(topic_id=topic.pk)
        events.publish(
            ev.QuestionAsked(
                topic_id=topic.pk,
                space_id=space.pk,
                author_id=author.pk,
                kind=topic.kind,
                tags=values["tags"],
                mentioned_ids=[p.pk for p in mentioned],
            )
        )
        cache.topics_changing(space_id=space.pk)
    return topic


SEARCH_CONFIG = {"nl": "dutch", "en": "english"}


def index_topic(*, topic_id: int) -> None:
    """(Re)compute a topic's full-text vector in its language: Dutch stemming makes "factuur"
    and "facturen" one word."""
    topic = Topic.objects.only("language").get(pk=topic_id)
    config = SEARCH_CONFIG.get(topic.language, "simple")
    Topic.objects.filter(pk=topic_id).update(
        search=SearchVector("title", weight="A", config=config)
        + SearchVector("body", weight="B", config=config)
    )


def _locked(model, pk: int):
    """Lock one row alone. A locked row joined to others (select_related) is re-checked
    by PostgreSQL against the joined rows it read before waiting: a topic moved or an answer
    merged meanwhile would vanish from the result. The related rows load afterwards."""
    return model.objects.select_for_update().filter(pk=pk).first()


def _visible_topic(user, topic_id: int, *, lock: bool = False) -> Topic:
    """The topic when `user` may read it (forums.access decides: module, matrix, hidden);
    missing, malformed and forbidden alike are refused before anything is validated."""
    try:
        pk = object_id(topic_id)
    except Http404 as error:
        raise PermissionDenied from error
    if lock:
        topic = _locked(Topic, pk)
    else:
        topic = Topic.objects.select_related("space").filter(pk=pk).first()
    if topic is None:
        raise PermissionDenied
    try:
        access.topic_access(user=user, topic=topic)
    except Http404 as error:
        raise PermissionDenied from error
    return topic


def _readable_answer(user, answer_id, *, lock: bool = False) -> tuple[Answer, object]:
    """(answer, access) when `user` may read the answer and its topic; refused otherwise."""
    try:
        pk = object_id(answer_id)
        target = _locked(Answer, pk) if lock else None
        if lock and target is None:
            raise Http404
        found, space_access = access.access_answer(user=user, answer_id=pk)
    except Http404 as error:
        raise PermissionDenied from error
    if target is not None:
        target.topic = found.topic
    return (target or found), space_access


def answer(*, author, topic: Topic, body: str) -> Answer:
    with transaction.atomic():
        topic = _visible_topic(author, topic.pk, lock=True)
        _access(author, topic.space, Action.ANSWER)
        body = _clean_body(body, required=True)
        mentioned = [p for p in text.mentioned_users(body) if p.pk != author.pk]
        if topic.merged_into_id:
            raise ValidationError({"body": _("This topic is merged into another: answer there.")})
        if topic.locked:
            raise ValidationError({"body": _("This topic is locked: no new answers.")})
        if topic.is_hidden:
            raise ValidationError({"body": _("This topic is hidden: no new answers.")})
        ratelimit.guard(user=author, action="answer")
        now = timezone.now()
        reply = Answer.objects.create(
            topic=topic,
            author=author,
            body=body,
            body_html=text.render(body, mentions=mentioned),
            created_at=now,
        )
        topic.answer_count = F("answer_count") + 1
        topic.last_activity_at = now
        topic.save(update_fields=["answer_count", "last_activity_at"])
        events.publish(
            ev.AnswerPosted(
                answer_id=reply.pk,
                topic_id=topic.pk,
                space_id=topic.space_id,
                author_id=author.pk,
                topic_author_id=topic.author_id,
                mentioned_ids=[p.pk for p in mentioned],
            )
        )
        cache.topics_changing(space_id=topic.space_id)
        cache.topic_changing(topic_id=topic.pk)
    return reply


def vote(*, user, answer_id: int, value: int) -> Answer:
    """+1, -1, or 0 to take a vote back. One vote per person per answer; never one's own.
    Access first, the value after: whatever is sent, an answer one may not read is refused
    the same way as one that does not exist."""
    with transaction.atomic():
        target, _space_access = _readable_answer(user, answer_id)
        if permissions.is_guest(user):
            raise PermissionDenied
        if value not in (-1, 0, 1) or isinstance(value, bool):
            raise ValidationError({"value": _("Vote up, down or take your vote back.")})
        if target.author_id == user.pk:
            raise ValidationError({"value": _("You cannot vote on your own answer.")})
        if target.is_hidden or target.topic.is_hidden:
            raise ValidationError({"value": _("This answer is hidden: votes are closed.")})
        ratelimit.guard(user=user, action="vote")
        existing = Vote.objects.select_for_update().filter(answer=target, user=user).first()
        before = existing.value if existing else 0
        if value == 0 and existing:
            existing.delete()
        elif value and existing:
            existing.value = value
            existing.save(update_fields=["value"])
        elif value:
            Vote.objects.create(answer=target, user=user, value=value)
        if value != before:
            Answer.objects.filter(pk=target.pk).update(score=F("score") + value - before)
            cache.topic_changing(topic_id=target.topic_id)
            events.publish(
                ev.VoteCast(
                    answer_id=target.pk,
                    topic_id=target.topic_id,
                    user_id=user.pk,
                    value=value,
                    answer_author_id=target.author_id,
                )
            )
        target.refresh_from_db(fields=["score"])
    return target


def accept(*, actor, topic: Topic, answer_id: int | None) -> Topic:
    """The asker or a moderator of the space accepts one answer (None: no accepted answer)."""
    with transaction.atomic():
        topic = _visible_topic(actor, topic.pk, lock=True)
        space_access = permissions.access_for(actor, topic.space)
        if not selectors.may_manage(user=actor, access=space_access, author_id=topic.author_id):
            raise PermissionDenied
        if not topic.is_question:
            raise ValidationError({"answer": _("Only questions have an accepted answer.")})
        chosen = None
        if answer_id is not None:
            chosen = Answer.objects.filter(pk=answer_id).first()
            if chosen is None or chosen.topic_id != topic.pk:
                raise ValidationError({"answer": _("This answer belongs to another question.")})
            if chosen.is_hidden:
                raise ValidationError({"answer": _("A hidden answer cannot be accepted.")})
        previous = topic.accepted_answer
        if (previous and previous.pk) == (chosen and chosen.pk):
            return topic
        topic.accepted_answer = chosen
        topic.save(update_fields=["accepted_answer"])
        cache.topics_changing(space_id=topic.space_id)
        cache.topic_changing(topic_id=topic.pk)
        events.publish(
            ev.AnswerAccepted(
                answer_id=chosen.pk if chosen else None,
                topic_id=topic.pk,
                actor_id=actor.pk,
                answer_author_id=chosen.author_id if chosen else None,
                previous_answer_id=previous.pk if previous else None,
                previous_answer_author_id=previous.author_id if previous else None,
                tags=list(topic.tags.values_list("slug", flat=True)),
            )
        )
    return topic


def edit_topic(*, actor, topic: Topic, title: str, body: str, tags) -> Topic:
    """Authors edit their own topic, moderators any; the previous text is kept."""
    with transaction.atomic():
        topic = _visible_topic(actor, topic.pk, lock=True)
        space_access = permissions.access_for(actor, topic.space)
        if not selectors.may_manage(user=actor, access=space_access, author_id=topic.author_id):
            raise PermissionDenied
        if not access.may_edit(user=actor, access=space_access, post=topic):
            raise ValidationError({"title": _hidden_refusal()})
        values = _clean_topic(
            kind=topic.kind, title=title, body=body, tags=tags, language=topic.language
        )
        Revision.objects.create(topic=topic, editor=actor, title=topic.title, body=topic.body)
        topic.title, topic.body = values["title"], values["body"]
        topic.body_html = text.render(values["body"]) if values["body"] else ""
        topic.edited_at = timezone.now()
        topic.save(update_fields=["title", "body", "body_html", "edited_at"])
        topic.tags.set(tags_named(values["tags"]))
        index_topic(topic_id=topic.pk)
        cache.topics_changing(space_id=topic.space_id)
        # The tags may have changed: the accepted answer's evidence follows them.
        expertise.refresh_people(expertise.answerers_of([topic.pk]))
    return topic


def _hidden_refusal() -> str:
    return _("A moderator hid this post: it cannot be edited until a moderator restores it.")


def edit_answer(*, actor, answer_id: int, body: str) -> Answer:
    """Authors edit their answer, moderators any; the previous text is kept in the history.
    A hidden answer stays as the moderator left it: only moderators may edit it."""
    with transaction.atomic():
        target, space_access = _readable_answer(actor, answer_id, lock=True)
        if not selectors.may_manage(user=actor, access=space_access, author_id=target.author_id):
            raise PermissionDenied
        if not access.may_edit(user=actor, access=space_access, post=target):
            raise ValidationError({"body": _hidden_refusal()})
        body = _clean_body(body, required=True)
        Revision.objects.create(answer=target, editor=actor, body=target.body)
        target.body, target.body_html = body, text.render(body)
        target.edited_at = timezone.now()
        target.save(update_fields=["body", "body_html", "edited_at"])
        cache.topic_changing(topic_id=target.topic_id)
    return target


def request_answer(*, actor, topic: Topic, person) -> None:
    """ "Ask X to answer": a notification to someone who can see the question."""
    topic = _visible_topic(actor, topic.pk)
    if permissions.is_guest(actor):
        raise PermissionDenied
    if topic.is_hidden:
        raise ValidationError({"person": _("This topic is hidden: nobody can be asked now.")})
    if person.pk == actor.pk:
        raise ValidationError({"person": _("Ask someone else.")})
    if not person.is_active or not permissions.access_for(person, topic.space).can(Action.VIEW):
        raise ValidationError({"person": _("This colleague cannot see this space.")})
    ratelimit.guard(user=actor, action="ask_to_answer")
    events.publish(ev.AnswerRequested(topic_id=topic.pk, actor_id=actor.pk, person_id=person.pk))


def follow_topic(*, user, topic: Topic, follow: bool = True) -> None:
    topic = _visible_topic(user, topic.pk)
    if follow:
        TopicFollow.objects.get_or_create(user=user, topic=topic)
    else:
        TopicFollow.objects.filter(user=user, topic=topic).delete()


def follow_tag(*, user, tag_slug: str, follow: bool = True) -> str:
    """Follow (or stop following) a tag by its address: any well-formed tag, used yet or not,
    so the answer never tells whether a tag exists (one used only in a secret space would
    otherwise be found by trying). News about it reaches only those who may read the topic.
    Returns the tag as shown to the follower: what they asked for, nothing stored."""
    slug = str(tag_slug or "")
    if not TAG.match(slug) or slugify(slug, allow_unicode=True) != slug:
        raise ValidationError({"tag": _("That is not a tag.")})
    if follow:
        tag = Tag.objects.get_or_create(slug=slug, defaults={"name": slug})[0]
        TagFollow.objects.get_or_create(user=user, tag=tag)
    else:
        TagFollow.objects.filter(user=user, tag__slug=slug).delete()
    return slug


# --- Moderation of topics ----------------------------------------------------------------------
# Reports, hiding and restoring are the platform's (intranet.moderation); locking, pinning,
# moving and merging are the forum's own, with the same rights (moderate in the space) and
# the same audit trail.


def _moderated_topic(actor, topic_id: int) -> Topic:
    topic = _visible_topic(actor, topic_id, lock=True)
    if not permissions.access_for(actor, topic.space).can(Action.MODERATE):
        raise PermissionDenied
    return topic


def set_flags(*, actor, topic: Topic, locked: bool | None = None, pinned: bool | None = None):
    """Lock (no new answers or comments) or pin (first in the list) a topic, or undo either."""
    with transaction.atomic():
        topic = _moderated_topic(actor, topic.pk)
        before = {"locked": topic.locked, "pinned": topic.pinned}
        if locked is not None:
            topic.locked = bool(locked)
        if pinned is not None:
            topic.pinned = bool(pinned)
        after = {"locked": topic.locked, "pinned": topic.pinned}
        if after != before:
            topic.save(update_fields=["locked", "pinned"])
            audit.record(actor=actor, action="forums.topic_flags", target=topic,
                         before=before, after=after)  # fmt: skip
            cache.topics_changing(space_id=topic.space_id)
    return topic


def _retarget_activity(*, topic: Topic, space_id: int) -> None:
    """Feed items about a topic and its answers follow it: they live where it lives, so
    readers of the new space see them and readers of the old space no longer do."""
    from intranet.activity.models import Activity

    answer_ids = list(Answer.objects.filter(topic=topic).values_list("pk", flat=True))
    Activity.objects.filter(
        Q(target_type="topic", target_id=topic.pk)
        | Q(target_type="answer", target_id__in=answer_ids)
    ).update(space_id=space_id)
    # And so do notifications about them (answers, follows, mentions, comments: all link
    # to the topic's page): the old space's readers are no longer shown its title.
    from intranet.activity import services as activity

    activity.notifications_follow(urls=[topic.get_absolute_url()], space_id=space_id)


def move(*, actor, topic: Topic, to_space) -> Topic:
    """Move a topic to another space where the actor moderates too, with its answers,
    comments and feed items."""
    with transaction.atomic():
        topic = _moderated_topic(actor, topic.pk)
        if to_space.pk == topic.space_id:
            raise ValidationError({"space": _("The topic is in this space already.")})
        if Module.FORUMS not in (to_space.modules or []) or not permissions.access_for(
            actor, to_space
        ).can(Action.MODERATE):
            raise ValidationError({"space": _("Choose a space with a forum that you moderate.")})
        old_space_id = topic.space_id
        topic.space = to_space
        topic.save(update_fields=["space"])
        _retarget_activity(topic=topic, space_id=to_space.pk)
        # Evidence from its accepted answer moves with it (and is shown to the new readers).
        expertise.refresh_people(expertise.answerers_of([topic.pk]))
        audit.record(actor=actor, action="forums.move", target=topic,
                     before={"space": old_space_id}, after={"space": to_space.pk})  # fmt: skip

        for space_id in (old_space_id, to_space.pk):
            cache.topics_changing(space_id=space_id)
        for space_id in (old_space_id, to_space.pk):
            transaction.on_commit(
                lambda space_id=space_id: feed_cache.content_changed(
                    space_id=space_id, actor_id=None
                )
            )
    return topic


def merge(*, actor, topic: Topic, into_id: int) -> Topic:
    """Merge a duplicate question into the original: its answers (with their votes and
    comments) move there, its followers follow the original, and its address redirects."""
    with transaction.atomic():
        duplicate = _moderated_topic(actor, topic.pk)
        if duplicate.merged_into_id:
            raise ValidationError({"into": _("This topic is merged already.")})
        original = _locked(Topic, into_id)
        if (
            original is None
            or Module.FORUMS not in (original.space.modules or [])
            or not permissions.access_for(actor, original.space).can(Action.MODERATE)
        ):
            raise ValidationError({"into": _("Choose a topic you moderate.")})
        if original.pk == duplicate.pk:
            raise ValidationError({"into": _("A topic cannot be merged into itself.")})
        if original.merged_into_id or original.is_hidden:
            raise ValidationError({"into": _("That topic is merged or hidden itself.")})
        # The duplicate's accepted answer no longer counts as evidence: it is not accepted on
        # the original.
        expertise.refresh_people(expertise.answerers_of([duplicate.pk]))
        moved = list(Answer.objects.filter(topic=duplicate).values_list("pk", flat=True))
        Answer.objects.filter(pk__in=moved).update(topic=original)
        if original.space_id != duplicate.space_id:
            from intranet.activity.models import Activity

            Activity.objects.filter(target_type="answer", target_id__in=moved).update(
                space_id=original.space_id
            )
        followers = TopicFollow.objects.filter(topic=duplicate).values_list("user_id", flat=True)
        TopicFollow.objects.bulk_create(
            [TopicFollow(user_id=uid, topic=original) for uid in followers],
            ignore_conflicts=True,
        )
        original.answer_count = _visible_answers(original)
        original.last_activity_at = max(original.last_activity_at, duplicate.last_activity_at)
        original.save(update_fields=["answer_count", "last_activity_at"])
        duplicate.merged_into = original
        duplicate.accepted_answer = None
        duplicate.answer_count = 0
        duplicate.locked = True
        duplicate.save(update_fields=["merged_into", "accepted_answer", "answer_count", "locked"])
        audit.record(actor=actor, action="forums.merge", target=duplicate,
                     after={"into": original.pk, "answers": len(moved)})  # fmt: skip

        for space_id in {original.space_id, duplicate.space_id}:
            cache.topics_changing(space_id=space_id)
        cache.topic_changing(topic_id=original.pk)
    return original


def _visible_answers(topic: Topic) -> int:
    return Answer.objects.filter(topic=topic, hidden_at__isnull=True).count()


def moderation_changed(target) -> None:
    """After a topic or answer is hidden or restored (moderation calls this inside its
    transaction): the counts and the accepted answer follow what readers can see."""
    topic = target if isinstance(target, Topic) else target.topic
    # Evidence made from an accepted answer here is withdrawn while it is hidden (and comes
    # back when restored).
    people = expertise.answerers_of([topic.pk])
    if isinstance(target, Answer):
        people.add(target.author_id)
    expertise.refresh_people(people)
    if isinstance(target, Answer):
        fields = ["answer_count"]
        topic.answer_count = _visible_answers(topic)
        if target.is_hidden and topic.accepted_answer_id == target.pk:
            topic.accepted_answer = None
            fields.append("accepted_answer")
        topic.save(update_fields=fields)

    cache.topics_changing(space_id=topic.space_id)
    cache.topic_changing(topic_id=topic.pk)
    transaction.on_commit(
        lambda: feed_cache.content_changed(space_id=topic.space_id, actor_id=target.author_id)
    )


# --- Comments on topics and answers -------------------------------------------------------------


def comment(*, author, topic: Topic, body: str, answer_id: int | None = None):
    """A comment under the question or under one answer (the platform's comments), refused
    in locked topics and on hidden posts."""
    from intranet.activity import services as activity

    with transaction.atomic():
        topic = _visible_topic(author, topic.pk)
        target = topic
        if answer_id is not None:
            target = Answer.objects.select_related("topic__space").filter(pk=answer_id).first()
            if target is None or target.topic_id != topic.pk:
                raise ValidationError({"body": _("This answer belongs to another question.")})
        if topic.locked:
            raise ValidationError({"body": _("This topic is locked: no new comments.")})
        if target.is_hidden or topic.is_hidden:
            raise ValidationError({"body": _("This post is hidden: no new comments.")})
        made = activity.add_comment(author=author, target=target, body=body)
        cache.topic_changing(topic_id=topic.pk)
        return made


def comment_changed(*, target_type: str, target_id: int) -> None:
    """A comment under a topic or answer was hidden or restored (activity.commentable)."""
    topic_id = target_id if target_type == "topic" else selectors.topic_of_answer(target_id)
    if topic_id is not None:
        cache.topic_changing(topic_id=topic_id)
