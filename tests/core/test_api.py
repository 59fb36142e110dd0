import pytest

from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_me_returns_the_signed_in_user(client, query_budget):
    dept = DepartmentFactory(name="Finance", slug="finance")
    me = UserFactory(first_name="Wouter", last_name="Schouten", department=dept, language="nl")
    client.force_login(me)
    with query_budget(4):
        response = client.get("/api/me/")
    assert response.status_code == 200
    data = response.json()
    assert data["email"] == me.email
    assert data["display_name"] == "Wouter Schouten"
    assert data["department"] == {"id": dept.pk, "name": "Finance", "slug": "finance"}
    assert data["is_administrator"] is False


def test_me_for_an_administrator(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/api/me/").json()["is_administrator"] is True


def test_api_refuses_anonymous_callers_with_json(client):
    response = client.get("/api/me/", HTTP_ACCEPT_LANGUAGE="en")
    # 401 with the scheme to use: a script learns it needs a token (intranet.tokens.auth).
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response["Content-Type"] == "application/json"
    assert "credentials" in response.json()["detail"]


def test_me_is_read_only(client, user):
    client.force_login(user)
    response = client.post("/api/me/", {"email": "other@plein.example"})
    assert response.status_code == 405
    user.refresh_from_db()
    assert user.email != "other@plein.example"


def test_schema_is_openapi_3_and_describes_me(client, user):
    client.force_login(user)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert {
        "/api/v1/spaces/",
        "/api/v1/spaces/{slug}/",
        "/api/v1/spaces/{slug}/members/",
        "/api/v1/spaces/{slug}/permissions/",
    } <= set(schema["paths"])


def test_schema_and_docs_need_a_signed_in_user(client):
    assert client.get("/api/schema/").status_code == 401
    assert client.get("/api/docs/").status_code == 401


def test_docs_page_uses_bundled_swagger_ui(client, user):
    client.force_login(user)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"drf_spectacular_sidecar/swagger-ui-dist" in response.content


def test_schema_is_generated_without_warnings(tmp_path):
    """The schema fuzzer (tests/fuzz/test_api_schema.py) found answers the schema described
    wrongly: serializers of two apps under one component name (/api/people/{id}/ documented
    as insights' Person), bodies drf-spectacular could not read. It warns of both."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yml"))


def test_every_operation_documents_its_refusals(client, user):
    """Each operation lists the refusals it can answer (intranet.core.openapi), as JSON."""
    client.force_login(user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "Error" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"403", "429"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= codes, (method, path)
            refusal = operation["responses"]["403"]["content"]["application/json"]["schema"]
            assert refusal == {"$ref": "#/components/schemas/Error"}


def test_an_api_address_no_pattern_matches_answers_json(client, user):
    """Found by the schema fuzzer: a slug the URL pattern does not take (a space in it) fell
    through to the HTML 404 page; the API answers JSON everywhere under /api/."""
    client.force_login(user)
    response = client.post("/api/spaces/met spatie/topics/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    page = client.get("/spaces/met spatie/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
