"""Replies by email to the platform's own things: a comment on a post (the feed's posts live
in intranet.activity). Feature apps register theirs in their AppConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.inbound import registry


def _comment_on_post(*, user, target_id: int, body: str) -> str:
    from django.urls import reverse

    from intranet.activity import access
    from intranet.activity import services as activity

    post = access.access_post(user=user, post_id=target_id)
    comment = activity.add_comment(author=user, target=post, body=body)
    return reverse("activity:post", args=[post.pk]) + f"#comment-{comment.pk}"


def _may_comment_on_post(*, user, target_id: int) -> bool:
    from django.http import Http404

    from intranet.activity import access
    from intranet.governance import permissions
    from intranet.governance.constants import Action

    try:
        post = access.access_post(user=user, post_id=target_id)
    except Http404:
        return False
    return permissions.can(user, Action.COMMENT, post.space)


def register() -> None:
    registry.register(
        registry.Replyable(
            kind="post",
            post=_comment_on_post,
            notifications=("reply:post:{id}", "mention:post:{id}", "reaction:post:{id}"),
            hint=_("Reply to this email to comment on the post."),
            allowed=_may_comment_on_post,
        )
    )
