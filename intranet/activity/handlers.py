"""What activity does when something happens: it tells the people it concerns."""

from __future__ import annotations

from django.urls import reverse

from intranet import events
from intranet.activity import commentable, live, services
from intranet.activity import events as ev
from intranet.activity.models import NotificationKind, Post
from intranet.governance import events as gov
from intranet.governance.constants import SpaceRole
from intranet.governance.models import Membership, MembershipRequest, Space


def _post_url(post_id: int) -> str:
    return reverse("activity:post", args=[post_id])


def on_post_created(event: ev.PostCreated) -> None:
    space = Space.objects.get(pk=event.space_id)
    services.notify_mentions(
        mentioned_ids=event.mentioned_ids,
        actor_id=event.author_id,
        space=space,
        url=_post_url(event.post_id),
        key=f"mention:post:{event.post_id}",
    )


def _resolve_posts(ids: list[int]) -> dict:
    return {
        post.pk: (post.space, _post_url(post.pk), post.body[:80])
        for post in Post.objects.select_related("space").filter(pk__in=ids)
    }


commentable.register("post", _resolve_posts)


def on_comment_added(event: ev.CommentAdded) -> None:
    found = commentable.resolve(event.target_type, [event.target_id]).get(event.target_id)
    if found is None:
        return
    space, target_url, excerpt = found
    url = f"{target_url.split('#')[0]}#comment-{event.comment_id}"
    told = commentable.readers(
        event.target_type, target_id=event.target_id, space=space, user_ids=event.recipient_ids
    )
    for recipient_id, space_id in told:
        services.notify(
            recipient_id=recipient_id,
            kind=NotificationKind.REPLY,
            group_key=f"reply:{event.target_type}:{event.target_id}",
            actor_id=event.author_id,
            url=url,
            params={"excerpt": excerpt},
            space_id=space_id,
        )
    services.notify_mentions(
        mentioned_ids=event.mentioned_ids,
        actor_id=event.author_id,
        space=space,
        url=url,
        key=f"mention:comment:{event.comment_id}",
    )


def on_reaction_added(event: ev.ReactionAdded) -> None:
    if event.target_type != "post" or not event.owner_id:
        return
    post = Post.objects.filter(pk=event.target_id).only("body", "space_id").first()
    if post is None:
        return
    services.notify(
        recipient_id=event.owner_id,
        kind=NotificationKind.REACTION,
        group_key=f"reaction:post:{event.target_id}",
        actor_id=event.user_id,
        url=_post_url(event.target_id),
        params={"excerpt": post.body[:80]},
        space_id=post.space_id,
    )


def on_membership_requested(event: gov.MembershipRequested) -> None:
    space = Space.objects.get(pk=event.space_id)
    if event.kind == MembershipRequest.Kind.INVITATION:
        services.notify(
            recipient_id=event.user_id,
            kind=NotificationKind.INVITATION,
            group_key=f"invitation:{event.request_id}",
            actor_id=event.actor_id,
            url=reverse("governance:space", args=[space.slug]),
            params={"space": space.name},
        )
        return
    managers = Membership.objects.filter(
        space=space, role__in=[SpaceRole.OWNER, SpaceRole.MODERATOR]
    ).values_list("user_id", flat=True)
    for manager_id in managers:
        services.notify(
            recipient_id=manager_id,
            kind=NotificationKind.JOIN_REQUEST,
            group_key=f"join_request:space:{space.pk}",
            actor_id=event.user_id,
            url=reverse("governance:members", args=[space.slug]),
            params={"space": space.name},
            space_id=space.pk,
        )


def on_notifications_changed(event: ev.NotificationsChanged) -> None:
    live.push_notifications(user_id=event.user_id)


def on_membership_changed(event) -> None:
    live.access_changed(user_id=event.user_id)


def on_space_created(event) -> None:
    # Its creator now owns it: their rail ("My spaces") and feeds include it.
    if event.actor_id is not None:
        live.access_changed(user_id=event.actor_id)


def on_follows_changed(event) -> None:
    live.access_changed(user_id=event.follower_id)


def on_access_changed_for_everyone(event) -> None:
    live.access_changed()


def on_announcement_delegates_changed(event) -> None:
    # Their "Announce" link and the departments the form offers them changed.
    live.access_changed(user_id=event.user_id)


def register() -> None:
    for event_type in (
        gov.MemberJoined,
        gov.MemberLeft,
        gov.MemberRoleChanged,
        gov.OrgRoleChanged,
        gov.PersonMovedDepartment,
        gov.AccountActiveChanged,
    ):
        events.subscribe(event_type, on_membership_changed)
    events.subscribe(gov.SpaceCreated, on_space_created)
    for event_type in (ev.PersonFollowed, ev.PersonUnfollowed):
        events.subscribe(event_type, on_follows_changed)
    for event_type in (
        gov.SpaceSettingsChanged,
        gov.SpacePermissionsChanged,
        gov.KindDefaultsChanged,
        gov.PilotChanged,
        gov.MfaPolicyChanged,
        # A department moved or got another manager: whose announcements reach whom (a
        # department's reach everything below it) and who may announce have changed.
        gov.DepartmentChanged,
    ):
        events.subscribe(event_type, on_access_changed_for_everyone)
    for event_type in (ev.AnnouncementDelegateAdded, ev.AnnouncementDelegateRemoved):
        events.subscribe(event_type, on_announcement_delegates_changed)
    events.subscribe(ev.PostCreated, on_post_created)
    events.subscribe(ev.CommentAdded, on_comment_added)
    events.subscribe(ev.ReactionAdded, on_reaction_added)
    events.subscribe(gov.MembershipRequested, on_membership_requested)
    events.subscribe(ev.NotificationsChanged, on_notifications_changed)
