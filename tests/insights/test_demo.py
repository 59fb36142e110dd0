"""The demo shows a believable network: IT a silo, Sandy (Klantenservice) the broker,
departments in different phases with a timeline, and Directie too small to be shown."""

import pytest
from django.core.management import call_command

from insights import selectors
from insights.models import PersonScore, PhaseRecord

pytestmark = pytest.mark.django_db


def test_the_demo_network_has_a_silo_a_broker_and_departments_in_different_phases(client):
    call_command("seed_demo")
    snapshot = selectors.latest(window=90)
    assert snapshot is not None and snapshot.interactions > 200
    departments = {d["name"]: d for d in snapshot.departments}
    assert [name for name, d in departments.items() if d["silo"]] == ["IT"]
    assert any(d["bridge"] for d in departments.values())
    broker = PersonScore.objects.filter(snapshot=snapshot).order_by("-betweenness").first()
    assert broker.user.email == "sandy.visser@plein.example"
    rows = selectors.phase_table(min_group=5)
    assert len({row.phase for row in rows}) >= 3
    assert "Directie" not in {row.department.name for row in rows}  # 3 people
    assert PhaseRecord.objects.values("day").distinct().count() == 6  # 5 past weeks + today
    client.force_login(broker.user.department.manager)
    page = client.get("/insights/")
    assert page.status_code == 200 and "Klantenservice" in page.content.decode()
    assert "Directie" not in client.get("/insights/?export=departments").content.decode()
