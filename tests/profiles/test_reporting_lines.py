"""Managers come from the organisation, not from the person (issue 19): a reporting line opens
the department insights to the manager, so only administrators set it (audited), the API shows
it read-only, the profile form offers it only to administrators, and a line someone once named
themselves opens nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from intranet.governance.models import AuditEntry
from profiles import services
from tests.factories import AdminFactory, UserFactory
from tests.profiles.test_people import EN, profile_form

pytestmark = pytest.mark.django_db

INSIGHTS = ["/insights/", "/api/insights/network/"]


@pytest.fixture
def me(client):
    person = UserFactory(first_name="Chris", last_name="Dekker", language="en")
    client.force_login(person)
    return person


@pytest.fixture
def colleague():
    return UserFactory(first_name="Sandy", last_name="Visser", email="sandy@plein.example")


def insights_for(client, person) -> set[int]:
    client.force_login(person)
    return {client.get(url).status_code for url in INSIGHTS}


def lines() -> int:
    return AuditEntry.objects.filter(action="user.manager_changed").count()


def test_naming_my_own_manager_over_the_api_is_refused_and_opens_nothing(client, me, colleague):
    answer = client.patch("/api/me/", {"manager": colleague.pk}, content_type="application/json")
    assert answer.status_code == 400 and "manager" in answer.json()
    # Refused before anything else is written, even alongside a field I may change.
    answer = client.patch(
        "/api/me/",
        {"manager": colleague.pk, "job_title": "Baas"},
        content_type="application/json",
    )
    assert answer.status_code == 400
    me.refresh_from_db()
    assert me.manager_id is None and me.job_title == ""
    # Still shown, read-only.
    assert client.get("/api/me/").json()["manager"] is None
    assert insights_for(client, colleague) == {404}
    assert lines() == 0


def test_the_profile_form_offers_no_manager_to_the_person(client, me, colleague):
    url = reverse("profiles:edit", args=[me.pk])
    assert 'name="manager_email"' not in client.get(url).content.decode()
    answer = client.post(url, profile_form(job_title="Adviseur", manager_email=colleague.email))
    assert answer.status_code == 302  # the rest is saved; the manager is not a field here
    me.refresh_from_db()
    assert me.job_title == "Adviseur" and me.manager_id is None
    assert insights_for(client, colleague) == {404}
    with pytest.raises(PermissionDenied):
        services.update_profile(actor=me, person=me, data={"manager": colleague.pk})
    with pytest.raises(PermissionDenied):
        services.set_manager(actor=me, person=me, manager=colleague)
    me.refresh_from_db()
    assert me.manager_id is None and lines() == 0


def test_administrators_set_reporting_lines_audited_and_they_open_insights(client, me, colleague):
    admin = AdminFactory()
    client.force_login(admin)
    url = reverse("profiles:edit", args=[me.pk])
    assert 'name="manager_email"' in client.get(url).content.decode()
    answer = client.post(
        url,
        profile_form(first_name="Chris", last_name="Dekker", manager_email="SANDY@plein.example"),
    )
    assert answer.status_code == 302
    me.refresh_from_db()
    assert me.manager == colleague
    entry = AuditEntry.objects.get(action="user.manager_changed")
    assert entry.actor_id == admin.pk and entry.target_id == me.pk
    assert entry.before == {"manager": None} and entry.after == {"manager": colleague.pk}
    assert insights_for(client, colleague) == {200}
    # The person's own later edits keep the line, and cannot change it.
    client.force_login(me)
    client.post(url, profile_form(job_title="Adviseur", manager_email=""))
    me.refresh_from_db()
    assert me.manager == colleague
    # The administrator takes it away again: the insights close.
    client.force_login(admin)
    assert client.post(url, profile_form(manager_email="")).status_code == 302
    me.refresh_from_db()
    assert me.manager_id is None and lines() == 2
    assert insights_for(client, colleague) == {404}


def test_bad_reporting_lines_are_refused_and_nothing_is_saved(client, me, colleague):
    client.force_login(AdminFactory())
    url = reverse("profiles:edit", args=[me.pk])
    answer = client.post(url, profile_form(manager_email="niemand@plein.example"), **EN)
    assert answer.status_code == 400
    assert "No active colleague has this email address." in answer.content.decode()
    answer = client.post(url, profile_form(manager_email=me.email), **EN)
    assert answer.status_code == 400
    assert "Someone cannot report to themselves" in answer.content.decode()
    services.set_manager(actor=None, person=colleague, manager=me)  # the directory sync
    answer = client.post(url, profile_form(manager_email=colleague.email), **EN)
    assert answer.status_code == 400  # a circle: Sandy reports to Chris
    me.refresh_from_db()
    assert me.manager_id is None and lines() == 1


def test_a_line_someone_named_themselves_before_opens_nothing(client, me, colleague):
    # Before this change a person could name their own manager (audited as their own edit).
    me.manager = colleague
    me.save(update_fields=["manager"])
    AuditEntry.objects.create(actor=me, actor_name="Chris", action="profile.updated",
                              target_type="user", target_id=me.pk, target_name="Chris",
                              before={}, after={"manager": colleague.pk})  # fmt: skip
    assert insights_for(client, colleague) == {404}
    # One an administrator set on the profile back then did come from the organisation.
    other = UserFactory()
    other.manager = colleague
    other.save(update_fields=["manager"])
    admin = AdminFactory()
    AuditEntry.objects.create(actor=admin, actor_name="Admin", action="profile.updated",
                              target_type="user", target_id=other.pk, target_name="x",
                              before={}, after={"manager": colleague.pk})  # fmt: skip
    assert insights_for(client, colleague) == {200}
    # A deactivated report opens nothing.
    other.is_active = False
    other.save(update_fields=["is_active"])
    assert insights_for(client, colleague) == {404}
