"""How posts are loaded for a user: the only way in (DESIGN.md, "Governance"). Missing,
forbidden and malformed ids all answer 404."""

from __future__ import annotations

from django.http import Http404

from intranet.activity.models import Post
from intranet.governance.access import object_id, space_access


def access_post(*, user, post_id) -> Post:
    post = Post.objects.filter(pk=object_id(post_id)).select_related("space", "author").first()
    if post is None:
        raise Http404
    space_access(user=user, space=post.space, module=None)
    return post
