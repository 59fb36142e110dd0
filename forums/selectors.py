"""Reads for the forums, each in a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
)
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.utils import timezone

from forums.models import Answer, Tag, Topic, Vote
from intranet.governance.constants import Module
from intranet.search import fulltext
from intranet.search.highlight import highlighted  # noqa: F401 - views use it

PAGE_SIZE = 30


LISTED = Q(hidden_at__isnull=True, merged_into__isnull=True)


def _with_tags(topics):
    return topics.prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name", "slug")))


def topics_in(*, space, scope: str = "all"):
    """A space's topics, pinned first, then by latest activity; "unanswered": questions
    without an answer yet, oldest first (they have waited longest). Hidden and merged topics
    are not listed."""
    topics = Topic.objects.filter(LISTED, space=space).select_related("author").only(*LIST_COLUMNS)
    if scope == "unanswered":
        topics = topics.filter(kind=Topic.Kind.QUESTION, answer_count=0).order_by("created_at")
    # Questions to the leadership show whether and how fast the leadership answered them,
    # wherever they are listed (the subquery runs only for those rows).
    return _with_tags(with_leadership_answer(topics))


# What a row in a topic list shows: no bodies.
LIST_COLUMNS = (
    "id", "space_id", "kind", "title", "author__id", "author__first_name", "author__last_name",
    "author__email", "answer_count", "accepted_answer_id", "last_activity_at", "created_at",
    "pinned", "locked", "ask_leadership",
)  # fmt: skip


def is_leadership_space(space) -> bool:
    """The leadership's space: the department space at the top of the organisation (the
    "Directie"). Questions flagged "ask leadership" are listed there. (As a query:
    leadership_spaces_filter.)"""
    from intranet.governance.constants import SpaceKind

    return (
        space.kind == SpaceKind.DEPARTMENT
        and space.department_id is not None
        and space.department.parent_id is None
    )


def leadership_questions(*, user):
    """Questions put to the leadership from every space the reader may read, newest first:
    the open Q&A of the directors, each with when the leadership first answered it."""
    return _with_tags(
        with_leadership_answer(
            _readable(user)
            .filter(ask_leadership=True, kind=Topic.Kind.QUESTION)
            .select_related("author", "space")
            .only(*LIST_COLUMNS, "space__name", "space__slug")
            .order_by("-created_at", "-pk")
        )
    )


def question_page(*, topic: Topic, user, moderator: bool = False) -> dict:
    """The topic with its answers: the accepted one first, then by score, then oldest; the
    reader's own votes; the comments under the question and each answer. Hidden answers and
    comments show to moderators and to their author only. A fixed number of queries whatever
    the number of answers and comments."""
    answers = Answer.objects.filter(topic=topic)
    if not moderator:
        answers = answers.filter(Q(hidden_at__isnull=True) | Q(author_id=user.pk))
    answers = list(
        answers.select_related("author")
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
    comments = _comments(topic=topic, answers=answers, user=user, moderator=moderator)
    for item in answers:
        item.comments = comments.get(("answer", item.pk), [])
    return {
        "topic": topic,
        "answers": answers,
        "tags": list(topic.tags.all()),
        "topic_comments": comments.get(("topic", topic.pk), []),
    }


def my_state(*, topic: Topic, user) -> dict:
    """What is personal about a question page: the reader's votes (answers with id, score and
    my_vote) and whether they have hidden answers or comments of their own here. Two queries."""
    from django.contrib.contenttypes.models import ContentType

    from intranet.activity.models import Comment

    voted = []
    for answer_id, value, score in Vote.objects.filter(
        answer__topic=topic, user_id=user.pk
    ).values_list("answer_id", "value", "answer__score"):
        answer = Answer(pk=answer_id, score=score)
        answer.my_vote = value
        voted.append(answer)
    answer_ids = Answer.objects.filter(topic=topic).values("pk")
    types = ContentType.objects.get_for_models(Topic, Answer)
    hidden = (
        Answer.objects.filter(topic=topic, author_id=user.pk, hidden_at__isnull=False)
        .values("pk")
        .union(
            Comment.objects.filter(
                Q(content_type=types[Topic], object_id=topic.pk)
                | Q(content_type=types[Answer], object_id__in=answer_ids),
                author_id=user.pk,
                hidden_at__isnull=False,
            ).values("pk")
        )
        .exists()
    )
    return {"voted": voted, "hidden": hidden}


def _comments(*, topic: Topic, answers, user, moderator: bool) -> dict:
    """{("topic"|"answer", id): [comments]} in one query."""
    from django.contrib.contenttypes.models import ContentType

    from intranet.activity.models import Comment

    types = ContentType.objects.get_for_models(Topic, Answer)
    wanted = Q(content_type=types[Topic], object_id=topic.pk)
    if answers:
        wanted |= Q(content_type=types[Answer], object_id__in=[a.pk for a in answers])
    comments = Comment.objects.filter(wanted).select_related("author")
    if not moderator:
        comments = comments.filter(Q(hidden_at__isnull=True) | Q(author_id=user.pk))
    kind_of = {types[Topic].pk: "topic", types[Answer].pk: "answer"}
    found: dict = {}
    for comment in comments.order_by("pk"):
        found.setdefault((kind_of[comment.content_type_id], comment.object_id), []).append(comment)
    return found


def topic_for(*, topic_id: int):
    return (
        Topic.objects.select_related("space", "author", "space__department")
        .filter(pk=topic_id)
        .first()
    )


def may_manage(*, user, access, author_id: int) -> bool:
    """Edit a post, accept an answer: its author, or a moderator of the space."""
    from intranet.governance.constants import Action

    return user.pk == author_id or access.can(Action.MODERATE)


def readable_topic(*, user, topic_id):
    """(topic, the user's access to its space), or None where forums.access.access_topic
    answers 404 (missing, forbidden, malformed, forum switched off, hidden from this user).
    For callers outside the forums that want a None rather than a 404."""
    from django.http import Http404

    from forums.access import access_topic

    try:
        return access_topic(user=user, topic_id=topic_id)
    except Http404:
        return None


def load_topics(ids: list[int]) -> dict[int, Topic]:
    """Feed items about topics (activity.targets); hidden ones, and those of a space whose
    forum is switched off, are left out of feeds (the feed checked the space itself)."""
    return (
        Topic.objects.filter(hidden_at__isnull=True, space__modules__contains=[Module.FORUMS])
        .only("id", "title", "kind", "body_html", "answer_count")
        .in_bulk(ids)
    )


def load_answers(ids: list[int]) -> dict[int, Answer]:
    return (
        Answer.objects.filter(
            hidden_at__isnull=True,
            topic__hidden_at__isnull=True,
            topic__space__modules__contains=[Module.FORUMS],
        )
        .select_related("topic")
        .only("id", "body_html", "topic__id", "topic__title")
        .in_bulk(ids)
    )


def revisions_of(*, topic: Topic, moderator: bool = False):
    """Earlier versions of the topic and of each of its answers, newest first. What a
    moderator hid stays hidden here too: only moderators see earlier versions of hidden
    posts (an edit must not bring back, as history, the text a moderator took away)."""
    from forums.models import Revision

    revisions = Revision.objects.filter(Q(topic=topic) | Q(answer__topic=topic))
    if not moderator:
        revisions = revisions.filter(Q(answer__isnull=True) | Q(answer__hidden_at__isnull=True))
        if topic.is_hidden:
            revisions = revisions.filter(topic__isnull=True)
    return revisions.select_related("editor", "answer__author")


def topic_of_answer(answer_id: int) -> int | None:
    return Answer.objects.filter(pk=answer_id).values_list("topic_id", flat=True).first()


# --- Finding topics -----------------------------------------------------------------------------

SIMILAR_LIMIT = 5
SIMILAR_CANDIDATES = 200


def _readable(user):
    """Listed topics the user may read: forums.access decides (module switch, effective View,
    hidden), merged duplicates left out."""
    from forums.access import readable_topics

    return readable_topics(user=user).filter(LISTED)


def _query(text: str):
    """Words typed, matched in both languages (the asker may type Dutch or English), with
    prefix matching on the last word so suggestions follow the typing."""
    words = [w for w in re.findall(r"\w+", text.lower()) if len(w) > 1][:12]
    if not words:
        return None
    query = None
    for config in ("dutch", "english"):
        # Every word (stemmed) must match, the last one as a prefix: precise enough to rank
        # a few candidates instead of half the forum.
        parts = [SearchQuery(w, config=config) for w in words[:-1]]
        parts.append(SearchQuery(f"{words[-1]}:*", config=config, search_type="raw"))
        joined = parts[0]
        for part in parts[1:]:
            joined = joined & part
        query = joined if query is None else query | joined
    return query


def similar_questions(*, user, title: str, limit: int = SIMILAR_LIMIT) -> list[Topic]:
    """ "Before you ask": existing topics like the title being typed, best first, only in
    spaces the user may read. Full text first (stemmed: "facturen" finds "factuur"); when
    that finds too few, trigram similarity of the title (typos) fills up the list."""
    title = " ".join((title or "").split())[:200]
    query = _query(title)
    if len(title) < 4 or query is None:
        return []
    needle = title.lower()
    found = _ranked(user, Q(search=query), query=query, needle=needle, limit=limit)
    if len(found) < limit:
        # Only now the trigram index: common syllables match most titles, so this is the
        # slow path, kept for when words alone find (almost) nothing.
        typos = Q(lower_title__trigram_similar=needle) & ~Q(pk__in=[t.pk for t in found])
        found += _ranked(user, typos, query=query, needle=needle, limit=limit - len(found))
    return found


def _ranked(user, condition: Q, *, query, needle: str, limit: int) -> list[Topic]:
    # Short prefixes match thousands of topics; ranking them all (ts_rank reads every
    # vector) is what made typing slow. Rank only the newest few hundred candidates: the
    # index finds them, and a suggestion list wants recent questions anyway.
    candidates = (
        _readable(user)
        .alias(lower_title=Lower("title"))
        .filter(condition)
        .order_by("-pk")
        .values("pk")[:SIMILAR_CANDIDATES]
    )
    topics = (
        Topic.objects.filter(pk__in=candidates)
        .annotate(
            rank=SearchRank(F("search"), query),
            similar=TrigramSimilarity(Lower("title"), needle),
        )
        .annotate(score=F("rank") + F("similar"))
        .order_by("-score", "-pk")
        .select_related("space")
        .only("id", "title", "answer_count", "accepted_answer_id", "space__name", "space__slug")
    )
    return list(topics[:limit])


def search_topics(*, user, q: str, limit: int):
    """The forum source of the top bar search."""
    from intranet.search.registry import Result

    return [
        Result(
            title=topic.title,
            url=topic.get_absolute_url(),
            meta=topic.space.name,
        )
        for topic in similar_questions(user=user, title=q, limit=limit)
    ]


def answer_with_my_vote(*, answer_id: int, user) -> Answer:
    answer = Answer.objects.get(pk=answer_id)
    answer.my_vote = (
        Vote.objects.filter(answer_id=answer_id, user_id=user.pk)
        .values_list("value", flat=True)
        .first()
        or 0
    )
    return answer


# --- Unanswered ---------------------------------------------------------------------------------

SUGGESTED_EXPERTS = 3


def unanswered_for(*, user):
    """Questions without an answer in the spaces I am a member of (and may read, with the
    forum on), oldest first."""
    from intranet.governance.models import Membership

    return (
        _readable(user)
        .filter(
            kind=Topic.Kind.QUESTION,
            answer_count=0,
            space_id__in=Membership.objects.filter(user_id=user.pk).values("space_id"),
        )
        .select_related("author", "space")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name", "slug")))
        .order_by("created_at", "pk")
    )


def with_suggested_experts(*, user, topics) -> list[Topic]:
    """Attach `topic.experts`: up to three people with evidence on the question's tags (never
    the asker nor the reader), from profiles' expertise finder, in two queries for the page."""
    from profiles import selectors as people

    topics = list(topics)
    ranked = people.experts_by_topic(
        viewer=user, topics=[tag.slug for topic in topics for tag in topic.tags.all()]
    )
    wanted: dict[int, dict[int, float]] = {}
    for topic in topics:
        scores: dict[int, float] = {}
        for tag in topic.tags.all():
            for person_id, score in ranked.get(tag.slug, []):
                if person_id not in (topic.author_id, user.pk):
                    scores[person_id] = scores.get(person_id, 0) + score
        wanted[topic.pk] = scores
    ids = {pid for scores in wanted.values() for pid in scores}
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.select_related("department").in_bulk(ids) if ids else {}
    for topic in topics:
        best = sorted(wanted[topic.pk].items(), key=lambda item: -item[1])[:SUGGESTED_EXPERTS]
        topic.experts = [found[pid] for pid, _score in best if pid in found]
    return topics


