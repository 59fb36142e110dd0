"""A space that switches its stories off closes them everywhere, the feeds included: found
by the leak sweep (tests/test_leak_sweep.py), where a story's feed item kept showing its
title on the home feed, the space's page and the author's person page."""

import pytest

from gamification import services
from tests.helpers import assert_module_switch_hides, module_switch_case

pytestmark = pytest.mark.django_db


def test_a_story_of_a_space_without_stories_leaves_every_feed(client):
    space, owner, colleague = module_switch_case()
    services.publish_story(
        author=owner,
        space=space,
        title="Sneller ZQXMODULE",
        challenge="Wachten.",
        approach="Anders plannen.",
        result="Sneller.",
    )
    assert_module_switch_hides(
        client,
        space=space,
        owner=owner,
        colleague=colleague,
        keep=["forums", "knowledge", "boards"],
    )
    assert "ZQXMODULE" not in client.get("/api/feed/", {"feed": "home"}).content.decode()
