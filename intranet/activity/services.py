"""Activity writes: posts, comments, reactions, announcements, follows and notifications."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import events
from intranet.activity import access, text
from intranet.activity import events as ev
from intranet.activity.models import (
    DEFAULT_CHANNELS,
    Announcement,
    AnnouncementDelegate,
    AnnouncementRead,
    Channel,
    Comment,
    Follow,
    Notification,
    NotificationKind,
    NotificationPreference,
    Post,
    Reaction,
)
from intranet.core import ratelimit
from intranet.governance import audit, permissions
from intranet.governance.constants import Action
from intranet.governance.models import Department

User = get_user_model()


def _clean_body(body: str, *, limit: int) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > limit:
        raise ValidationError({"body": _("Keep it under %(limit)s characters.") % {"limit": limit}})
    return body


def create_post(*, author, space, body: str) -> Post:
    if not permissions.can(author, Action.POST, space):
        raise PermissionDenied
    body = _clean_body(body, limit=5000)
    mentioned = [p for p in text.mentioned_users(body) if p.pk != author.pk]
    with transaction.atomic():
        ratelimit.guard(user=author, action="post")
        post = Post.objects.create(
            space=space, author=author, body=body, body_html=text.render(body, mentions=mentioned)
        )
        events.publish(
            ev.PostCreated(
                post_id=post.pk,
                space_id=space.pk,
                author_id=author.pk,
                mentioned_ids=[p.pk for p in mentioned],
            )
        )
    return post


def _target_space(target):
    """Comments and reactions follow the rights of the space their target lives in."""
    space = getattr(target, "space", None)
    if space is None:
        raise ValidationError(_("This cannot be commented on."))
    return space


def add_comment(*, author, target, body: str, parent: Comment | None = None) -> Comment:
    space = _target_space(target)
    if not permissions.can(author, Action.COMMENT, space):
        raise PermissionDenied
    body = _clean_body(body, limit=3000)
    content_type = ContentType.objects.get_for_model(target)
    if parent is not None:
        if (parent.content_type_id, parent.object_id) != (content_type.pk, target.pk):
            raise ValidationError(_("That reply belongs to something else."))
        # One level deep: a reply to a reply joins its parent's thread.
        parent = parent.parent or parent
    mentioned = [p for p in text.mentioned_users(body) if p.pk != author.pk]
    with transaction.atomic():
        ratelimit.guard(user=author, action="comment")
        comment = Comment.objects.create(
            content_type=content_type,
            object_id=target.pk,
            parent=parent,
            author=author,
            body=body,
            body_html=text.render(body, mentions=mentioned),
        )
        owner_id = getattr(target, "author_id", None)
        recipients = {owner_id} if owner_id else set()
        if parent is not None:
            recipients.add(parent.author_id)
        recipients.discard(author.pk)
        events.publish(
            ev.CommentAdded(
                comment_id=comment.pk,
                target_type=content_type.model,
                target_id=target.pk,
                author_id=author.pk,
                recipient_ids=sorted(recipients),
                mentioned_ids=[p.pk for p in mentioned],
            )
        )
    return comment


def react(*, user, target, kind: str) -> bool:
    """Add a reaction; reacting again with the same kind takes it back. Returns whether the
    reaction is now present."""
    space = _target_space(target)
    if not permissions.can(user, Action.VIEW, space):
        raise PermissionDenied  # before the kind is looked at: no answer tells it exists
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": _("Choose like, helpful or celebrate.")})
    content_type = ContentType.objects.get_for_model(target)
    existing = Reaction.objects.filter(
        content_type=content_type, object_id=target.pk, user=user, kind=kind
    )
    if existing.exists():
        existing.delete()
        return False
    ratelimit.guard(user=user, action="reaction")  # taking a reaction back is never limited
    try:
        with transaction.atomic():
            Reaction.objects.create(
                content_type=content_type, object_id=target.pk, user=user, kind=kind
            )
            events.publish(
                ev.ReactionAdded(
                    target_type=content_type.model,
                    target_id=target.pk,
                    user_id=user.pk,
                    kind=kind,
                    owner_id=getattr(target, "author_id", 0) or 0,
                )
            )
    except IntegrityError:
        pass  # a double click raced the first: the reaction is there, which is what was asked
    return True


def publish_announcement(
    *, author, title: str, body: str, expires_at, department: Department | None = None
) -> Announcement:
    """Pin an announcement for the whole organisation (department None) or for a department
    and everything below it. Who may say it to whom is activity.access.announce_reach: someone
    who may announce nowhere is refused (404 on a page); a department outside their reach is a
    refusal of that field, like any other bad input, and nothing is saved."""
    reach = access.announce_reach(author)
    if not reach.any:
        raise PermissionDenied
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the announcement a title.")
    if not reach.allows(getattr(department, "pk", None)):
        errors["department"] = (
            _("You cannot announce to this department.")
            if department is not None
            else _("Choose one of your departments: you cannot announce to everyone.")
        )
    if expires_at is None or expires_at <= timezone.now():
        errors["expires_at"] = _("Choose a moment in the future.")
    elif expires_at > timezone.now() + timedelta(days=366):
        errors["expires_at"] = _("An announcement stays pinned for a year at most.")
    if errors:
        raise ValidationError(errors)
    body = _clean_body(body, limit=5000)
    with transaction.atomic():
        announcement = Announcement.objects.create(
            author=author,
            title=title,
            body=body,
            body_html=text.render(body),
            department=department,
            expires_at=expires_at,
        )
        events.publish(
            ev.AnnouncementPublished(
                announcement_id=announcement.pk,
                author_id=author.pk,
                department_id=getattr(department, "pk", None),
            )
        )
    return announcement


def record_announcement_reads(*, user, announcements) -> int:
    """Remember that `user` saw these announcements, once each, for their authors' reach.

    Called where an announcement is shown in full to its audience: pinned on the home page
    (while it is current) and on its own page. The callers load each announcement with `seen`
    (an EXISTS in the query that loads it), so a page that shows only what was read before
    writes nothing, and one that shows new ones writes them in a single INSERT ... ON CONFLICT
    DO NOTHING: no query per announcement, and two tabs racing still count one read. Authors
    are not their own audience; guests are nobody's."""
    if not permissions.is_colleague(user):
        return 0
    new = [a.pk for a in announcements if not getattr(a, "seen", False) and a.author_id != user.pk]
    if not new:
        return 0
    AnnouncementRead.objects.bulk_create(
        [AnnouncementRead(announcement_id=pk, user_id=user.pk) for pk in new],
        ignore_conflicts=True,
    )
    return len(new)


