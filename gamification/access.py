"""How recognition content is loaded and listed for a user: the only way in (DESIGN.md,
"Governance"). Missing, forbidden and malformed ids all answer 404."""

from __future__ import annotations

from django.http import Http404

from gamification.models import Badge, Story
from intranet.governance.access import object_id
from intranet.governance.constants import Action, Module
from intranet.governance.selectors import readable_space_ids, spaces_where


def access_story(*, user, story_id) -> Story:
    """A published story in a space the user may read with stories switched on."""
    story = (
        Story.objects.readable_by(user)
        .select_related("space", "author", "author__department")
        .filter(pk=object_id(story_id))
        .first()
    )
    if story is None:
        raise Http404
    return story


def access_badge(*, user, badge_id) -> Badge:
    """An active badge; one limited to a space only for those who may read that space."""
    badge = (
        Badge.objects.readable_by(user)
        .select_related("space")
        .filter(pk=object_id(badge_id), active=True)
        .first()
    )
    if badge is None:
        raise Http404
    return badge


def story_space_ids(*, user) -> list[int]:
    return readable_space_ids(user=user, module=Module.STORIES)


def story_space(*, user, slug: str):
    """A space the user may read, with stories on, by its address (404 otherwise)."""
    found = spaces_where(user=user, module=Module.STORIES, slug=slug)
    if not found:
        raise Http404
    return found[0]


def publishing_spaces(*, user) -> list:
    """The spaces where the user may publish a success story."""
    return spaces_where(user=user, module=Module.STORIES, action=Action.PUBLISH_STORY)
