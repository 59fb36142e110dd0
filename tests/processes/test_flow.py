"""Flow metrics on a fixture with known times: what a team lead reads to find the bottleneck."""

from datetime import timedelta

import pytest
from django.utils import timezone

from processes import selectors, services
from processes.models import Card, Move
from tests.factories import DepartmentFactory, MembershipFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def test_flow_metrics_from_known_moves():
    sales, finance = DepartmentFactory(name="Sales"), DepartmentFactory(name="Finance")
    space = SpaceFactory()
    lead = MembershipFactory(space=space, role="owner").user
    board = services.create_board(
        actor=lead, space=space, name="Order",
        steps=[{"name": "Offerte", "department": sales},
               {"name": "Factuur", "department": finance},
               {"name": "Klaar", "department": finance}],
    )  # fmt: skip
    offer, invoice, done = board.steps.all()
    start = timezone.now() - timedelta(days=10)
    # Card A: 1 day in Offerte, 4 days in Factuur, then done. Card B: 3 days in Offerte,
    # 2 in Factuur, then done. Card C: still in Factuur (not in the averages).
    plan = {"A": [(offer, invoice, 1), (invoice, done, 5)],
            "B": [(offer, invoice, 3), (invoice, done, 5)],
            "C": [(offer, invoice, 2)]}  # fmt: skip
    for title, moves in plan.items():
        card = Card.objects.create(board=board, step=moves[-1][1], title=title, created_at=start)
        for source, target, day in moves:
            Move.objects.create(card=card, from_step=source, to_step=target,
                                at=start + timedelta(days=day),
                                from_department=source.department,
                                to_department=target.department)  # fmt: skip
    metrics = selectors.flow(board=board)
    by_name = {s.name: s for s in metrics.steps}
    assert [s.cards_now for s in metrics.steps] == [0, 1, 2]
    assert by_name["Offerte"].average_stay == timedelta(days=2)  # (1 + 3 + 2) / 3
    assert by_name["Factuur"].average_stay == timedelta(days=3)  # (4 + 2) / 2
    assert by_name["Klaar"].average_stay is None
    assert metrics.bottleneck.name == "Factuur"
    assert metrics.handoffs == {("Sales", "Finance"): 3}
    assert sum(metrics.throughput.values()) == 2
