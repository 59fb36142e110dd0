"""Privacy by design: no figure about fewer people than the minimum group, person-level views
only with the organisation's setting and a grant, every look in the audit log, opted-out
people never shown. Pages, CSV and API alike; what one may not see is 404."""

import pytest
from django.core.exceptions import ValidationError

from insights import services
from insights.models import Analyst, InsightSettings, OptOut
from intranet.governance.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PURPOSE = "HR-analyse: nieuwe collega's beter verwelkomen (OR-instemming 2026-03)"


@pytest.fixture
def snapshot(org):
    services.refresh()
    return org


@pytest.fixture
def analyst(snapshot):
    services.save_settings(actor=snapshot["admin"], min_group=5, person_level=True,
                           purpose=PURPOSE)  # fmt: skip
    person = snapshot["manager"]
    services.grant(actor=snapshot["admin"], user=person)
    return person


def looks():
    return AuditEntry.objects.filter(action="insights.person_view").count()


def test_a_department_of_three_shows_nowhere(client, snapshot):
    client.force_login(snapshot["manager"])
    pages = [
        client.get("/insights/").content.decode(),
        client.get("/insights/?export=departments").content.decode(),
        client.get("/insights/?export=ties").content.decode(),
        client.get("/insights/?export=svg").content.decode(),
        client.get("/insights/adoption/").content.decode(),
        client.get("/insights/adoption/?export=csv").content.decode(),
        client.get("/api/insights/network/").content.decode(),
        client.get("/api/insights/phases/").content.decode(),
    ]
    assert all("Sales" in page for page in pages[:2])
    assert not any("Directie" in page for page in pages)


def test_person_views_are_off_by_default_even_for_administrators(client, snapshot):
    for who in (snapshot["admin"], snapshot["manager"]):
        client.force_login(who)
        assert client.get("/insights/people/").status_code == 404
        assert client.post("/insights/people/").status_code == 404
        assert client.post("/insights/people/", {"export": "csv"}).status_code == 404
        assert client.post("/api/insights/people/").status_code == 404
    assert looks() == 0


def test_the_setting_alone_is_not_enough_a_grant_is(client, snapshot):
    services.save_settings(actor=snapshot["admin"], min_group=5, person_level=True,
                           purpose=PURPOSE)  # fmt: skip
    client.force_login(snapshot["admin"])  # may configure, but was not granted
    assert client.get("/insights/people/").status_code == 404
    assert client.post("/insights/people/").status_code == 404
    assert looks() == 0


def test_every_look_is_logged_and_opted_out_or_small_group_people_never_show(
    client, snapshot, analyst
):
    client.force_login(analyst)
    broker = snapshot["broker"]
    page = client.post("/insights/people/", {"measure": "brokers"})
    assert page.status_code == 200 and broker.first_name in page.content.decode()
    assert looks() == 1
    client.post("/insights/people/", {"measure": "leaders", "window": "30"})
    csv = client.post("/insights/people/", {"measure": "leaders", "export": "csv"})
    csv = csv.content.decode()
    api = client.post("/api/insights/people/", {"measure": "leaders"}).json()["results"]
    assert looks() == 4
    entry = AuditEntry.objects.filter(action="insights.person_view").latest("pk")
    assert entry.actor_id == analyst.pk and entry.after["measure"] == "leaders"
    assert entry.after["purpose"] == PURPOSE
    assert broker.first_name in csv and broker.pk in {row["user"] for row in api}
    for body in (page.content.decode(), csv, str(api)):
        assert "Dir0" not in body and "Dir1" not in body  # Directie has 3 people
    # The broker leaves the person-level views: gone from every one at once.
    client.force_login(broker)
    assert client.post("/insights/me/", {"out": "1"}).status_code == 302
    assert OptOut.objects.filter(user=broker).exists()
    client.force_login(analyst)
    page = client.post("/insights/people/", {"measure": "brokers"}).content.decode()
    assert broker.first_name not in page
    api = client.post("/api/insights/people/", {"measure": "brokers"}).json()["results"]
    assert broker.pk not in {row["user"] for row in api}
    # ... and back in.
    client.force_login(broker)
    client.post("/insights/me/", {"out": "0"})
    assert not OptOut.objects.filter(user=broker).exists()


