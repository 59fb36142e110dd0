"""Questions to the leadership are tracked (issue 22): the rail's way to the open Q&A of the
directors, and the follow-up panels (the leaders' own, and the record in insights). Who answers
for the leadership, what counts as answered and the deadline: forums.selectors ("Questions to
the leadership"). Registered in ForumsConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from intranet.core import navigation


class LeadershipNavItem(navigation.NavItem):
    """A rail entry whose address is the leadership space's forum. The space has no fixed
    address (its slug comes from the department's name), so the address is looked up (cached)
    instead of reversed from `url_name`; `url_name` names no view, so the entry is never
    marked as the current page (it is a way into a forum, not a page of its own)."""

    @property
    def url(self) -> str:
        from forums import selectors

        # None only if the space went between deciding to show the entry and drawing it.
        return selectors.leadership_address() or reverse("forums:unanswered")


def _visible(user) -> bool:
    from forums import selectors

    return selectors.may_reach_leadership(user=user)


def follow_up_panel(request, **values) -> dict | None:
    """On the follow-up page, for those who answer for the leadership (and administrators):
    the questions to the leadership past their deadline, the longest waiting first. Nothing
    for anyone else, and nothing when none is overdue."""
    from forums import selectors

    user = request.user
    if not selectors.answers_for_leadership(user=user):
        return None
    deadline_days = selectors.answer_deadline_days()
    overdue = selectors.overdue_leadership_questions(user=user, deadline_days=deadline_days)
    questions = selectors.with_leadership_states(
        overdue[: selectors.OVERDUE_SHOWN], deadline_days=deadline_days
    )
    if not questions:
        return None
    return {
        "questions": questions,
        "count": overdue.count(),
        "deadline_days": deadline_days,
        "open_qa": selectors.leadership_address(),
    }


def insights_panel(request, **values) -> dict | None:
    """At the bottom of the insights follow-up page (insights decided who sees it): how the
    leadership answered the questions put to it, over what the viewer may read."""
    from forums import selectors

    if selectors.leadership_address() is None:
        return None  # no leadership space: nobody can ask the leadership anything
    return {"record": selectors.leadership_record(user=request.user)}


def register() -> None:
    from intranet.core import panels

    navigation.register(
        LeadershipNavItem(
            key="ask_leadership",
            label=_("Ask the leadership"),
            url_name="forums:leadership",
            icon="org",  # the top of the organisation
            order=16,
            visible=_visible,
        )
    )
    panels.register(
        "follow_up",
        panels.Panel("forums_leadership", "forums/_leadership_overdue.html", follow_up_panel, 20),
    )
    panels.register(
        "insights_follow_up",
        panels.Panel(
            "forums_leadership", "forums/_leadership_record.html", insights_panel, order=20
        ),
    )
