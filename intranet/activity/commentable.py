"""What can be commented on, per kind (the comment's content type model name): how to find,
for many ids at once, the space a comment lives in, the address of the thing commented on and
a short excerpt. Posts register here; forums register topics and answers. Notifications about
comments and moderation of comments read it, so both work for every kind."""

from __future__ import annotations

from collections.abc import Callable

# target_type -> resolve(ids) -> {id: (space, url, excerpt)}
_kinds: dict[str, Callable[[list[int]], dict]] = {}
# target_type -> changed(target_type=, target_id=): a comment on it was hidden or restored
_changed: dict[str, Callable[..., None]] = {}
# target_type -> readers(target_id=, user_ids=) -> [(user id, space id)]: of these people, who
# may read the thing, and through which space (a board shared with other spaces is read
# through any of them). Without one: everyone who may read the thing's own space.
_readers: dict[str, Callable[..., list[tuple[int, int]]]] = {}


def register(
    target_type: str,
    resolve: Callable[[list[int]], dict],
    *,
    changed: Callable | None = None,
    readers: Callable[..., list[tuple[int, int]]] | None = None,
) -> None:
    _kinds[target_type] = resolve
    if changed is not None:
        _changed[target_type] = changed
    if readers is not None:
        _readers[target_type] = readers


def readers(target_type: str, *, target_id: int, space, user_ids) -> list[tuple[int, int]]:
    """Of `user_ids`, who may read the thing commented on, each with the space they read it
    through: notifications about it are told only to them, and remember that space."""
    if target_type in _readers:
        return _readers[target_type](target_id=target_id, user_ids=list(user_ids))
    from django.contrib.auth import get_user_model

    from intranet.governance import permissions

    people = get_user_model().objects.filter(pk__in=list(user_ids), is_active=True)
    return [(person.pk, space.pk) for person in people if permissions.can(person, "view", space)]


def comment_changed(comment) -> None:
    """Moderation hid or restored `comment`: tell the app whose thing it is under."""
    kind = comment.content_type.model
    if kind in _changed:
        _changed[kind](target_type=kind, target_id=comment.object_id)


def resolve(target_type: str, ids: list[int]) -> dict:
    found = _kinds.get(target_type)
    return found(ids) if found and ids else {}


def load_comments(ids: list[int], *, hidden_in: list[int] | None = None, limit: int = 0) -> dict:
    """Comments by id, each knowing its space and address (comment.space,
    comment.get_absolute_url()): one query for the comments, one per kind commented on."""
    from intranet.activity.models import Comment

    comments = Comment.objects.select_related("content_type", "author")
    if hidden_in is not None:
        comments = comments.filter(hidden_at__isnull=False).order_by("-hidden_at")[: limit * 4]
    else:
        comments = comments.filter(pk__in=ids)
    comments = list(comments)
    by_kind: dict[str, set[int]] = {}
    for comment in comments:
        by_kind.setdefault(comment.content_type.model, set()).add(comment.object_id)
    where = {kind: resolve(kind, sorted(ids)) for kind, ids in by_kind.items()}
    found = {}
    for comment in comments:
        place = where.get(comment.content_type.model, {}).get(comment.object_id)
        if place is None:
            continue
        comment.where = place
        if hidden_in is None or place[0].pk in hidden_in:
            found[comment.pk] = comment
    return found