def follows(*, user, topic: Topic) -> dict:
    """Whether the reader follows the topic, and which of its tags: one query each."""
    from forums.models import TagFollow, TopicFollow

    return {
        "topic": TopicFollow.objects.filter(user_id=user.pk, topic=topic).exists(),
        "tags": set(
            TagFollow.objects.filter(user_id=user.pk, tag__topics=topic).values_list(
                "tag__slug", flat=True
            )
        ),
    }


# --- Search in the forums -----------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    q: str = ""
    space_id: int | None = None
    tag: str = ""
    answered: str = ""  # "yes": has an answer, "no": a question without one, "": either
    language: str = ""


def search_forums(*, user, filters: SearchFilters):
    """Topics matching the words (both Dutch and English stemming; quotes, "or" and -word as
    on the web), best first, with the title and a snippet of the body where the words were
    found (intranet.search.fulltext). Only in spaces the reader may read; hidden and merged
    topics are left out."""
    query = fulltext.bilingual_query(filters.q)
    if query is None:
        return Topic.objects.none()
    topics = _readable(user)
    if filters.space_id:
        topics = topics.filter(space_id=filters.space_id)
    if filters.tag:
        topics = topics.filter(tags__slug=filters.tag)
    if filters.answered == "yes":
        topics = topics.filter(answer_count__gt=0)
    elif filters.answered == "no":
        topics = topics.filter(kind=Topic.Kind.QUESTION, answer_count=0)
    if filters.language in Topic.Language.values:
        topics = topics.filter(language=filters.language)
    return _with_tags(
        fulltext.ranked_with_snippets(topics, query)
        .select_related("author", "space")
        .only(*LIST_COLUMNS, "language", "space__name", "space__slug")
        .order_by("-rank", "-last_activity_at", "-pk")
    )


