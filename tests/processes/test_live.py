"""Open boards over a real consumer and the Redis channel layer: a move reaches everyone
with the board open as fragments (the card leaves its step, arrives in the new one, both
headers redrawn); people who may not see the board cannot follow it."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from processes import services
from tests.activity.test_live import connect, cookie_for
from tests.factories import DepartmentFactory, MembershipFactory, SpaceFactory, UserFactory
from tests.forums.test_live import receive_with

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def board(client):
    space = SpaceFactory(visibility="private", closed_reason="x")
    lead = MembershipFactory(space=space, role="owner").user
    watcher = MembershipFactory(space=space).user
    finance = DepartmentFactory(name="Finance")
    board = services.create_board(
        actor=lead,
        space=space,
        name="Order tot levering",
        steps=[{"name": "Offerte"}, {"name": "Factuur", "department": finance}],
    )
    card = services.add_card(actor=lead, board=board, title="Order 1042")
    return board, lead, card, cookie_for(client, watcher)


async def test_a_move_reaches_an_open_board(board):
    board, lead, card, cookie = board
    socket = await connect(cookie, f"board:{board.pk}")
    assert (await socket.connect())[0]
    offer, invoice = await sync_to_async(lambda: list(board.steps.all()))()
    await sync_to_async(services.move)(
        actor=lead, card_id=card.pk, to_step_id=invoice.pk, from_step_id=offer.pk
    )
    html = await receive_with(socket, f'id="card-{card.pk}" hx-swap-oob="delete"')
    assert f'hx-swap-oob="beforeend:#cards-{invoice.pk}"' in html and "Order 1042" in html
    assert f'id="step-head-{offer.pk}"' in html and f'id="step-head-{invoice.pk}"' in html
    # A new card arrives too.
    await sync_to_async(services.add_card)(actor=lead, board=board, title="Order 1043")
    html = await receive_with(socket, "Order 1043")
    assert f"beforeend:#cards-{offer.pk}" in html
    await socket.disconnect()


async def test_outsiders_cannot_follow_a_board(board, client):
    board, _lead, _card, _cookie = board
    outsider = await sync_to_async(UserFactory)()
    socket = await connect(await sync_to_async(cookie_for)(client, outsider), f"board:{board.pk}")
    connected, code = await socket.connect()
    assert not connected and code == 4404
    await sync_to_async(lambda: connection.close())()


async def test_a_board_no_longer_shared_stops_reaching_the_other_space(flow, client):
    """Each socket remembers that its reader may see the board; unsharing makes it ask again."""
    board, lead, card = flow["board"], flow["lead"], flow["card"]
    offer, invoice, done = flow["steps"]
    socket = await connect(
        await sync_to_async(cookie_for)(client, flow["seller"]), f"board:{board.pk}"
    )
    assert (await socket.connect())[0]
    await sync_to_async(services.move)(
        actor=lead, card_id=card.pk, to_step_id=invoice.pk, from_step_id=offer.pk
    )
    await receive_with(socket, f'id="card-{card.pk}" hx-swap-oob="delete"')
    await sync_to_async(services.share)(actor=lead, board=board, spaces=[])
    await sync_to_async(services.move)(
        actor=lead, card_id=card.pk, to_step_id=done.pk, from_step_id=invoice.pk
    )
    # The access notice and the bell may come, or the socket closes (its reader lost the
    # board it follows); the move must not come.
    for _ in range(5):
        if await socket.receive_nothing(timeout=1):
            break
        output = await socket.receive_output()
        if output["type"] == "websocket.close":
            break
        assert f'id="card-{card.pk}"' not in output.get("text", "")
    await socket.disconnect()
    await sync_to_async(lambda: connection.close())()
