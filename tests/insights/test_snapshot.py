"""The snapshot task on seeded data: what it reads, what it stores, and its windows."""

import pytest
from django.core.exceptions import ValidationError

from insights import selectors, services
from insights.models import PersonScore, PhaseRecord, Snapshot
from insights.tasks import refresh_insights
from tests.insights.conftest import react

pytestmark = pytest.mark.django_db


def by_name(snapshot):
    return {d["name"]: d for d in snapshot.departments}


def test_the_snapshot_reads_every_interaction_and_finds_the_silo_and_the_broker(org):
    snapshot = services.take_snapshot(window=90)
    assert snapshot.interactions == org["interactions"]
    # 15 Sales pairs, 10 IT, 10 HR, 5 broker-HR, 3 Directie-Sales1.
    assert snapshot.ties == 15 + 10 + 10 + 5 + 3
    departments = by_name(snapshot)
    assert departments["IT"]["silo"] and departments["IT"]["external"] == 0
    assert not departments["Sales"]["silo"]
    assert departments["Sales"]["bridge"]  # between HR and Directie
    scores = {
        s.user_id: s for s in PersonScore.objects.filter(snapshot=snapshot)
    }  # one row per active person, also those without ties
    assert len(scores) == 6 + 5 + 5 + 3 + 1 + 1
    broker = org["broker"]
    top = max(scores.values(), key=lambda s: s.betweenness)
    assert top.user_id in (broker.pk, org["people"]["sales"][1].pk)
    assert scores[broker.pk].outside_ties == 5
    assert scores[org["people"]["it"][0].pk].outside_ties == 0
    assert scores[org["manager"].pk].ties == 0


def test_only_the_window_counts(org):
    old_post_author = org["people"]["it"][0]
    from tests.insights.conftest import post_by

    post = post_by(old_post_author, org["space"], days_ago=200)
    react(org["people"]["hr"][0], post, days_ago=120)  # IT's one outside tie, long ago
    ninety = services.take_snapshot(window=90)
    year = services.take_snapshot(window=365)
    assert year.interactions == ninety.interactions + 1
    assert by_name(ninety)["IT"]["silo"] and by_name(year)["IT"]["external"] == 1.0


def test_the_celery_task_stores_every_window_and_todays_phases(org):
    ids = refresh_insights.apply().get()
    assert sorted(Snapshot.objects.filter(pk__in=ids).values_list("window_days", flat=True)) == [
        30,
        90,
        365,
    ]
    assert PhaseRecord.objects.count() == 4  # one per department, today
    assert selectors.latest(window=30).people == 6 + 5 + 5 + 3


def test_snapshots_are_kept_to_a_few_per_window(org):
    for _n in range(services.KEEP_SNAPSHOTS + 2):
        services.take_snapshot(window=30)
    assert Snapshot.objects.filter(window_days=30).count() == services.KEEP_SNAPSHOTS


def test_an_unknown_window_is_refused(org):
    with pytest.raises(ValidationError):
        services.take_snapshot(window=7)
    assert not Snapshot.objects.exists()