# --- Moderation (intranet.moderation registers these kinds) -------------------------------------


def moderation_topics(ids: list[int]) -> dict[int, Topic]:
    return Topic.objects.select_related("space__department", "author").in_bulk(ids)


def moderation_answers(ids: list[int]) -> dict[int, Answer]:
    return Answer.objects.select_related("topic__space", "author").in_bulk(ids)


def hidden_topics(space_ids: list[int], limit: int) -> list[Topic]:
    return list(
        Topic.objects.filter(space_id__in=space_ids, hidden_at__isnull=False)
        .select_related("space", "author", "hidden_by")
        .order_by("-hidden_at")[:limit]
    )


def hidden_answers(space_ids: list[int], limit: int) -> list[Answer]:
    return list(
        Answer.objects.filter(topic__space_id__in=space_ids, hidden_at__isnull=False)
        .select_related("topic__space", "author", "hidden_by")
        .order_by("-hidden_at")[:limit]
    )


def comment_places(kind: str):
    """For activity.commentable: where comments on topics or answers live."""

    def topics(ids):
        return {
            t.pk: (t.space, t.get_absolute_url(), t.title[:80])
            for t in Topic.objects.select_related("space").filter(pk__in=ids)
        }

    def answers(ids):
        return {
            a.pk: (a.topic.space, a.get_absolute_url(), a.topic.title[:80])
            for a in Answer.objects.select_related("topic__space").filter(pk__in=ids)
        }

    return topics if kind == "topic" else answers


