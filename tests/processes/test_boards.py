"""Process boards (services): steps owned by departments, WIP limits, moves that hand a card
over to another department, stale and concurrent moves, and pain points with "me too"."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from intranet.activity.models import Notification
from processes import services
from processes.models import Card, Move, PainPoint
from tests.factories import DepartmentFactory, MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order_flow():
    """ "Order to delivery": Sales -> Finance -> Operations, a board of the Sales space shared
    with the Operations space."""
    sales, finance, operations = (DepartmentFactory(name=n, slug=n.lower())
                                  for n in ("Sales", "Finance", "Operations"))  # fmt: skip
    space = SpaceFactory(name="Order tot levering")
    ops_space = SpaceFactory(name="Operations")
    lead = MembershipFactory(space=space, role="owner", user=UserFactory(department=sales)).user
    board = services.create_board(
        actor=lead, space=space, name="Order tot levering",
        steps=[{"name": "Offerte", "department": sales},
               {"name": "Factuur", "department": finance, "wip_limit": 2},
               {"name": "Levering", "department": operations}],
    )  # fmt: skip
    services.share(actor=lead, board=board, spaces=[ops_space])
    steps = list(board.steps.all())
    return {"board": board, "steps": steps, "lead": lead, "space": space,
            "ops_space": ops_space, "finance": finance, "operations": operations}  # fmt: skip


def test_a_move_to_another_departments_step_is_a_hand_off_they_hear_about(
    order_flow, django_capture_on_commit_callbacks
):
    board, (offer, invoice, _delivery) = order_flow["board"], order_flow["steps"]
    accountant = UserFactory(department=order_flow["finance"])
    bystander = UserFactory()
    card = services.add_card(actor=order_flow["lead"], board=board, title="Order 1042")
    assert card.step == offer
    with django_capture_on_commit_callbacks(execute=True):
        services.move(actor=order_flow["lead"], card_id=card.pk, to_step_id=invoice.pk,
                      from_step_id=offer.pk)  # fmt: skip
    move = Move.objects.get()
    assert move.is_handoff and move.to_department == order_flow["finance"]
    note = Notification.objects.get(recipient=accountant)
    assert note.kind == "handoff" and note.params == {"title": "Order 1042", "step": "Factuur"}
    assert not Notification.objects.filter(recipient=bystander).exists()


def test_wip_limit_refuses_and_nothing_moves(order_flow):
    board, (offer, invoice, _delivery) = order_flow["board"], order_flow["steps"]
    lead = order_flow["lead"]
    cards = [services.add_card(actor=lead, board=board, title=f"Order {n}") for n in range(3)]
    for card in cards[:2]:
        services.move(actor=lead, card_id=card.pk, to_step_id=invoice.pk, from_step_id=offer.pk)
    with pytest.raises(ValidationError) as refused:
        services.move(actor=lead, card_id=cards[2].pk, to_step_id=invoice.pk,
                      from_step_id=offer.pk)  # fmt: skip
    assert "is at its limit of 2 cards" in " ".join(refused.value.messages)
    assert Card.objects.get(pk=cards[2].pk).step == offer and Move.objects.count() == 2
    with pytest.raises(ValidationError):
        services.set_wip_limit(actor=lead, step=invoice, wip_limit=-1)
    with pytest.raises(PermissionDenied):
        services.set_wip_limit(actor=UserFactory(), step=invoice, wip_limit=5)
    assert services.set_wip_limit(actor=lead, step=invoice, wip_limit=3).wip_limit == 3
    services.move(actor=lead, card_id=cards[2].pk, to_step_id=invoice.pk, from_step_id=offer.pk)
    with pytest.raises(ValidationError):
        services.create_board(actor=lead, space=order_flow["space"], name="Leeg", steps=[])


def test_a_stale_move_and_a_move_to_another_boards_step_are_refused(order_flow):
    board, (offer, invoice, delivery) = order_flow["board"], order_flow["steps"]
    lead = order_flow["lead"]
    card = services.add_card(actor=lead, board=board, title="Order 7")
    services.move(actor=lead, card_id=card.pk, to_step_id=invoice.pk, from_step_id=offer.pk)
    with pytest.raises(ValidationError) as stale:
        # Seen in "Offerte" on an old screen; it is in "Factuur" now.
        services.move(actor=lead, card_id=card.pk, to_step_id=delivery.pk, from_step_id=offer.pk)
    assert "moved this card to “Factuur” meanwhile" in " ".join(stale.value.messages)
    other = services.create_board(actor=lead, space=order_flow["space"], name="Retouren",
                                  steps=[{"name": "Ontvangen"}])  # fmt: skip
    with pytest.raises(ValidationError):
        services.move(actor=lead, card_id=card.pk, to_step_id=other.steps.get().pk,
                      from_step_id=invoice.pk)  # fmt: skip
    assert Card.objects.get(pk=card.pk).step == invoice and Move.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_moving_one_card_at_once_leave_one_card_in_one_place(order_flow):
    board, (offer, invoice, delivery) = order_flow["board"], order_flow["steps"]
    lead = order_flow["lead"]
    colleague = MembershipFactory(space=order_flow["space"]).user
    card = services.add_card(actor=lead, board=board, title="Order 99")
    outcomes = []
    barrier = threading.Barrier(2)

    def mover(person, target):
        barrier.wait()
        try:
            services.move(actor=person, card_id=card.pk, to_step_id=target.pk,
                          from_step_id=offer.pk)  # fmt: skip
            outcomes.append("moved")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=mover, args=(lead, invoice)),
               threading.Thread(target=mover, args=(colleague, delivery))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["moved", "refused"]
    assert Card.objects.filter(title="Order 99").count() == 1 and Move.objects.count() == 1
    assert Card.objects.get(pk=card.pk).step_id == Move.objects.get().to_step_id


def test_who_may_see_and_move(order_flow):
    board, (offer, invoice, _delivery) = order_flow["board"], order_flow["steps"]
    card = services.add_card(actor=order_flow["lead"], board=board, title="Order 5")
    operator = MembershipFactory(space=order_flow["ops_space"]).user  # a shared space
    services.move(actor=operator, card_id=card.pk, to_step_id=invoice.pk, from_step_id=offer.pk)
    private = SpaceFactory(visibility="private", closed_reason="x")
    owner = MembershipFactory(space=private, role="owner").user
    hidden = services.create_board(actor=owner, space=private, name="Intern",
                                   steps=[{"name": "A"}, {"name": "B"}])  # fmt: skip
    secret_card = services.add_card(actor=owner, board=hidden, title="Geheim")
    outsider = UserFactory()
    a, b = hidden.steps.all()
    assert not services.may_view(user=outsider, board=hidden)
    with pytest.raises(PermissionDenied):
        services.move(actor=outsider, card_id=secret_card.pk, to_step_id=b.pk, from_step_id=a.pk)
    reader = MembershipFactory(space=order_flow["space"], role="reader").user
    with pytest.raises(PermissionDenied):
        services.move(actor=reader, card_id=card.pk, to_step_id=offer.pk, from_step_id=invoice.pk)


def test_pain_points_and_me_too_once_per_person(order_flow):
    board, (offer, invoice, _delivery) = order_flow["board"], order_flow["steps"]
    lead = order_flow["lead"]
    pain = services.flag_pain(
        actor=lead, board=board, step=invoice, frequency="daily", impact="high",
        what="Facturen wachten op een handtekening",
    )  # fmt: skip
    colleague = MembershipFactory(space=order_flow["space"]).user
    assert services.me_too(actor=colleague, pain_point_id=pain.pk).me_too_count == 1
    with pytest.raises(ValidationError):
        services.me_too(actor=colleague, pain_point_id=pain.pk)
    with pytest.raises(ValidationError):
        services.me_too(actor=lead, pain_point_id=pain.pk)
    assert PainPoint.objects.get(pk=pain.pk).me_too_count == 1
    # On an invisible board: not found; bad input: clear refusals, nothing written.
    private = SpaceFactory(visibility="private", closed_reason="x")
    owner = MembershipFactory(space=private, role="owner").user
    hidden = services.create_board(actor=owner, space=private, name="Intern",
                                   steps=[{"name": "A"}])  # fmt: skip
    secret = services.flag_pain(
        actor=owner, board=hidden, step=hidden.steps.get(), frequency="weekly", impact="low",
        what="Niemand weet dit",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.me_too(actor=colleague, pain_point_id=secret.pk)
    with pytest.raises(ValidationError) as refused:
        services.flag_pain(actor=colleague, board=board, step=offer, frequency="soms",
                           impact="high", what="kort")  # fmt: skip
    assert set(refused.value.message_dict) == {"what", "frequency"}
    assert PainPoint.objects.count() == 2
    services.set_pain_status(actor=lead, pain_point_id=pain.pk, status="solving")
    with pytest.raises(PermissionDenied):
        services.set_pain_status(actor=UserFactory(), pain_point_id=pain.pk, status="solved")
    assert PainPoint.objects.get(pk=pain.pk).status == "solving"
