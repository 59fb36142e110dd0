"""knowledge.access: the only way articles, suggestions and files are loaded for a user.
Missing, forbidden and narrowed-away answer the same 404, before any input is checked."""

import pytest
from django.urls import reverse

from intranet.governance import services as governance
from knowledge import services
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_article():
    space = SpaceFactory(name="Loonoverleg", visibility="secret", closed_reason="x")
    owner = UserFactory()
    reader = UserFactory()
    MembershipFactory(space=space, user=owner, role="owner")
    MembershipFactory(space=space, user=reader, role="member")
    article = services.publish(author=owner, space=space, title="Loonschalen ZQXKNOW", body="x")
    suggestion = services.suggest(
        proposer=reader, article=article, base_number=1, title=article.title, body="y"
    )
    return space, owner, article, suggestion


def test_decide_answers_404_for_a_hidden_suggestion_whatever_the_input(client, secret_article):
    _space, _owner, _article, suggestion = secret_article
    client.force_login(UserFactory())
    url = f"/api/suggestions/{suggestion.pk}/decide/"
    for body in ({"decision": "maybe"}, {"decision": "accept"}, [1, 2], "x"):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 404, body
    missing = client.post("/api/suggestions/999999/decide/", {"decision": "maybe"},
                          content_type="application/json")  # fmt: skip
    assert missing.status_code == 404
    assert missing.content == response.content


def test_the_owner_still_decides_and_bad_input_gets_a_clear_message(client, secret_article):
    _space, owner, _article, suggestion = secret_article
    client.force_login(owner)
    url = f"/api/suggestions/{suggestion.pk}/decide/"
    bad = client.post(url, {"decision": "maybe"}, content_type="application/json")
    assert bad.status_code == 400 and "decision" in bad.json()
    done = client.post(url, {"decision": "decline", "reason": "Klopt niet meer"},
                       content_type="application/json")  # fmt: skip
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "declined"


def test_a_narrowed_view_closes_the_knowledge_base_to_its_readers(client):
    space = SpaceFactory(name="Open maar beperkt")
    owner, reader = UserFactory(), UserFactory()
    MembershipFactory(space=space, user=owner, role="owner")
    MembershipFactory(space=space, user=reader, role="reader")
    article = services.publish(author=owner, space=space, title="Beperkt ZQXKNOW", body="x")
    client.force_login(reader)
    assert client.get(reverse("knowledge:article", args=[article.pk])).status_code == 200
    governance.set_space_matrix(actor=owner, space=space, matrix={"view": ["owner", "member"]})
    for url in (
        reverse("knowledge:article", args=[article.pk]),
        f"/api/articles/{article.pk}/",
        f"/api/spaces/{space.slug}/articles/",
        reverse("knowledge:space", args=[space.slug]),
    ):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("knowledge:search"), {"q": "Beperkt"}).content.decode()
    assert "ZQXKNOW" not in listing
