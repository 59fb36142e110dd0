"""Adoption phases: every rule at its threshold and just below it, phases in order, the
figures read from a fixture, and the timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from insights import phases, selectors, services
from insights.models import Phase, PhaseRecord
from profiles.models import Skill
from tests.factories import AdminFactory, DepartmentFactory, SpaceFactory, UserFactory
from tests.insights.conftest import comment, post_by


def at_threshold() -> dict:
    return dict(phases.DEFAULTS)


def test_all_rules_at_their_threshold_is_social_business():
    phase, checks = phases.evaluate(at_threshold(), {})
    assert phase == Phase.SOCIAL_BUSINESS and all(c.met for c in checks)


@pytest.mark.parametrize("rule", phases.RULES, ids=lambda r: r.key)
def test_just_below_one_threshold_stops_at_the_phase_before(rule):
    figures = at_threshold()
    figures[rule.key] = rule_value = phases.DEFAULTS[rule.key] - (0.0001 if rule.share else 1)
    phase, checks = phases.evaluate(figures, {})
    assert phase == rule.phase - 1
    assert [c.rule.key for c in checks if not c.met] == [rule.key]
    assert next(c for c in checks if c.rule.key == rule.key).value == rule_value


def test_a_later_phase_does_not_count_without_the_earlier_ones():
    figures = at_threshold()
    figures["signed_in"] = 0.1  # presence not reached, everything else is
    assert phases.evaluate(figures, {})[0] == Phase.NONE


def test_no_signal_due_is_not_held_against_anyone_but_other_missing_figures_are():
    figures = at_threshold()
    figures["signals_in_time"] = None
    assert phases.evaluate(figures, {})[0] == Phase.SOCIAL_BUSINESS
    figures["replied"] = None  # nothing asked: no reply rate, dialogue not shown
    assert phases.evaluate(figures, {})[0] == Phase.PRESENCE


def test_administrators_thresholds_apply():
    figures = at_threshold()
    assert phases.evaluate(figures, {"reused": 2})[0] == Phase.ENGAGEMENT


@pytest.mark.django_db
def test_figures_from_what_the_apps_store():
    team = DepartmentFactory(name="Klantenservice", slug="klantenservice")
    people = [UserFactory(department=team, job_title="") for _n in range(5)]
    now = timezone.now()
    for person in people[:3]:  # 3 of 5 signed in: exactly the default 60%
        person.last_login = now - timedelta(days=3)
        person.save(update_fields=["last_login"])
    skill = Skill.objects.create(name="Excel")
    for person in people[:2]:  # 2 of 5 have a title and a skill
        person.job_title = "Medewerker"
        person.save(update_fields=["job_title"])
        person.skills.add(skill)
    people[4].job_title = "Zonder vaardigheid"  # a title alone is not a profile
    people[4].save(update_fields=["job_title"])
    space = SpaceFactory()
    answered = post_by(people[0], space)
    post_by(people[1], space)
    comment(people[2], answered)  # a reply from someone else
    comment(people[0], answered)  # the author's own reply does not count
    found = phases.figures(since=now - timedelta(days=90), until=now)[team.pk]
    assert found["members"] == 5
    assert found["signed_in"] == 0.6 and found["profiled"] == 0.4
    assert found["posting"] == 0.6  # people 0, 1 and 2 posted or commented
    assert found["replied"] == 0.5  # one of the two posts got a reply
    assert found["signals_in_time"] is None and found["acted"] is None
    phase, _checks = phases.evaluate(found, {})
    assert phase == Phase.NONE  # profiles fall short of 50%
    assert phases.evaluate(found, {"profiled": 0.4})[0] == Phase.DIALOGUE


@pytest.mark.django_db
def test_the_timeline_shows_each_change_once_and_tuned_thresholds_apply_today():
    team = DepartmentFactory(name="Operations", slug="operations")
    for _n in range(5):
        UserFactory(department=team, last_login=timezone.now())
    today = timezone.localdate()
    for days, phase in ((60, 0), (45, 0), (30, 1), (15, 1), (0, 2)):
        PhaseRecord.objects.create(
            department=team, day=today - timedelta(days=days), phase=phase,
            figures={**phases.DEFAULTS, "members": 5, "boards": 0, "reused": 0},
        )  # fmt: skip
    steps = selectors.timeline(min_group=5)[team]
    assert [p for _day, p in steps] == [0, 1, 2]
    assert steps[1][0] == today - timedelta(days=30)
    assert selectors.phase_table(min_group=5)[0].phase == Phase.ENGAGEMENT
    services.save_thresholds(actor=AdminFactory(), values={**phases.DEFAULTS, "cross_answered": 10})
    assert selectors.phase_table(min_group=5)[0].phase == Phase.DIALOGUE
    assert selectors.timeline(min_group=6) == {}  # a department of 5 under a minimum of 6
