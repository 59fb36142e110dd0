"""Organisation roles are asked through the named predicates in governance.permissions, never by
comparing role strings (issue 19): gamification, insights and moderation hold no `org_role`
check of their own, and the predicates answer as the roles mean."""

import re
from pathlib import Path

import pytest

from intranet.governance import permissions
from tests.factories import AdminFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ["gamification", "insights", "intranet/moderation", "templates/gamification",
        "templates/insights", "templates/moderation"]  # fmt: skip
ROLE_CHECK = re.compile(r"org_role|OrgRole\.|[\"'](guest|administrator|community_manager)[\"']")


def test_no_app_compares_organisation_roles_itself():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*")):
            if path.suffix not in (".py", ".html") or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if ROLE_CHECK.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.django_db
def test_the_role_predicates():
    guest, employee = UserFactory(org_role="guest"), UserFactory()
    manager, moderator = (
        UserFactory(org_role="community_manager"),
        UserFactory(org_role="moderator"),
    )
    admin, gone = AdminFactory(), UserFactory(org_role="community_manager", is_active=False)
    assert [permissions.is_colleague(u) for u in (guest, employee, admin, gone)] == [
        False, True, True, False,
    ]  # fmt: skip
    assert [permissions.is_community_manager(u) for u in (manager, employee, gone)] == [
        True, False, False,
    ]  # fmt: skip
    assert [permissions.moderates_everywhere(u) for u in (moderator, manager, admin, employee,
                                                          guest)] == [True, True, True, False,
                                                                      False]  # fmt: skip
    assert [permissions.may_appoint_ambassadors(u) for u in (manager, admin, moderator)] == [
        True, True, False,
    ]  # fmt: skip
    assert [permissions.may_see_insights(u) for u in (manager, admin, employee, guest, gone)] == [
        True, True, False, False, False,
    ]  # fmt: skip
    from profiles.models import User

    people = User.objects.filter(pk__in=[guest.pk, employee.pk, admin.pk, gone.pk])
    assert set(people.filter(permissions.colleague_filter())) == {employee, admin}