def add_announcement_delegate(*, actor, department: Department, user) -> AnnouncementDelegate:
    """Let `user` announce for `department` (and everything below it, as its manager may).
    The department's manager or an administrator decides; audited."""
    if not access.may_manage_delegates(user=actor, department=department):
        raise PermissionDenied
    if user is None or not permissions.is_colleague(user):
        raise ValidationError({"email": _("Only colleagues with an active account can announce.")})
    if user.pk == department.manager_id:
        raise ValidationError({"email": _("The manager already announces for this department.")})
    with transaction.atomic():
        delegate, created = AnnouncementDelegate.objects.get_or_create(
            department=department, user=user, defaults={"granted_by": actor}
        )
        if not created:
            raise ValidationError(
                {
                    "email": _("%(name)s already announces for this department.")
                    % {"name": user.display_name}
                }
            )
        audit.record(
            actor=actor,
            action="announcement.delegate_added",
            target=department,
            before=None,
            after={"delegate": user.pk, "email": user.email},
        )
        events.publish(
            ev.AnnouncementDelegateAdded(
                department_id=department.pk, user_id=user.pk, actor_id=actor.pk
            )
        )
    return delegate


def remove_announcement_delegate(*, actor, department: Department, user_id: int) -> None:
    """Take back what add_announcement_delegate gave; audited. Someone who is no delegate of
    this department is a refusal, not a silent success."""
    if not access.may_manage_delegates(user=actor, department=department):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _rows = AnnouncementDelegate.objects.filter(
            department=department, user_id=user_id
        ).delete()
        if not deleted:
            raise ValidationError(_("This person does not announce for this department."))
        audit.record(
            actor=actor,
            action="announcement.delegate_removed",
            target=department,
            before={"delegate": user_id},
            after=None,
        )
        events.publish(
            ev.AnnouncementDelegateRemoved(
                department_id=department.pk, user_id=user_id, actor_id=actor.pk
            )
        )


def follow(*, follower, followee) -> Follow:
    if follower.pk == followee.pk:
        raise ValidationError(_("You cannot follow yourself."))
    if permissions.is_guest(follower) or not permissions.is_active(followee):
        raise PermissionDenied
    with transaction.atomic():
        relation, created = Follow.objects.get_or_create(follower=follower, followee=followee)
        if created:
            events.publish(ev.PersonFollowed(follower_id=follower.pk, followee_id=followee.pk))
    return relation


def unfollow(*, follower, followee) -> None:
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(follower=follower, followee=followee).delete()
        if deleted:
            events.publish(ev.PersonUnfollowed(follower_id=follower.pk, followee_id=followee.pk))


# --- Notifications -----------------------------------------------------------------------------


