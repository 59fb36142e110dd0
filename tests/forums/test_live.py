"""The question page over a real consumer and the Redis channel layer: new answers and scores
arrive live; outsiders are refused; a member removed meanwhile gets nothing more."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from forums import services
from intranet.governance import services as governance
from tests.activity.test_live import connect, cookie_for
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def receive_with(socket, needle: str) -> str:
    """The next message containing `needle` (the bell's count may arrive in between)."""
    for _ in range(5):
        html = await socket.receive_from(timeout=5)
        if needle in html:
            return html
    raise AssertionError(f"no message with {needle!r}")


@pytest.fixture
def question(client):
    space = SpaceFactory(visibility="private", closed_reason="x")
    owner = MembershipFactory(space=space, role="owner").user
    asker = MembershipFactory(space=space, user=UserFactory(first_name="Chris")).user
    answerer = MembershipFactory(space=space, user=UserFactory(first_name="Ruben")).user
    topic = services.ask(author=asker, space=space, kind="question", title="Waar is de VPN?")
    return space, owner, asker, answerer, topic, cookie_for(client, asker)


async def test_answers_and_scores_arrive_on_the_open_question_page(question, client):
    space, owner, asker, answerer, topic, cookie = question
    socket = await connect(cookie, f"topic:{topic.pk}")
    assert (await socket.connect())[0]
    answer = await sync_to_async(services.answer)(
        author=answerer, topic=topic, body="In **Intune**"
    )
    html = await receive_with(socket, 'hx-swap-oob="beforeend:#answers"')
    assert "<strong>Intune</strong>" in html and "Ruben" in html
    assert "Accept this answer" in html  # Chris asked: he may accept it right there
    await sync_to_async(services.vote)(user=owner, answer_id=answer.pk, value=1)
    html = await receive_with(socket, f'id="score-{answer.pk}"')
    assert 'hx-swap-oob="true">1<' in html
    # Removed from the space: nothing more reaches the page (the socket may close).
    await sync_to_async(governance.remove_member)(actor=owner, space=space, user=asker)
    await sync_to_async(services.answer)(author=answerer, topic=topic, body="Nog iets")
    while not await socket.receive_nothing(timeout=1):
        output = await socket.receive_output()
        if output["type"] == "websocket.close":
            break
        assert "Nog iets" not in output.get("text", "")
    await socket.disconnect()


async def test_outsiders_cannot_follow_a_question_live(question, client):
    _space, _owner, _asker, _answerer, topic, _cookie = question
    outsider = await sync_to_async(UserFactory)()
    socket = await connect(await sync_to_async(cookie_for)(client, outsider), f"topic:{topic.pk}")
    connected, code = await socket.connect()
    assert not connected and code == 4404
    socket = await connect(await sync_to_async(cookie_for)(client, outsider), "topic:999999")
    connected, code = await socket.connect()
    assert not connected and code == 4404
    # The refused consumers' database work ran in the sync thread: close its connection so
    # the test database can be dropped at the end.
    await sync_to_async(lambda: connection.close())()
