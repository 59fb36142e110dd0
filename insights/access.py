"""Who may see which insights. Department-level views: administrators, community managers and
people who manage someone (the default audience of leadership views). Person-level views: only
when the organisation switched them on with a recorded purpose, and only for the people an
administrator granted them to. Guests never."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from intranet.governance import permissions
from intranet.governance.constants import OrgRole


def may_view(user) -> bool:
    if not permissions.is_active(user) or permissions.is_guest(user):
        return False
    if permissions.is_administrator(user) or user.org_role == OrgRole.COMMUNITY_MANAGER:
        return True
    if "_manages_someone" not in user.__dict__:
        user.__dict__["_manages_someone"] = (
            get_user_model().objects.filter(manager_id=user.pk, is_active=True).exists()
        )
    return user.__dict__["_manages_someone"]


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
