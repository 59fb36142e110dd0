"""How posts and announcements are loaded for a user, and who may announce to whom: the only
way in (DESIGN.md, "Governance"). Missing, forbidden and malformed ids all answer 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from intranet.activity.models import Announcement, AnnouncementDelegate, AnnouncementRead, Post
from intranet.governance import permissions, tree
from intranet.governance.access import object_id, space_access
from intranet.governance.models import Department


def access_post(*, user, post_id) -> Post:
    post = Post.objects.filter(pk=object_id(post_id)).select_related("space", "author").first()
    if post is None:
        raise Http404
    space_access(user=user, space=post.space, module=None)
    return post


# --- Announcements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnounceReach:
    """Where someone may announce: to everyone (and so to any department), or to these
    departments (each with everything below it already included)."""

    everyone: bool = False
    department_ids: frozenset[int] = frozenset()

    @property
    def any(self) -> bool:
        return self.everyone or bool(self.department_ids)

    def allows(self, department_id: int | None) -> bool:
        """May announce to this department (None: the whole organisation)?"""
        if department_id is None:
            return self.everyone
        return self.everyone or department_id in self.department_ids


NOWHERE = AnnounceReach()
EVERYWHERE = AnnounceReach(everyone=True)


def announce_reach(user) -> AnnounceReach:
    """The one answer to "who may announce to whom" (issue 22): pages, the service, the form's
    choices and the top bar's "Announce" link all ask it.

    - administrators and community managers: everyone, and any department;
    - directors (managers of a department at the top of the tree): the same;
    - a department's manager: that department and every department below it;
    - a delegate of a department: what its manager may there (the whole organisation when the
      department is at the top);
    - anyone else, guests and inactive accounts: nowhere.

    Two queries at most, asked once per user object (a request)."""
    if not permissions.is_colleague(user):
        return NOWHERE
    if permissions.is_administrator(user) or permissions.is_community_manager(user):
        return EVERYWHERE
    if "_announce_reach" not in user.__dict__:
        delegated = AnnouncementDelegate.objects.filter(department=OuterRef("pk"), user_id=user.pk)
        # The departments this person speaks for: managed ones and delegated ones.
        roots = list(
            Department.objects.filter(Q(manager_id=user.pk) | Q(Exists(delegated))).values_list(
                "pk", "parent_id"
            )
        )
        if any(parent_id is None for _pk, parent_id in roots):
            reach = EVERYWHERE
        elif roots:
            reach = AnnounceReach(
                department_ids=frozenset(tree.subtree_ids(pk for pk, _parent in roots))
            )
        else:
            reach = NOWHERE
        user.__dict__["_announce_reach"] = reach
    return user.__dict__["_announce_reach"]


def may_announce(user) -> bool:
    return announce_reach(user).any


def announceable_departments(user):
    """The departments the announce form offers this person, by name."""
    reach = announce_reach(user)
    if reach.everyone:
        return Department.objects.order_by("name", "pk")
    return Department.objects.filter(pk__in=sorted(reach.department_ids)).order_by("name", "pk")


def audience_filter(user) -> Q:
    """Announcements addressed to `user`: the whole organisation's, and those for their
    department or a department above it (a department's announcement reaches everything below
    it). Colleagues only: guests and inactive accounts are nobody's audience. What is pinned on
    their home page and what counts as read."""
    if not permissions.is_colleague(user):
        return Q(pk__in=[])
    reached = Q(department__isnull=True)
    if user.department_id is not None:
        reached |= Q(department_id__in=tree.lineage(user.department_id))
    return reached


def readable_filter(user) -> Q:
    """Announcements `user` may open: their audience's, their own, and (for administrators,
    who see every organisation-wide feed item) all of them."""
    if not permissions.is_colleague(user):
        return Q(pk__in=[])
    if permissions.is_administrator(user):
        return Q()
    return audience_filter(user) | Q(author_id=user.pk)


def access_announcement(*, user, announcement_id) -> Announcement:
    """An announcement whose audience includes `user` (or that they wrote), with `seen`: whether
    they have read it before. Anything else is 404."""
    pk = object_id(announcement_id)
    found = (
        Announcement.objects.readable_by(user)
        .filter(pk=pk)
        .annotate(
            seen=Exists(
                AnnouncementRead.objects.filter(announcement_id=OuterRef("pk"), user_id=user.pk)
            )
        )
        .select_related("author", "department")
        .first()
    )
    if found is None:
        raise Http404
    return found


def may_manage_delegates(*, user, department) -> bool:
    """A department's announcement delegates are its manager's to choose, and administrators'."""
    return permissions.is_colleague(user) and (
        permissions.is_administrator(user) or department.manager_id == user.pk
    )


def access_delegates(*, user, department_id) -> Department:
    """A department whose announcement delegates `user` manages. Anything else is 404."""
    found = Department.objects.filter(pk=object_id(department_id)).select_related("manager").first()
    if found is None or not may_manage_delegates(user=user, department=found):
        raise Http404
    return found
