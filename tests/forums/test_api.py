"""The forums API: the same rules as the pages."""

import pytest

from forums.models import Answer, Topic
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def space():
    return SpaceFactory(slug="it", visibility="private", closed_reason="x")


def test_ask_answer_vote_accept_over_the_api(client, space):
    asker = MembershipFactory(space=space, user=UserFactory(language="en")).user
    client.force_login(asker)
    response = client.post(
        "/api/spaces/it/topics/",
        {"title": "Waar staat de VPN-handleiding?", "tags": ["vpn"], "language": "nl"},
        content_type="application/json",
    )
    assert response.status_code == 201
    topic_id = response.json()["id"]
    assert response.json()["tags"] == ["vpn"]
    answerer = MembershipFactory(space=space).user
    client.force_login(answerer)
    response = client.post(
        f"/api/topics/{topic_id}/answers/", {"body": "In de kennisbank."}, "application/json"
    )
    assert response.status_code == 201
    answer_id = response.json()["id"]
    own = client.post(f"/api/answers/{answer_id}/vote/", {"value": 1}, "application/json")
    assert own.status_code == 400
    client.force_login(asker)
    assert (
        client.post(f"/api/answers/{answer_id}/vote/", {"value": 1}, "application/json").json()[
            "score"
        ]
        == 1
    )
    assert (
        client.post(
            f"/api/answers/{answer_id}/vote/", {"value": "1"}, "application/json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/api/topics/{topic_id}/accept/", {"answer": answer_id}, "application/json"
        ).status_code
        == 204
    )
    page = client.get(f"/api/topics/{topic_id}/").json()
    assert page["topic"]["accepted_answer"] == answer_id and page["answers"][0]["accepted"]
    assert client.get("/api/topics/unanswered/").json()["results"] == []
    listed = client.get("/api/spaces/it/topics/", {"limit": 1}).json()
    assert listed["count"] == 1 and [t["id"] for t in listed["results"]] == [topic_id]
    similar = client.get("/api/topics/similar/", {"title": "vpn handleiding"}).json()
    assert [t["id"] for t in similar] == [topic_id]


def test_the_api_hides_what_one_may_not_see_and_refuses_bad_input(client, space):
    owner = MembershipFactory(space=space, role="owner").user
    client.force_login(owner)
    topic_id = client.post(
        "/api/spaces/it/topics/", {"title": "Geheime vraag hier"}, "application/json"
    ).json()["id"]
    response = client.post("/api/spaces/it/topics/", {"title": ""}, "application/json")
    assert response.status_code == 400 and "title" in response.json()
    response = client.post("/api/spaces/it/topics/", ["x"], "application/json")
    assert response.status_code == 400
    response = client.get("/api/spaces/it/topics/", {"show": "raar"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["show"] == ["Use all or unanswered."]
    response = client.post(
        "/api/spaces/it/topics/", {"title": "Een vraag", "tags": "a,b"}, "application/json"
    )
    assert response.status_code == 400 and "tags" in response.json()
    response = client.post(f"/api/topics/{topic_id}/accept/", {"answer": "1"}, "application/json")
    assert response.status_code == 400 and "answer" in response.json()
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(f"/api/topics/{topic_id}/").status_code == 404
    assert client.get("/api/spaces/it/topics/").status_code == 404
    assert (
        client.post("/api/spaces/it/topics/", {"title": "Mag dit?"}, "application/json").status_code
        == 404
    )
    assert (
        client.post(
            f"/api/topics/{topic_id}/answers/", {"body": "x"}, "application/json"
        ).status_code
        == 404
    )
    assert client.get("/api/topics/similar/", {"title": "geheime vraag"}).json() == []
    assert Topic.objects.count() == 1 and not Answer.objects.exists()