def topic_id_from(raw: str) -> int | None:
    """A topic's number from "123" or its address (".../forum/topics/123/")."""
    match = re.search(r"(?:topics/)?(\d+)/?(?:#.*)?$", (raw or "").strip())
    return int(match.group(1)) if match else None


def move_targets(*, user, topic: Topic) -> list:
    """Other spaces with a forum where `user` moderates as a member: offered where a topic
    may move. (Organisation-wide moderators may also type any other space's address.)"""
    from intranet.governance import permissions
    from intranet.governance.constants import Action
    from intranet.governance.models import Membership

    memberships = (
        Membership.objects.filter(user_id=user.pk, space__modules__contains=[Module.FORUMS])
        .exclude(space_id=topic.space_id)
        .select_related("space")
        .order_by("space__name")
    )
    return [
        m.space
        for m in memberships
        if permissions.access_for(user, m.space, m.role, role_known=True).can(Action.MODERATE)
    ]


# --- Questions to the leadership (issue 22) -----------------------------------------------------
# Who answers for the leadership: the owners and moderators of a leadership space
# (is_leadership_space: the space of a department at the top of the organisation). A question
# put to the leadership counts as answered from the first answer one of them wrote (and that is
# not hidden): a colleague's answer may help the asker, but the open Q&A promises an answer from
# the directors, and that is what is tracked. Roles count as they are now: a director who steps
# down no longer answers for the leadership, in old questions either.
#
# The deadline is the signal policy's answer deadline (intranet.signals: Policy.response_days,
# 14 days unless administrators choose another on the follow-up settings page): one promise for
# how fast the organisation answers what the floor raises, whether a signal or a question to the
# leadership. Past it, an unanswered question is overdue.

