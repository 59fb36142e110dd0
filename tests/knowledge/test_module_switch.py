"""A space that switches its knowledge base off closes its articles everywhere, the feeds
included: found by the leak sweep (tests/test_leak_sweep.py), where an article's feed item
kept showing its title on the home feed, the space's page and the author's person page."""

import pytest
from django.urls import reverse

from intranet.activity import services as activity
from intranet.governance import services as governance
from knowledge import services
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_article_of_a_space_without_knowledge_leaves_every_feed(client):
    space = SpaceFactory(name="Werkplaats")
    owner, colleague = UserFactory(), UserFactory()
    MembershipFactory(space=space, user=owner, role="owner")
    MembershipFactory(space=space, user=colleague)
    activity.follow(follower=colleague, followee=owner)
    services.publish(author=owner, space=space, title="Draaibank ZQXMODULE", body="Zo werkt het.")
    client.force_login(colleague)
    pages = [
        reverse("home"),
        reverse("governance:space", args=[space.slug]),
        reverse("profiles:person", args=[owner.pk]),
    ]
    for url in pages:
        assert "ZQXMODULE" in client.get(url).content.decode(), url  # the module on: shown
    governance.update_space(
        actor=owner,
        space=space,
        name=space.name,
        description="",
        visibility="open",
        modules=["forums", "boards", "stories"],
    )
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert "ZQXMODULE" not in response.content.decode(), url
    api = client.get("/api/feed/", {"feed": f"space:{space.pk}"})
    assert "ZQXMODULE" not in api.content.decode()
    # A post in the same space is no module's: it stays.
    activity.create_post(author=owner, space=space, body="Koffie staat klaar")
    assert "Koffie staat klaar" in client.get(pages[1]).content.decode()
