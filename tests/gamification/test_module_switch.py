"""A space that switches its stories off closes them everywhere, the feeds included: found
by the leak sweep (tests/test_leak_sweep.py), where a story's feed item kept showing its
title on the home feed, the space's page and the author's person page."""

import pytest
from django.urls import reverse

from gamification import services
from intranet.activity import services as activity
from intranet.governance import services as governance
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_story_of_a_space_without_stories_leaves_every_feed(client):
    space = SpaceFactory(name="Werkplaats")
    owner, colleague = UserFactory(), UserFactory()
    MembershipFactory(space=space, user=owner, role="owner")
    MembershipFactory(space=space, user=colleague)
    activity.follow(follower=colleague, followee=owner)
    services.publish_story(
        author=owner,
        space=space,
        title="Sneller ZQXMODULE",
        challenge="Wachten.",
        approach="Anders plannen.",
        result="Sneller.",
    )
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
        modules=["forums", "knowledge", "boards"],
    )
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert "ZQXMODULE" not in response.content.decode(), url
    assert "ZQXMODULE" not in client.get("/api/feed/", {"feed": "home"}).content.decode()