def test_revoking_the_grant_or_the_setting_closes_the_views(client, snapshot, analyst):
    client.force_login(analyst)
    assert client.get("/insights/people/").status_code == 200
    services.save_settings(actor=snapshot["admin"], min_group=5, person_level=False, purpose="")
    assert client.get("/insights/people/").status_code == 404
    services.save_settings(actor=snapshot["admin"], min_group=5, person_level=True,
                           purpose=PURPOSE)  # fmt: skip
    services.revoke(actor=snapshot["admin"], user=analyst)
    assert client.post("/api/insights/people/").status_code == 404
    assert client.post("/insights/people/").status_code == 404
    assert AuditEntry.objects.filter(action="insights.revoke").count() == 1


def test_each_person_sees_whether_they_are_included(client, snapshot):
    client.force_login(snapshot["broker"])
    page = client.get("/insights/me/")
    assert page.status_code == 200 and page.context["status"]["windows"] == [30, 90, 365]
    assert not page.context["status"]["opted_out"]
    newcomer = UserFactory()
    client.force_login(newcomer)
    assert client.get("/insights/me/").context["status"]["windows"] == []


def test_settings_refuse_bad_input_and_save_nothing(client, snapshot):
    admin = snapshot["admin"]
    client.force_login(admin)
    for data in (
        {"form": "settings", "min_group": "2", "purpose": ""},
        {"form": "settings", "min_group": "vijf", "purpose": ""},
        {"form": "settings", "min_group": "5", "person_level": "1", "purpose": "kort"},
    ):
        page = client.post("/insights/settings/", data)
        assert page.status_code == 200 and page.context["error"] is not None
    found = InsightSettings.objects.filter(pk=1).first()
    assert found is None or (found.min_group == 5 and not found.person_level)
    with pytest.raises(ValidationError) as refused:
        services.save_settings(actor=admin, min_group=5, person_level=True, purpose=" ")
    assert "purpose" in refused.value.message_dict
    page = client.post("/insights/settings/", {"form": "thresholds", "signed_in": "150",
                                                "profiled": "50", "reused": "-1"})  # fmt: skip
    assert page.status_code == 200 and page.context["threshold_error"] is not None
    found = InsightSettings.objects.filter(pk=1).first()
    assert found is None or found.thresholds == {}
    assert not AuditEntry.objects.filter(action__startswith="insights.").exists()


def test_settings_are_saved_and_audited(client, snapshot):
    client.force_login(snapshot["admin"])
    data = {"form": "settings", "min_group": "8", "person_level": "1", "purpose": PURPOSE}
    page = client.post("/insights/settings/", data)
    assert page.status_code == 302
    found = InsightSettings.objects.get(pk=1)
    assert found.min_group == 8 and found.person_level and found.purpose == PURPOSE
    entry = AuditEntry.objects.get(action="insights.settings")
    assert entry.before["min_group"] == 5 and entry.after["min_group"] == 8
    # With a minimum of 8, Sales (7) disappears too.
    client.force_login(snapshot["manager"])
    assert "Sales" not in client.get("/api/insights/network/").content.decode()


def test_grants_only_by_administrators_and_only_to_employees(client, snapshot):
    manager, admin = snapshot["manager"], snapshot["admin"]
    client.force_login(manager)
    assert client.post("/insights/settings/grant/", {"user": manager.pk}).status_code == 404
    assert client.get("/insights/settings/").status_code == 404
    assert client.post("/insights/recompute/").status_code == 404
    assert not Analyst.objects.exists()
    guest = UserFactory(org_role="guest")
    client.force_login(admin)
    client.post("/insights/settings/grant/", {"user": guest.pk})
    client.post("/insights/settings/grant/", {"user": "nobody"})
    assert not Analyst.objects.exists()
    client.post("/insights/settings/grant/", {"user": manager.pk})
    assert Analyst.objects.filter(user=manager).exists()
    assert AuditEntry.objects.filter(action="insights.grant", target_id=manager.pk).exists()


