"""The live feed over real consumers, the real Redis channel layer and the real database."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from intranet.activity import services
from intranet.activity.models import Activity
from intranet.asgi import application
from intranet.governance import services as governance
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def cookie_for(client, user) -> str:
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def connect(cookie: str, feed: str = "home") -> WebsocketCommunicator:
    headers = [
        (b"origin", b"http://localhost"),
        (b"host", b"localhost"),
        (b"accept-language", b"en"),
    ]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, f"/ws/feed/?feed={feed}", headers=headers)
    return communicator


@pytest.fixture
def team(client):
    space = SpaceFactory(name="Team Zuid")
    author = UserFactory(first_name="Anna")
    reader = UserFactory(first_name="Bram")
    MembershipFactory(space=space, user=author)
    MembershipFactory(space=space, user=reader)
    return space, author, reader, cookie_for(client, reader)


async def test_a_new_post_reaches_a_member_without_reload(team):
    space, author, _reader, cookie = team
    socket = await connect(cookie)
    connected, _ = await socket.connect()
    assert connected
    await sync_to_async(services.create_post)(author=author, space=space, body="Live erbij!")
    html = await socket.receive_from(timeout=5)
    assert 'id="feed-incoming" hx-swap-oob="afterbegin"' in html
    assert "Live erbij!" in html and "Anna" in html
    await socket.disconnect()


async def test_private_items_never_reach_non_members_over_the_socket(client):
    private = await sync_to_async(SpaceFactory)(visibility="private", closed_reason="x")
    insider = await sync_to_async(UserFactory)()
    await sync_to_async(MembershipFactory)(space=private, user=insider)
    outsider = await sync_to_async(UserFactory)()
    await sync_to_async(services.follow)(follower=outsider, followee=insider)
    cookie = await sync_to_async(cookie_for)(client, outsider)
    home = await connect(cookie)
    assert (await home.connect())[0]
    person = await connect(cookie, feed=f"person:{insider.pk}")
    assert (await person.connect())[0]
    space_feed = await connect(cookie, feed=f"space:{private.pk}")
    connected, code = await space_feed.connect()
    assert not connected and code == 4404
    await sync_to_async(services.create_post)(author=insider, space=private, body="Geheim")
    assert await home.receive_nothing(timeout=1)
    assert await person.receive_nothing(timeout=0.2)
    await home.disconnect()
    await person.disconnect()


async def test_a_member_removed_after_connecting_gets_nothing_more(team):
    space, author, reader, cookie = team
    space.visibility = "private"
    await sync_to_async(space.save)()
    owner = await sync_to_async(UserFactory)()
    await sync_to_async(MembershipFactory)(space=space, user=owner, role="owner")
    socket = await connect(cookie, feed=f"space:{space.pk}")
    assert (await socket.connect())[0]
    await sync_to_async(governance.remove_member)(actor=owner, space=space, user=reader)
    # The space feed is no longer theirs: the socket closes, as one opened now would not open.
    closed = await socket.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4404}
    await sync_to_async(services.create_post)(author=author, space=space, body="Na vertrek")
    assert await socket.receive_nothing(timeout=1)
    await socket.disconnect()


async def test_a_home_feed_leaves_a_space_its_reader_was_removed_from(team):
    space, author, reader, cookie = team
    space.visibility = "private"
    await sync_to_async(space.save)()
    owner = await sync_to_async(UserFactory)()
    await sync_to_async(MembershipFactory)(space=space, user=owner, role="owner")
    socket = await connect(cookie)
    assert (await socket.connect())[0]
    await sync_to_async(governance.remove_member)(actor=owner, space=space, user=reader)
    await sync_to_async(services.create_post)(author=author, space=space, body="Na vertrek")
    assert await socket.receive_nothing(timeout=1)
    await socket.disconnect()


async def test_a_deactivated_person_s_sockets_close(team):
    space, author, reader, cookie = team
    admin = await sync_to_async(UserFactory)(org_role="administrator")
    home = await connect(cookie)
    assert (await home.connect())[0]
    await sync_to_async(governance.set_account_active)(actor=admin, user=reader, active=False)
    closed = await home.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401}
    await sync_to_async(services.create_post)(author=author, space=space, body="Na vertrek")
    assert await home.receive_nothing(timeout=1)
    # And a new one does not open for the old session.
    again = await connect(cookie)
    connected, code = await again.connect()
    assert not connected and code == 4401


async def test_leaving_the_pilot_closes_the_socket(team):
    from tests.factories import DepartmentFactory

    *_people, cookie = team
    admin = await sync_to_async(UserFactory)(org_role="administrator")
    pilot = await sync_to_async(DepartmentFactory)()
    home = await connect(cookie)
    assert (await home.connect())[0]
    await sync_to_async(governance.set_pilot)(actor=admin, enabled=True, departments=[pilot])
    closed = await home.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401}
    again = await connect(cookie)
    connected, code = await again.connect()
    assert not connected and code == 4401


async def test_requiring_two_step_verification_of_everyone_closes_sockets_without_it(team):
    """Pages stop opening for people without two-step verification once the organisation asks
    it of every role; their open sockets close too, and enrolled people's stay open."""
    from tests.factories import enrol_mfa

    space, author, reader, cookie = team
    admin = await sync_to_async(UserFactory)(org_role="administrator")
    enrolled = await sync_to_async(UserFactory)(mfa=True)
    await sync_to_async(MembershipFactory)(space=space, user=enrolled)
    from django.test import Client

    kept = await connect(await sync_to_async(cookie_for)(Client(), enrolled))
    assert (await kept.connect())[0]
    home = await connect(cookie)
    assert (await home.connect())[0]
    await sync_to_async(governance.set_mfa_for_everyone)(actor=admin, required=True)
    closed = await home.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401}
    again = await connect(cookie)
    assert (await again.connect()) == (False, 4401)
    # The enrolled colleague still hears what happens.
    await sync_to_async(services.create_post)(author=author, space=space, body="Nog open")
    assert "Nog open" in await kept.receive_from(timeout=5)
    await kept.disconnect()
    # Once the reader enrols, sockets open again.
    await sync_to_async(enrol_mfa)(reader)
    back = await connect(cookie)
    assert (await back.connect())[0]
    await back.disconnect()