LEADER_ROLES = ("owner", "moderator")
RECORD_DAYS = 90  # the record covers questions asked in the last 90 days
OVERDUE_SHOWN = 20  # the leaders' follow-up lists at most this many (and says how many in all)


def leadership_spaces_filter(prefix: str = "") -> Q:
    """is_leadership_space as a query on spaces (`prefix` leads to the space)."""
    from intranet.governance.constants import SpaceKind

    return Q(
        **{
            f"{prefix}kind": SpaceKind.DEPARTMENT,
            f"{prefix}department__isnull": False,
            f"{prefix}department__parent__isnull": True,
        }
    )


def _leaders():
    """The people who answer for the leadership, as a subquery of user ids."""
    from intranet.governance.models import Membership

    return Membership.objects.filter(
        leadership_spaces_filter("space__"), role__in=LEADER_ROLES
    ).values("user_id")


def _leadership_answers(topic):
    return Answer.objects.filter(
        topic=topic, hidden_at__isnull=True, author_id__in=_leaders()
    ).order_by("created_at", "pk")


def with_leadership_answer(topics):
    """`leadership_answered_at` on each row: when the leadership first answered it (None: not
    yet, and for topics not put to the leadership). One subquery in the list's own query."""
    first = Subquery(
        _leadership_answers(OuterRef("pk")).values("created_at")[:1],
        output_field=DateTimeField(),
    )
    return topics.annotate(
        leadership_answered_at=Case(
            When(ask_leadership=True, kind=Topic.Kind.QUESTION, then=first),
            default=Value(None),
            output_field=DateTimeField(),
        )
    )


