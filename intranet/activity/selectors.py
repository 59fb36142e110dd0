"""Feeds and notifications, filtered by what the reader may see at read time, in a fixed
number of queries per page (keyset pagination on the activity id)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from intranet.activity import access, feed_cache, privacy, targets
from intranet.activity.models import (
    DEFAULT_CHANNELS,
    Activity,
    Announcement,
    AnnouncementDelegate,
    AnnouncementRead,
    Comment,
    Follow,
    Notification,
    NotificationPreference,
    Post,
    Reaction,
)
from intranet.governance import permissions, tree
from intranet.governance.models import Department, Membership, Space

PAGE_SIZE = 20
ITEM_FIELDS = (
    "id",
    "verb",
    "actor_id",
    "space_id",
    "department_id",
    "target_type",
    "target_id",
    "created_at",
    "actor__first_name",
    "actor__last_name",
    "actor__email",
    "actor__photo",
    "space__name",
    "space__slug",
    "space__kind",
)


@dataclass(frozen=True)
class Feed:
    """Which stream: "home", ("space", id) or ("person", id)."""

    kind: str
    id: int | None = None

    @classmethod
    def parse(cls, value: str) -> Feed | None:
        if value in ("home", "bell"):
            return cls(value)
        kind, _sep, raw = (value or "").partition(":")
        if kind in ("space", "person") and raw.isdecimal():
            return cls(kind, int(raw))
        return None

    def __str__(self) -> str:
        return self.kind if self.id is None else f"{self.kind}:{self.id}"


def _my_departments(user) -> Q:
    """Organisation items addressed to the user's department or a department above it: what
    is said to a department is said to everything below it (governance.tree, a subquery)."""
    if user.department_id is None:
        return Q(pk__in=[])
    return Q(space__isnull=True, department_id__in=tree.lineage(user.department_id))


def visible_filter(user) -> Q:
    """Activities the user may see now: in spaces whose content they may read, or addressed to
    the whole organisation or to their department (or one above it). Guests see only their
    spaces."""
    if not permissions.is_active(user):
        return Q(pk__in=[])
    in_spaces = Q(space_id__in=Space.objects.viewable_by(user).values("pk"))
    if permissions.is_guest(user):
        return in_spaces
    everyone = Q(space__isnull=True, department__isnull=True)
    if permissions.is_administrator(user):
        return in_spaces | Q(space__isnull=True)
    return in_spaces | everyone | _my_departments(user)


def feed_filter(user, feed: Feed) -> Q:
    if feed.kind == "bell":
        return Q(pk__in=[])
    if feed.kind == "space":
        return Q(space_id=feed.id)
    if feed.kind == "person":
        return Q(actor_id=feed.id)
    member_spaces = Membership.objects.filter(user_id=user.pk).values("space_id")
    followed = Follow.objects.filter(follower_id=user.pk).values("followee_id")
    return (
        Q(space_id__in=member_spaces)
        | Q(actor_id__in=followed)
        | Q(space__isnull=True, department__isnull=True)
        | _my_departments(user)
    )


def feed_activities(
    *,
    user,
    feed: Feed,
    before: int | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
):
    activities = Activity.objects.filter(feed_filter(user, feed)).filter(visible_filter(user))
    if before is not None:
        activities = activities.filter(id__lt=before)
    if after is not None:
        activities = activities.filter(id__gt=after).order_by("id")
    # Only what an item shows: fewer columns to fetch and convert on the busiest read.
    return activities.select_related("actor", "space").only(*ITEM_FIELDS)[:limit]


def hydrate(activities, *, user, counts: bool = True) -> list[Activity]:
    """Attach what each item shows (post, announcement, reactions, comment count) in a fixed
    number of queries, whatever the number of items. counts=False skips reactions and
    comments for readers that do not show them (the API)."""
    targets.load(activities)
    # An item whose target is gone or hidden by a moderator is not shown at all.
    activities = [a for a in activities if a.target is not None or a.target_spec is None]
    post_ids = [a.target_id for a in activities if a.target_type == "post" and a.target]
    reaction_counts, mine, comments = {}, set(), {}
    if post_ids and counts:
        post_type = ContentType.objects.get_for_model(Post)
        # Counts and "did I react" in one query.
        for row in (
            Reaction.objects.filter(content_type=post_type, object_id__in=post_ids)
            .values("object_id", "kind")
            .annotate(n=Count("pk"), mine=Count("pk", filter=Q(user_id=user.pk)))
        ):
            reaction_counts.setdefault(row["object_id"], {})[row["kind"]] = row["n"]
            if row["mine"]:
                mine.add((row["object_id"], row["kind"]))
        comments = dict(
            Comment.objects.filter(
                content_type=post_type, object_id__in=post_ids, hidden_at__isnull=True
            )
            .values("object_id")
            .annotate(n=Count("pk"))
            .values_list("object_id", "n")
        )
    for activity in activities:
        # The platform's own kinds keep their names: templates and the API read them.
        activity.post = activity.target if activity.target_type == "post" else None
        activity.announcement = activity.target if activity.target_type == "announcement" else None
        if activity.post is not None:
            pid = activity.post.pk
            activity.reactions = [
                {
                    "kind": kind,
                    "label": label,
                    "count": reaction_counts.get(pid, {}).get(kind, 0),
                    "mine": (pid, kind) in mine,
                }
                for kind, label in Reaction.Kind.choices
            ]
            activity.comment_count = comments.get(pid, 0)
    return activities


def hydrate_post(*, post, user) -> Activity:
    """A post shown outside a feed (its own page) wears the same item as in the feed."""
    activity = Activity.objects.filter(target_type="post", target_id=post.pk).select_related(
        "actor", "space"
    ).first() or Activity(
        verb="post.created",
        actor=post.author,
        space=post.space,
        target_type="post",
        target_id=post.pk,
        created_at=post.created_at,
    )
    return hydrate([activity], user=user)[0]


def activity_for_push(*, activity_id: int) -> Activity | None:
    """One new feed item for the live push, which each socket has already checked against
    its reader's readable spaces (the item's space travels with the message)."""
    return Activity.objects.filter(pk=activity_id).select_related("actor", "space").first()


def pinned_announcements(*, user):
    """The newest three current announcements addressed to the user, each with `seen` (read
    before), in one query: the home page records the unseen ones as read in one more
    (services.record_announcement_reads), so reach costs no query per announcement."""
    return (
        Announcement.objects.filter(access.audience_filter(user), expires_at__gt=timezone.now())
        .annotate(seen=_seen_by(user))
        .select_related("author", "department")[:3]
    )


def _seen_by(user) -> Exists:
    return Exists(AnnouncementRead.objects.filter(announcement_id=OuterRef("pk"), user_id=user.pk))


# --- Leaders' announcements (issue 22) -----------------------------------------------------------

LEADER_STREAM = 10


@dataclass(frozen=True)
class Reach:
    """How many of an announcement's audience read it: counts only, never who. `audience` is
    the active colleagues it is addressed to (its author aside); below `smallest` (the
    organisation's smallest reported group) nothing more than that is said."""

    read: int
    audience: int
    smallest: int

    @property
    def too_small(self) -> bool:
        return self.audience < self.smallest


def announcements_by(*, viewer, author_id: int):
    """What `author_id` announced that `viewer` may open (their audience's, or all for the
    author and administrators), current and past, newest first. One query."""
    return (
        Announcement.objects.readable_by(viewer)
        .filter(author_id=author_id)
        .select_related("author", "department")
        .order_by("-created_at", "-pk")
    )


def leader_updates(*, viewer, author, limit: int = LEADER_STREAM) -> dict | None:
    """A leader's updates on their profile: the newest `limit` announcements of `author` that
    the viewer may open, whether there are more, and (for the author alone) each one's reach.
    Fixed queries: one for the list, three for the reach (the author's view only). None when
    there is nothing to show."""
    if not permissions.is_colleague(viewer):
        return None
    found = list(announcements_by(viewer=viewer, author_id=author.pk)[: limit + 1])
    if not found:
        return None
    shown = found[:limit]
    own = viewer.pk == author.pk
    reach = announcement_reach(announcements=shown) if own else {}
    for announcement in shown:
        announcement.reach = reach.get(announcement.pk)
    return {
        "announcements": shown,
        "more": len(found) > limit,
        "own": own,
        "author": author,
        "now": timezone.now(),
    }


def announcement_reach(*, announcements) -> dict[int, Reach]:
    """{announcement id: Reach} for announcements loaded with their author, in three queries
    whatever their number: the department tree, the active colleagues per department, and the
    reads per announcement and reader's department. Only an announcement's author may be shown
    these (the views ask): counts, never names.

    A read counts while its reader is still in the audience (someone who moved elsewhere is in
    neither number), so the read share never exceeds the whole."""
    announcements = list(announcements)
    if not announcements:
        return {}
    from django.contrib.auth import get_user_model

    below = tree.below_map()
    people = dict(
        get_user_model()
        .objects.filter(permissions.colleague_filter())
        .values("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )
    reads: dict[int, dict[int | None, int]] = {}
    for announcement_id, department_id, n in (
        AnnouncementRead.objects.filter(
            permissions.colleague_filter("user__"),
            announcement_id__in=[a.pk for a in announcements],
        )
        # An author is not their own audience (their reads are never recorded either).
        .exclude(user_id=F("announcement__author_id"))
        .values("announcement_id", "user__department_id")
        .annotate(n=Count("pk"))
        .values_list("announcement_id", "user__department_id", "n")
    ):
        reads.setdefault(announcement_id, {})[department_id] = n
    smallest = privacy.smallest_group()
    found = {}
    for announcement in announcements:
        if announcement.department_id is None:
            departments = None  # everyone, with or without a department
        else:
            departments = below.get(announcement.department_id, {announcement.department_id})
        audience = sum(n for d, n in people.items() if departments is None or d in departments)
        author = announcement.author
        if permissions.is_colleague(author) and (
            departments is None or author.department_id in departments
        ):
            audience -= 1
        read = sum(
            n
            for d, n in reads.get(announcement.pk, {}).items()
            if departments is None or d in departments
        )
        found[announcement.pk] = Reach(
            read=min(read, max(audience, 0)), audience=max(audience, 0), smallest=smallest
        )
    return found


def announcement_page(*, user, announcement) -> dict:
    """An announcement's own page: the reach for its author only (nobody else is given it)."""
    reach = None
    if announcement.author_id == user.pk:
        reach = announcement_reach(announcements=[announcement])[announcement.pk]
    return {"announcement": announcement, "reach": reach, "now": timezone.now()}


def announce_page(*, user) -> dict:
    """What the announce page offers besides the form: the departments whose delegates the
    person chooses (the ones they manage)."""
    return {"managed": list(Department.objects.filter(manager_id=user.pk).order_by("name"))}


def announcement_delegates(*, department) -> list:
    """Who may announce for a department besides its manager, oldest grant first."""
    return list(
        AnnouncementDelegate.objects.filter(department=department)
        .select_related("user", "granted_by")
        .order_by("created_at", "pk")
    )


def feed_page(*, user, feed: Feed, before: int | None = None, counts: bool = True) -> dict:
    items = hydrate(feed_activities(user=user, feed=feed, before=before), user=user, counts=counts)
    return {
        "feed": str(feed),
        "items": items,
        "next_before": items[-1].pk if len(items) == PAGE_SIZE else None,
        "last_id": items[0].pk if items else 0,
    }


def feed_dependencies(*, user, feed: Feed) -> list[str]:
    """The feed-cache counters a feed's first page draws on besides access and organisation."""
    if feed.kind == "space":
        return [feed_cache.space_key(feed.id)]
    if feed.kind == "person":
        return [feed_cache.actor_key(feed.id)]
    spaces = Membership.objects.filter(user_id=user.pk).values_list("space_id", flat=True)
    followed = Follow.objects.filter(follower_id=user.pk).values_list("followee_id", flat=True)
    return [*map(feed_cache.space_key, spaces), *map(feed_cache.actor_key, followed)]


def may_read_feed(*, user, feed: Feed) -> bool:
    """A space feed is readable by whoever may read the space; every other feed filters its
    items one by one. Pages, the API and the sockets all ask this."""
    if feed.kind != "space":
        return permissions.is_active(user)
    space = Space.objects.filter(pk=feed.id).first()
    return space is not None and permissions.can(user, "view", space)


def is_following(*, follower, followee) -> bool:
    return Follow.objects.filter(follower_id=follower.pk, followee_id=followee.pk).exists()


def notification_channels(*, user) -> dict[str, str]:
    """Each kind's channel for this user: their choice, else the quiet default."""
    stored = dict(
        NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "channel")
    )
    return {kind: stored.get(kind, channel) for kind, channel in DEFAULT_CHANNELS.items()}


def unread_count(*, user) -> int:
    return Notification.objects.readable_by(user).filter(read_at__isnull=True).count()


def notifications(*, user):
    return Notification.objects.readable_by(user).select_related("actor")


def post_with_comments(*, user, post_id: int) -> tuple[Post, list[Comment]] | None:
    from django.http import Http404

    from intranet.activity.access import access_post

    try:
        post = access_post(user=user, post_id=post_id)
    except Http404:
        return None
    return post, comments_for(target=post, user=user)


def comments_for(*, target, user) -> list[Comment]:
    """The comments on anything commentable, oldest first; hidden ones only to their author.
    The caller has checked that `user` may read `target`. One query."""
    return list(
        Comment.objects.filter(
            Q(hidden_at__isnull=True) | Q(author_id=user.pk),
            content_type=ContentType.objects.get_for_model(type(target)),
            object_id=target.pk,
        )
        .select_related("author")
        .order_by("created_at", "pk")
    )


def postable_spaces(*, user) -> list[Space]:
    """The spaces the composer offers: where the user is a member and may post (one query;
    the matrix comes from the cached defaults)."""
    memberships = Membership.objects.filter(user_id=user.pk).select_related("space")
    return sorted(
        (
            m.space
            for m in memberships
            if "post" in permissions.space_permissions(user, m.space, m.role)
        ),
        key=lambda space: space.name,
    )
