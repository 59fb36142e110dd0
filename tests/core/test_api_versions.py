"""The API's address and shape: /api/v1/ (the old paths as aliases), one refusal format, the
schema built from what the views parse, and the gates of the pages also in front of the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from intranet.governance import services as governance
from intranet.tokens import services as tokens
from tests.factories import AdminFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_v1_is_the_address_and_the_old_paths_answer_the_same(signed_in):
    assert reverse("api-me") == "/api/v1/me/"
    versioned = signed_in.get("/api/v1/me/")
    alias = signed_in.get("/api/me/")
    assert versioned.status_code == alias.status_code == 200
    assert versioned.json() == alias.json()


def test_the_schema_documents_v1_only(signed_in):
    schema = signed_in.get("/api/v1/schema/?format=json").json()
    paths = list(schema["paths"])
    assert paths and all(path.startswith("/api/v1/") for path in paths)
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    # The old address of the schema still answers.
    assert signed_in.get("/api/schema/?format=json").status_code == 200


def test_every_refusal_has_a_sentence_in_detail(signed_in, user):
    missing = signed_in.get("/api/v1/topics/987654/")
    assert missing.status_code == 404 and isinstance(missing.json()["detail"], str)
    refused = signed_in.post(
        f"/api/v1/people/{user.pk}/endorsements/", "[]", content_type="application/json"
    )
    assert refused.status_code in (400, 404)
    assert isinstance(refused.json()["detail"], str) and refused.json()["detail"]
    searched = signed_in.get("/api/v1/search/?q=a")
    assert searched.status_code == 400
    body = searched.json()
    assert body["q"] and body["detail"].startswith("q: ")


def test_signed_out_the_api_says_so_in_the_same_shape(client):
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)


def test_outside_the_pilot_the_api_answers_json_403_by_session_and_by_token(client):
    admin = AdminFactory()
    inside, outside = DepartmentFactory(name="Pilot"), DepartmentFactory(name="Later")
    governance.set_pilot(actor=admin, enabled=True, departments=[inside])
    person = UserFactory(department=outside)
    _token, plain = tokens.create_token(
        actor=person, user=person, name="Script", scopes=["read"], days=7
    )
    client.force_login(person)
    by_session = client.get("/api/v1/spaces/", HTTP_ACCEPT_LANGUAGE="en")
    assert by_session.status_code == 403
    assert by_session["Content-Type"] == "application/json"
    assert by_session.json()["detail"] == "Plein is not open to you yet."
    client.logout()
    by_token = client.get(
        "/api/v1/spaces/", HTTP_AUTHORIZATION=f"Bearer {plain}", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert by_token.status_code == 403
    assert by_token.json()["detail"] == "Plein is not open to you yet."


def test_administrators_need_two_step_verification_for_versioned_insights_too(client):
    admin = AdminFactory(mfa=False)
    client.force_login(admin)
    for path in ("/api/v1/insights/phases/", "/api/insights/phases/"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403, path
        assert "two-step verification" in response.json()["detail"]


def test_every_list_answered_in_pages_documents_limit_and_offset(signed_in):
    schema = signed_in.get("/api/v1/schema/?format=json").json()
    paged = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        answer = get["responses"]["200"]["content"]["application/json"]["schema"]
        if "Paginated" in answer.get("$ref", ""):
            paged[path] = {parameter["name"] for parameter in get.get("parameters", [])}
    assert len(paged) >= 15
    assert {path for path, names in paged.items() if not {"limit", "offset"} <= names} == set()


def test_a_limit_out_of_range_is_refused(signed_in):
    for query in ("limit=0", "limit=x", "offset=-1", "limit=100000"):
        response = signed_in.get(f"/api/v1/spaces/?{query}")
        assert response.status_code == 400, query
        assert response.json()["detail"]
    assert signed_in.get("/api/v1/spaces/?limit=2&offset=0").status_code == 200
