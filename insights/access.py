"""Who may see which insights. Department-level views: administrators, community managers and
people the organisation made someone's manager (the default audience of leadership views; a
manager someone named themselves opens nothing). Person-level views: only when the
organisation switched them on with a recorded purpose, and only for the people an
administrator granted them to. Guests never. The governance predicates decide the roles."""

from __future__ import annotations

from intranet.governance import permissions


def may_view(user) -> bool:
    return permissions.may_see_insights(user)


def may_view_people(user) -> bool:
    from insights.models import Analyst
    from insights.selectors import insight_settings

    if not may_view(user) or not insight_settings().person_level:
        return False
    # Asked by the page, the service and the tabs in one request: once per user object.
    if "_insights_analyst" not in user.__dict__:
        user.__dict__["_insights_analyst"] = Analyst.objects.filter(user_id=user.pk).exists()
    return user.__dict__["_insights_analyst"]


def may_configure(user) -> bool:
    return permissions.is_administrator(user)