def test_opening_the_page_or_an_image_of_it_is_not_a_look(snapshot, analyst):
    """An <img src="/insights/people/?export=csv"> in an article fetches with the analyst's
    cookies: only a POST with the CSRF token shows named people and writes the audit entry."""
    import re

    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    broker = snapshot["broker"]
    for url in ("/insights/people/", "/insights/people/?measure=brokers",
                "/insights/people/?measure=brokers&export=csv"):  # fmt: skip
        page = client.get(url)
        assert page.status_code == 200 and page["Content-Type"].startswith("text/html"), url
        assert broker.first_name not in page.content.decode(), url
    assert client.get("/api/insights/people/?measure=brokers").status_code == 405
    # A forged form from elsewhere (no token) is refused.
    assert client.post("/insights/people/", {"measure": "brokers"}).status_code == 403
    assert client.post("/api/insights/people/", {"measure": "brokers"}).status_code == 403
    assert looks() == 0
    # The page's own form: "Show" with the token, then the CSV.
    page = client.get("/insights/people/?measure=brokers&window=30").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert 'name="measure" value="brokers"' in page and 'name="window" value="30"' in page
    form = {"csrfmiddlewaretoken": token, "measure": "brokers", "window": "30"}
    shown = client.post("/insights/people/", form)
    assert shown.status_code == 200 and broker.first_name in shown.content.decode()
    csv = client.post("/insights/people/", {**form, "export": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and broker.first_name in csv.content.decode()
    assert looks() == 2
    entry = AuditEntry.objects.filter(action="insights.person_view").latest("pk")
    assert entry.after["window"] == 30 and entry.after["export"] is True


def test_the_api_look_takes_a_json_object(client, snapshot, analyst):
    client.force_login(analyst)
    url = "/api/insights/people/"
    assert client.post(url, '"x"', content_type="application/json").status_code == 400
    assert client.post(url, {"window": "7"}, content_type="application/json").status_code == 400
    answer = client.post(url, {"measure": "brokers", "window": 30}, content_type="application/json")
    assert answer.status_code == 200 and looks() == 1


def test_the_api_pages_the_named_people_of_one_look(client, snapshot, analyst):
    client.force_login(analyst)
    url = "/api/insights/people/"
    everyone = client.post(url, {"measure": "leaders"}).json()
    assert everyone["count"] == len(everyone["results"]) > 1
    first = client.post(f"{url}?limit=1", {"measure": "leaders"}).json()
    second = client.post(f"{url}?limit=1&offset=1", {"measure": "leaders"}).json()
    assert [first["results"][0]["user"], second["results"][0]["user"]] == [
        row["user"] for row in everyone["results"][:2]
    ]
    assert first["next"] and first["count"] == everyone["count"]
    assert client.post(f"{url}?limit=x", {"measure": "leaders"}).status_code == 400
    assert looks() == 3  # every answered look is recorded, a refused one is not


def test_settings_forms_refuse_odd_input_without_an_error_page(client, snapshot):
    client.force_login(snapshot["admin"])
    page = client.post("/insights/settings/", {"form": "thresholds", "signed_in": "nan"})
    assert page.status_code == 200 and page.context["threshold_error"] is not None
    page = client.post("/insights/settings/", {"form": "thresholds", "boards": "inf"})
    assert page.status_code == 200 and page.context["threshold_error"] is not None
    page = client.post("/insights/settings/", {"form": "nonsense", "min_group": "4"})
    assert page.status_code == 200 and page.context["error"] is None
    from django.contrib.messages import constants

    for user in ("99999999999999999999", "-1", "", "x"):
        answer = client.post("/insights/settings/grant/", {"user": user}, follow=True)
        assert [m.level for m in answer.context["messages"]] == [constants.ERROR], user
    assert not Analyst.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="insights.").exists()


def test_thresholds_are_typed_as_percentages_with_a_comma_or_a_point(client, snapshot):
    from insights import phases

    client.force_login(snapshot["admin"])
    data = {"form": "thresholds"}
    for rule in phases.RULES:
        data[rule.key] = "12,5" if rule.share else "3"
    assert client.post("/insights/settings/", data).status_code == 302
    saved = InsightSettings.objects.get(pk=1).thresholds
    assert all(saved[rule.key] == (0.125 if rule.share else 3) for rule in phases.RULES), saved
