"""The demo board tells the story: order to delivery across four departments, with flow
figures, pain points colleagues recognise, and recurring exceptions that became signals, one
of them overdue."""

import pytest
from django.core.management import call_command

from intranet.signals.models import Signal
from processes import selectors
from processes.models import Board, PainPoint

pytestmark = pytest.mark.django_db


def test_the_demo_board_has_cards_in_flight_pain_points_and_signals():
    call_command("seed_demo")
    board = Board.objects.get(name="Order tot levering")
    assert [s.department.name for s in board.steps.all()] == [
        "Sales",
        "Finance",
        "Operations",
        "Klantenservice",
        "Klantenservice",
    ]
    assert {s.slug for s in board.shared_with.all()} == {"sales", "finance", "klantenservice"}
    flow = selectors.flow(board=board)
    assert sum(s.cards_now for s in flow.steps) == 14 and flow.bottleneck.name.startswith("Krediet")
    assert flow.handoffs[("Sales", "Finance")] >= 10 and sum(flow.throughput.values()) == 4
    assert PainPoint.objects.filter(board=board, me_too_count__gte=2).count() >= 2
    signals = Signal.objects.filter(source="exceptions", space=board.space)
    assert signals.count() == 2 and sum(s.is_overdue for s in signals) == 1
    assert all(s.owner.email == "annelies.vries@plein.example" for s in signals)
