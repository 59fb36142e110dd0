"""Exceptions that keep coming back become signals (the platform's, source "exceptions"):
grouping by similarity, the recurrence threshold (reports and different people within a
window), the leadership's answer reaching every reporter, and the policy's bad input."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from intranet.activity.models import Notification
from intranet.signals.models import Signal, Support
from processes import services
from processes.models import ExceptionGroup, SignalPolicy
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
CASE = "Klant wil levering op zaterdag, maar het proces kent alleen doordeweekse leveringen"


@pytest.fixture
def board():
    space = SpaceFactory(name="Order tot levering")
    lead = MembershipFactory(space=space, role="owner").user
    return services.create_board(actor=lead, space=space, name="Order tot levering",
                                 steps=[{"name": "Offerte"}, {"name": "Levering"}])  # fmt: skip


@pytest.fixture
def director():
    person = UserFactory()
    DepartmentFactory(name="Directie", slug="directie", manager=person)
    return person


def reporters(board, n):
    return [MembershipFactory(space=board.space).user for _ in range(n)]


def report(board, person, text=CASE):
    return services.report_exception(reporter=person, board=board, category="customer_wish",
                                     text=text)  # fmt: skip


def test_four_reports_no_signal_five_by_three_people_a_signal(
    board, director, django_capture_on_commit_callbacks, eager_celery
):
    a, b, c = reporters(board, 3)
    for person in (a, b, a, c):
        report(board, person, CASE + f" ({person.pk})")
    assert ExceptionGroup.objects.count() == 1 and not Signal.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        report(board, b, "Weer een klant die op zaterdag geleverd wil krijgen, kan dat niet?")
        report(board, c, CASE)
    signal = Signal.objects.get()
    group = ExceptionGroup.objects.get(pk=signal.object_id)
    assert (signal.source, signal.how) == ("exceptions", "exceptions")
    assert group.reports.count() in (5, 6) and signal.owner == director
    assert signal.title == group.title and signal.space == board.space
    # Every reporter supports it: they hear its answers.
    assert set(Support.objects.filter(signal=signal).values_list("user_id", flat=True)) == {
        a.pk,
        b.pk,
        c.pk,
    }
    told = Notification.objects.get(recipient=director, kind="follow_up")
    assert told.params["state"] == "raised" and told.url == f"/follow-up/{signal.pk}/"
    assert not signal.is_overdue


def test_five_reports_by_one_person_raise_no_signal(board, director):
    (alone,) = reporters(board, 1)
    for n in range(5):
        report(board, alone, f"{CASE} nummer {n}")
    assert ExceptionGroup.objects.count() == 1 and not Signal.objects.exists()


def test_different_exceptions_stay_apart_and_a_person_can_split_a_grouping(board, director):
    a, b = reporters(board, 2)
    first = report(board, a)
    other = report(board, b, "Factuur moet in het Duits, ons systeem kent alleen Nederlands")
    assert first.group != other.group
    again = report(board, b, CASE + " (opnieuw)")
    assert again.group == first.group
    with pytest.raises(PermissionDenied):
        services.split_report(actor=a, report_id=again.pk)
    moderator = MembershipFactory(space=board.space, role="moderator").user
    group = services.split_report(actor=moderator, report_id=again.pk)
    again.refresh_from_db()
    assert again.group == group and group.confirmed and group != first.group


def test_the_answer_reaches_every_reporter_and_only_the_owner_answers(
    board, director, django_capture_on_commit_callbacks, eager_celery
):
    people = reporters(board, 3)
    with django_capture_on_commit_callbacks(execute=True):
        for n, person in enumerate([*people, *people[:2]]):
            report(board, person, f"{CASE} ({n})")
    signal = Signal.objects.get()
    with pytest.raises(PermissionDenied):
        services.respond(actor=people[0], signal_id=signal.pk, status="adopted",
                         response="Zelf beslist")  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.respond(actor=director, signal_id=signal.pk, status="maybe", response=" ")
    assert set(refused.value.message_dict) == {"status", "response"}
    with django_capture_on_commit_callbacks(execute=True):
        services.respond(
            actor=director, signal_id=signal.pk, status="experiment",
            response="We proberen zaterdaglevering drie maanden in Utrecht.",
        )  # fmt: skip
    signal.refresh_from_db()
    assert signal.status == "experiment" and signal.responded_at
    told = Notification.objects.filter(kind="follow_up", params__state="answered-experiment")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(p.pk for p in people)


def test_the_policy_refuses_a_threshold_of_zero_and_only_administrators_set_it(board):
    admin = AdminFactory()
    with pytest.raises(PermissionDenied):
        services.configure_signals(actor=UserFactory(), min_reports=3, min_people=2,
                                   window_days=30, response_days=7, similarity=0.4)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.configure_signals(actor=admin, min_reports=0, min_people=0, window_days=30,
                                   response_days=7, similarity=0)  # fmt: skip
    assert set(refused.value.message_dict) == {"min_reports", "min_people", "similarity"}
    assert not SignalPolicy.objects.exists()
    services.configure_signals(actor=admin, min_reports=2, min_people=2, window_days=30,
                               response_days=7, similarity=0.4)  # fmt: skip
    a, b = reporters(board, 2)
    report(board, a)
    report(board, b)
    assert Signal.objects.count() == 1


def test_reports_on_boards_one_cannot_see_and_bad_input_are_refused(board):
    with pytest.raises(PermissionDenied):
        report(board, UserFactory(org_role="guest"))
    (person,) = reporters(board, 1)
    with pytest.raises(ValidationError) as refused:
        services.report_exception(reporter=person, board=board, category="weird", text="kort")
    assert set(refused.value.message_dict) == {"category", "text"}
    assert not ExceptionGroup.objects.exists()


def test_regroup_joins_alike_reports_and_keeps_what_people_decided(board):
    """After the similarity changed: alike reports join, a split stays split, a signal's
    group keeps its reports."""
    from processes.models import ExceptionGroup, ExceptionReport, SignalPolicy

    people = [MembershipFactory(space=board.space, role="owner").user]
    SignalPolicy.objects.create(min_reports=50, min_people=1, similarity=0.9)
    texts = [
        "Klant wil in termijnen betalen",
        "Klant wil in drie termijnen betalen",
        "Klant wil zelf ophalen bij het magazijn",
        "Klant wil ophalen bij het magazijn",
    ]
    reports = [
        services.report_exception(reporter=people[0], board=board, category="other", text=t)
        for t in texts
    ]
    assert ExceptionGroup.objects.filter(board=board).count() == 4  # 0.9: nothing is alike
    alone = services.split_report(actor=people[0], report_id=reports[1].pk)
    SignalPolicy.objects.update(similarity=0.4)
    assert services.regroup(board_id=board.pk) == 3
    group_of = dict(ExceptionReport.objects.values_list("pk", "group_id"))
    assert group_of[reports[2].pk] == group_of[reports[3].pk]
    assert group_of[reports[1].pk] == alone.pk != group_of[reports[0].pk]


def test_changing_the_similarity_groups_existing_reports_again(
    board, django_capture_on_commit_callbacks
):
    from intranet.celery import app
    from processes.models import ExceptionReport
    from tests.factories import AdminFactory

    person = reporters(board, 1)[0]
    services.configure_signals(
        actor=AdminFactory(),
        min_reports=5,
        min_people=3,
        window_days=90,
        response_days=14,
        similarity=0.95,
    )
    first = report(board, person, "Klant wil in termijnen betalen")
    second = report(board, person, "Klant wil in drie termijnen betalen")
    assert first.group_id != second.group_id
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.configure_signals(
                actor=AdminFactory(),
                min_reports=5,
                min_people=3,
                window_days=90,
                response_days=14,
                similarity=0.4,
            )
    finally:
        app.conf.task_always_eager = False
    groups = set(ExceptionReport.objects.values_list("group_id", flat=True))
    assert len(groups) == 1
