"""A space whose owner unticked View for readers: its readers (and, for an open space, every
non-member, who may never see more than a reader) get its content nowhere: not on its pages,
and not in the home feed, search, knowledge or any list built on the governance filter."""

import pytest
from django.urls import reverse

from intranet.activity import services as activity
from intranet.governance import services
from intranet.governance.models import Space
from intranet.governance.selectors import readable_space_ids
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

MARKER = "ZQXNARROW"


@pytest.fixture
def narrowed():
    space = SpaceFactory(name="Salarisoverleg", visibility="open")
    owner, member, reader = UserFactory(), UserFactory(), UserFactory(language="en")
    MembershipFactory(space=space, user=owner, role="owner")
    MembershipFactory(space=space, user=member, role="member")
    MembershipFactory(space=space, user=reader, role="reader")
    activity.create_post(author=member, space=space, body=f"Voorstel {MARKER} loonschalen")
    services.set_space_matrix(
        actor=owner, space=space, matrix={"view": ["owner", "moderator", "member"]}
    )
    return space, owner, member, reader


def test_a_narrowed_view_hides_the_space_s_content_from_readers_and_outsiders(client, narrowed):
    space, _owner, member, reader = narrowed
    outsider = UserFactory(language="en")
    for person in (reader, outsider):
        assert space.pk not in readable_space_ids(user=person)
        assert not Space.objects.viewable_by(person).filter(pk=space.pk).exists()
        client.force_login(person)
        for url in ("/", reverse("search:search") + "?q=loonschalen", "/api/search/?q=loonschalen"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert MARKER not in response.content.decode(), (person, url)
    # Members still read it everywhere.
    client.force_login(member)
    assert space.pk in readable_space_ids(user=member)
    assert MARKER in client.get("/").content.decode()


def test_widening_again_gives_readers_back_their_view(client, narrowed):
    space, owner, _member, reader = narrowed
    services.set_space_matrix(actor=owner, space=space, matrix={})
    client.force_login(reader)
    assert space.pk in readable_space_ids(user=reader)
    assert MARKER in client.get("/").content.decode()
