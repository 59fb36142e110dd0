"""A space that switches its knowledge base off closes its articles everywhere, the feeds
included: found by the leak sweep (tests/test_leak_sweep.py), where an article's feed item
kept showing its title on the home feed, the space's page and the author's person page."""

import pytest

from intranet.activity import services as activity
from knowledge import services
from tests.helpers import assert_module_switch_hides, module_switch_case

pytestmark = pytest.mark.django_db


def test_an_article_of_a_space_without_knowledge_leaves_every_feed(client):
    space, owner, colleague = module_switch_case()
    services.publish(author=owner, space=space, title="Draaibank ZQXMODULE", body="Zo werkt het.")
    pages = assert_module_switch_hides(
        client, space=space, owner=owner, colleague=colleague, keep=["forums", "boards", "stories"]
    )
    api = client.get("/api/feed/", {"feed": f"space:{space.pk}"})
    assert "ZQXMODULE" not in api.content.decode()
    # A post in the same space is no module's: it stays.
    activity.create_post(author=owner, space=space, body="Koffie staat klaar")
    assert "Koffie staat klaar" in client.get(pages[1]).content.decode()