async def test_reconnect_catches_up_on_everything_missed(team):
    space, author, _reader, cookie = team
    first = await sync_to_async(services.create_post)(author=author, space=space, body="Voor")
    last_seen = await sync_to_async(
        lambda: Activity.objects.get(target_type="post", target_id=first.pk).pk
    )()
    for text in ["Gemist 1", "Gemist 2", "Gemist 3"]:
        await sync_to_async(services.create_post)(author=author, space=space, body=text)
    socket = await connect(cookie)
    assert (await socket.connect())[0]
    await socket.send_to(text_data=json.dumps({"type": "resume", "last_id": last_seen}))
    received = [await socket.receive_from(timeout=5) for _ in range(3)]
    assert ["Gemist 1" in received[0], "Gemist 2" in received[1], "Gemist 3" in received[2]] == [
        True,
        True,
        True,
    ]
    assert await socket.receive_nothing(timeout=0.5)  # "Voor" was already on the page
    # The same item never arrives twice, even if it is pushed after the catch-up.
    await socket.send_to(text_data=json.dumps({"type": "resume", "last_id": last_seen}))
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_a_forged_last_id_reveals_nothing_hidden(team, client):
    _space, _author, _reader, cookie = team
    secret = await sync_to_async(SpaceFactory)(visibility="secret")
    insider = await sync_to_async(UserFactory)()
    await sync_to_async(MembershipFactory)(space=secret, user=insider)
    await sync_to_async(services.create_post)(author=insider, space=secret, body="Topgeheim")
    socket = await connect(cookie)
    assert (await socket.connect())[0]
    await socket.send_to(text_data=json.dumps({"type": "resume", "last_id": 0}))
    assert await socket.receive_nothing(timeout=1)
    await socket.disconnect()


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        "[]",
        '{"type": "resume", "last_id": -5}',
        '{"type": "resume", "last_id": "x"}',
        '{"type": "resume", "last_id": true}',
        '{"type": "shutdown"}',
    ],
)
async def test_malformed_messages_get_a_clear_refusal_and_the_socket_lives_on(team, message):
    space, author, _reader, cookie = team
    socket = await connect(cookie)
    assert (await socket.connect())[0]
    await socket.send_to(text_data=message)
    reply = await socket.receive_from(timeout=5)
    assert 'id="live-status"' in reply and "not understood" in reply
    await sync_to_async(services.create_post)(author=author, space=space, body="Nog steeds")
    assert "Nog steeds" in await socket.receive_from(timeout=5)
    await socket.disconnect()


async def test_unauthenticated_socket_is_closed_with_4401():
    socket = await connect("")
    connected, code = await socket.connect()
    assert not connected and code == 4401


async def test_the_bell_count_updates_live(team):
    space, author, reader, cookie = team
    post = await sync_to_async(services.create_post)(author=reader, space=space, body="Mijn idee")
    socket = await connect(cookie, feed="bell")
    assert (await socket.connect())[0]
    await sync_to_async(services.react)(user=author, target=post, kind="celebrate")
    reply = await socket.receive_from(timeout=5)
    assert 'id="notification-count"' in reply and 'hx-swap-oob="true"' in reply
    assert ">1<" in reply
    await socket.disconnect()


async def test_live_items_speak_the_pages_language(team):
    space, author, _reader, cookie = team
    headers = [
        (b"origin", b"http://localhost"),
        (b"host", b"localhost"),
        (b"cookie", cookie.encode()),
        (b"accept-language", b"en-GB,en;q=0.9"),
    ]
    socket = WebsocketCommunicator(application, "/ws/feed/?feed=home", headers=headers)
    assert (await socket.connect())[0]
    await sync_to_async(services.create_post)(author=author, space=space, body="Taal")
    html = await socket.receive_from(timeout=5)
    assert "posted in" in html and "just now" in html
    await socket.disconnect()