def answer_deadline_days() -> int:
    """Days the leadership has to answer: the signal policy's deadline (one query)."""
    from intranet.signals.services import policy

    return policy().response_days


@dataclass(frozen=True)
class LeadershipState:
    """Whether and how fast the leadership answered a question put to it."""

    answered: bool
    days: int  # whole days from asking to the answer, or waiting until now
    overdue: bool  # not answered, and the deadline has passed
    in_time: bool  # answered within the deadline
    deadline_days: int


def leadership_state(*, asked_at, answered_at, deadline_days: int, now=None) -> LeadershipState:
    deadline = timedelta(days=deadline_days)
    if answered_at is not None:
        took = answered_at - asked_at
        return LeadershipState(
            answered=True,
            days=max(took.days, 0),
            overdue=False,
            in_time=took <= deadline,
            deadline_days=deadline_days,
        )
    waited = (now or timezone.now()) - asked_at
    return LeadershipState(
        answered=False,
        days=max(waited.days, 0),
        overdue=waited > deadline,
        in_time=False,
        deadline_days=deadline_days,
    )


def with_leadership_states(topics, *, deadline_days: int | None = None, now=None) -> list[Topic]:
    """The rows as a list, with `leadership_state` on each question put to the leadership
    (rows from with_leadership_answer). The deadline is read once, only when one is listed."""
    topics = list(topics)
    asked = [t for t in topics if t.ask_leadership and t.kind == Topic.Kind.QUESTION]
    if asked:
        if deadline_days is None:
            deadline_days = answer_deadline_days()
        for topic in asked:
            topic.leadership_state = leadership_state(
                asked_at=topic.created_at,
                answered_at=topic.leadership_answered_at,
                deadline_days=deadline_days,
                now=now,
            )
    return topics


def leadership_state_of(*, topic: Topic) -> LeadershipState | None:
    """A question page's state (two queries), or None for a topic not put to the leadership."""
    if not (topic.ask_leadership and topic.is_question):
        return None
    answered_at = _leadership_answers(topic).values_list("created_at", flat=True).first()
    return leadership_state(
        asked_at=topic.created_at, answered_at=answered_at, deadline_days=answer_deadline_days()
    )


def overdue_leadership_questions(*, user, deadline_days: int | None = None, now=None):
    """Questions put to the leadership that `user` may read and that wait past the deadline
    for the leadership's answer, the longest waiting first."""
    if deadline_days is None:
        deadline_days = answer_deadline_days()
    now = now or timezone.now()
    return (
        _readable(user)
        .filter(
            ask_leadership=True,
            kind=Topic.Kind.QUESTION,
            created_at__lt=now - timedelta(days=deadline_days),
        )
        .exclude(Exists(_leadership_answers(OuterRef("pk"))))
        .annotate(leadership_answered_at=Value(None, output_field=DateTimeField()))
        .select_related("author", "space")
        .only(*LIST_COLUMNS, "space__name", "space__slug")
        .order_by("created_at", "pk")
    )


class _Median(Aggregate):
    """PostgreSQL's median of a number (NULLs left out)."""

    function = "percentile_cont"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def leadership_record(*, user, days: int = RECORD_DAYS, now=None) -> dict:
    """How the leadership answered the questions put to it in the last `days` days that
    `user` may read: asked, answered, answered within the deadline, the median days to the
    answer; and how many questions (of any age) are overdue now. Three queries."""
    now = now or timezone.now()
    deadline_days = answer_deadline_days()
    waited = Func(
        F("leadership_answered_at") - F("created_at"),
        template="EXTRACT(EPOCH FROM %(expressions)s) / 86400.0",
        output_field=FloatField(),
    )
    found = with_leadership_answer(
        _readable(user).filter(
            ask_leadership=True,
            kind=Topic.Kind.QUESTION,
            created_at__gte=now - timedelta(days=days),
        )
    ).aggregate(
        asked=Count("pk"),
        answered=Count("pk", filter=Q(leadership_answered_at__isnull=False)),
        in_time=Count(
            "pk",
            filter=Q(leadership_answered_at__lte=F("created_at") + timedelta(days=deadline_days)),
        ),
        median=_Median(waited),
    )
    overdue = overdue_leadership_questions(user=user, deadline_days=deadline_days, now=now)
    return {
        "days": days,
        "deadline_days": deadline_days,
        "asked": found["asked"],
        "answered": found["answered"],
        "in_time": found["in_time"],
        "median_days": None if found["median"] is None else round(found["median"], 1),
        "overdue": overdue.count(),
    }