def channel_for(*, user_id: int, kind: str) -> str:
    stored = (
        NotificationPreference.objects.filter(user_id=user_id, kind=kind)
        .values_list("channel", flat=True)
        .first()
    )
    return stored or DEFAULT_CHANNELS[kind]


def notify(
    *,
    recipient_id: int,
    kind: str,
    group_key: str,
    actor_id: int | None,
    url: str,
    params: dict | None = None,
    space_id: int | None = None,
) -> Notification | None:
    """Tell someone, once per thing: an unread notification with the same group_key absorbs
    the new actor ("Chris and 9 others like your post"). `space_id` is where it happened (for
    a board shared with several spaces: the one the recipient reads it through). Callers tell
    only people who may read it; the bell, the mail and the digest check again when they show
    or send it (Notification.objects.readable_by), so access lost later counts too."""
    if recipient_id == actor_id:
        return None
    channel = channel_for(user_id=recipient_id, kind=kind)
    if channel == Channel.OFF:
        return None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(recipient_id=recipient_id, group_key=group_key, read_at__isnull=True)
            .first()
        )
        if notification is None:
            notification = Notification.objects.create(
                recipient_id=recipient_id,
                space_id=space_id,
                kind=kind,
                group_key=group_key,
                actor_id=actor_id,
                url=url,
                params=params or {},
                in_digest=channel == Channel.DIGEST,
            )
        elif notification.actor_id != actor_id:
            notification.actor_id = actor_id
            notification.actor_count += 1
            notification.params = params or notification.params
            notification.save(update_fields=["actor", "actor_count", "params", "updated_at"])
        events.publish(ev.NotificationsChanged(user_id=recipient_id))
        if channel == Channel.EMAIL and notification.emailed_at is None:
            from intranet.activity.tasks import email_notification

            notification_id = notification.pk
            transaction.on_commit(lambda: email_notification.delay(notification_id))
    return notification


def _about(urls) -> Q:
    """Notifications about things: they link to them (or to a part: an answer, a comment)."""
    found = Q(pk__in=[])
    for url in urls:
        if "#" in url:  # a part of a page (an answer): exactly that part
            found |= Q(url=url)
        else:  # a page: it and every part of it ("/forum/topics/5/#answer-9")
            found |= Q(url__startswith=url.rstrip("/") + "/") | Q(url=url)
    return found


def notifications_follow(*, urls, space_id: int) -> int:
    """A thing moved to another space: notifications about it now live there too, so they are
    shown to the new space's readers only (Notification.objects.readable_by)."""
    urls = list(urls)
    return Notification.objects.filter(_about(urls)).update(space_id=space_id) if urls else 0


def withdraw_notifications(*, urls, keep_spaces=None, keep_kinds=()) -> int:
    """What notifications say of a thing that was hidden, or is no longer read through a space
    (a board unshared), goes: delete those about it, except those in `keep_spaces` (where
    it still lives) and of `keep_kinds` (the author's "a moderator hid your post")."""
    urls = list(urls)
    if not urls:
        return 0
    found = Notification.objects.filter(_about(urls)).exclude(kind__in=list(keep_kinds))
    if keep_spaces is not None:
        found = found.exclude(space_id__in=list(keep_spaces))
    recipients = set(found.values_list("recipient_id", flat=True))
    deleted, _rows = found.delete()
    for user_id in recipients:
        events.publish(ev.NotificationsChanged(user_id=user_id))
    return deleted


def notify_mentions(*, mentioned_ids, actor_id, space, url: str, key: str) -> None:
    """Tell people named as @name, but only those who may read the space: a mention must
    not leak what a private space discusses. (Posts, comments, forums use this.)"""
    for person in User.objects.filter(pk__in=mentioned_ids, is_active=True):
        if permissions.can(person, Action.VIEW, space):
            notify(
                recipient_id=person.pk,
                kind=NotificationKind.MENTION,
                group_key=key,
                actor_id=actor_id,
                url=url,
                params={"space": space.name},
                space_id=space.pk,
            )


def mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one notification (or, without an id, all) of `user` as read."""
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
        if not unread.exists():
            raise PermissionDenied  # missing, read, or someone else's: the same answer
    count = unread.update(read_at=timezone.now())
    events.publish(ev.NotificationsChanged(user_id=user.pk))
    return count


def set_preferences(*, user, channels: dict[str, str]) -> None:
    errors = [
        k
        for k, v in channels.items()
        if k not in NotificationKind.values or v not in Channel.values
    ]
    if errors:
        raise ValidationError(_("Choose one of the offered options for every kind."))
    with transaction.atomic():
        for kind, channel in channels.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"channel": channel}
            )
