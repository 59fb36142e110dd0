"""Bad input answers 400, never 500 (found by the leak sweep, tests/test_leak_sweep.py): an
empty post to a form page whose service refuses it (after access was checked), and a NUL byte,
which PostgreSQL text cannot hold (refused before any view, the same at every address:
intranet.core.middleware.RequestInputMiddleware; more in test_hostile_input.py)."""

import pytest
from django.urls import reverse

from knowledge import services as knowledge
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(client):
    space = SpaceFactory(name="Werkplaats")
    person = UserFactory()
    MembershipFactory(space=space, user=person, role="owner")
    client.force_login(person)
    return space, person


def test_an_empty_post_to_a_form_page_shows_the_refusal(client, writer):
    space, person = writer
    response = client.post(reverse("knowledge:new", args=[space.slug]), {})
    assert response.status_code == 400
    article = knowledge.publish(author=person, space=space, title="Draaibank", body="x")
    response = client.post(reverse("knowledge:edit", args=[article.pk]), {})
    assert response.status_code in (200, 400)


def test_a_nul_byte_is_refused_with_400_after_access_is_checked(client, writer):
    space, person = writer
    url = reverse("knowledge:new_collection", args=[space.slug])
    assert client.post(url, {"name": "Plan\x00nen"}).status_code == 400
    article = knowledge.publish(author=person, space=space, title="Draaibank", body="x")
    outdated = reverse("knowledge:outdated", args=[article.pk])
    assert client.post(outdated, {"reason": "Klopt\x00 niet meer"}).status_code == 400
    # Someone else's secret space, or none at all: a NUL is refused before any view runs,
    # with the same 400 at every address, so it tells nothing; valid input answers 404.
    secret = SpaceFactory(name="Overname", visibility="secret", closed_reason="x")
    MembershipFactory(space=secret, role="owner")
    for slug in (secret.slug, "bestaat-niet"):
        url = reverse("knowledge:new_collection", args=[slug])
        assert client.post(url, {"name": "Plan\x00nen"}).status_code == 400
        assert client.post(url, {"name": "Plannen"}).status_code == 404


def test_a_nul_byte_in_json_answers_400_json(client, writer):
    space, person = writer
    article = knowledge.publish(author=person, space=space, title="Draaibank", body="x")
    colleague = UserFactory()
    MembershipFactory(space=space, user=colleague)
    client.force_login(colleague)
    url = f"/api/articles/{article.pk}/suggestions/"
    for body in (
        {"title": "Draai\x00bank", "body": "y", "base": 1},
        {"title": "Draaibank", "body": "y", "base": 1, "note": "\x00"},
    ):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["detail"]