def answers_for_leadership(*, user) -> bool:
    """Whether `user` answers for the leadership (an owner or moderator of a leadership
    space), or oversees it as an administrator: the audience of the overdue questions."""
    from intranet.governance import permissions

    if not permissions.is_active(user):
        return False
    if permissions.is_administrator(user):
        return True
    return _leaders().filter(user_id=user.pk).exists()


# The rail's link to the open Q&A. The rail renders on every page: what it needs is kept in
# Redis under the access counters (intranet.activity.feed_cache) that every change to
# departments, spaces, their settings and permissions, and this person's memberships and role
# bumps, so it is read from the database once per person until one of those changes (the rail
# fragment itself is cached under the same counters), and once per request from the cache.

RAIL_SECONDS = 3600


def leadership_address() -> str | None:
    """The open Q&A of the leadership: the forum of the first leadership space, listing what
    was asked of the leadership; None when the organisation has no leadership space."""
    from django.core.cache import cache
    from django.urls import reverse

    from intranet.activity import feed_cache

    # Everyone's access counter, which the rail's own cache key has just read (chrome_stamp).
    everyone = cache.get(feed_cache.EVERYONE)
    slug = cache.get(f"forums:leadership-space:{everyone}") if everyone is not None else None
    if slug is None:
        slug = _first_leadership_space(user=None)[0]
        if everyone is not None:
            cache.set(f"forums:leadership-space:{everyone}", slug, timeout=RAIL_SECONDS)
    return f"{reverse('forums:space', args=[slug])}?show=leadership" if slug else None


def may_reach_leadership(*, user) -> bool:
    """The rail shows "Ask the leadership" to colleagues (not guests) who may read the
    leadership space's forum (leadership_address). At most one query, then cached."""
    from django.core.cache import cache

    from intranet.activity import feed_cache
    from intranet.governance import permissions

    if not permissions.is_colleague(user):
        return False
    if "_may_reach_leadership" not in user.__dict__:
        everyone, mine = feed_cache.access_stamps(user_id=user.pk)
        key = f"forums:leadership-reader:{user.pk}:{everyone}:{mine}"
        found = cache.get(key)
        if found is None:
            slug, readable = _first_leadership_space(user=user)
            # The query also named the space: the address is cached along the way.
            cache.set(f"forums:leadership-space:{everyone}", slug, timeout=RAIL_SECONDS)
            found = int(bool(slug and readable))
            cache.set(key, found, timeout=RAIL_SECONDS)
        user.__dict__["_may_reach_leadership"] = bool(found)
    return user.__dict__["_may_reach_leadership"]


def _first_leadership_space(*, user) -> tuple[str, bool]:
    """(slug of the first leadership space or "", whether `user` may read its forum) in one
    query; governance's content filter decides the reading."""
    from intranet.governance.models import Space

    spaces = Space.objects.filter(leadership_spaces_filter()).order_by("pk")
    if user is None:
        return (spaces.values_list("slug", flat=True).first() or ""), False
    found = (
        spaces.annotate(
            leadership_rail_readable=Exists(
                Space.objects.viewable_by(user, module=Module.FORUMS).filter(pk=OuterRef("pk"))
            )
        )
        .values_list("slug", "leadership_rail_readable")
        .first()
    )
    return found or ("", False)
