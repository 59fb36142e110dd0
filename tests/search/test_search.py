"""The top bar search over HTTP: grouped by kind, only what the user may see, bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intranet.search import registry
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def me(client):
    # A fixed name: a random one ("Reijers") is sometimes alike enough to what is searched.
    person = UserFactory(language="en", first_name="Tess", last_name="Zonneveld")
    client.force_login(person)
    return person


def groups(client, q: str) -> dict[str, list[str]]:
    response = client.get("/api/search/", {"q": q})
    assert response.status_code == 200
    return {g["kind"]: [r["title"] for r in g["results"]] for g in response.json()}


def test_results_are_grouped_by_kind_people_first(client, me):
    UserFactory(first_name="Klaas", last_name="Reis", job_title="Inkoper")
    SpaceFactory(name="Klantreis verbeteren", description="Samen de klantreis verbeteren")
    found = groups(client, "klantreis")
    assert found == {"spaces": ["Klantreis verbeteren"]}
    found = groups(client, "reis")
    assert list(found) == ["people", "spaces"]
    assert found["people"] == ["Klaas Reis"]
    page = client.get("/search/", {"q": "reis"}, **EN).content.decode()
    assert page.index("Klaas Reis") < page.index("Klantreis verbeteren")
    assert "All results in People" in page


def test_search_never_finds_what_the_user_may_not_see(client, me):
    secret = SpaceFactory(name="Reorganisatie Operations", visibility="secret", closed_reason="x")
    private = SpaceFactory(name="Reorganisatie ICT", visibility="private", closed_reason="x")
    assert groups(client, "reorganisatie") == {"spaces": ["Reorganisatie ICT"]}
    MembershipFactory(space=secret, user=me)
    assert sorted(groups(client, "reorganisatie")["spaces"]) == [
        "Reorganisatie ICT",
        "Reorganisatie Operations",
    ]
    # Guests: only their own spaces and the people in them.
    guest = UserFactory(org_role="guest", first_name="Gast", last_name="Extern")
    MembershipFactory(space=private, user=guest)
    partner = MembershipFactory(space=private, user=UserFactory(last_name="Reorganisator")).user
    UserFactory(last_name="Reorganisatiebureau")
    client.force_login(guest)
    found = groups(client, "reorganisat")
    assert found["spaces"] == ["Reorganisatie ICT"]
    assert found["people"] == [partner.display_name]


def test_suggestions_for_the_top_bar_and_a_page_without_javascript(client, me):
    UserFactory(first_name="Mary", last_name="Jansen")
    response = client.get("/search/", {"q": "jansn", "suggest": "1"}, HTTP_HX_REQUEST="true", **EN)
    body = response.content.decode()
    assert 'class="search-suggest__item"' in body and "Mary Jansen" in body
    assert "/search/?q=jansn" in body  # "All results" goes to the full page
    assert "<html" not in body
    page = client.get("/search/", {"q": "jansn"}, **EN).content.decode()
    assert "<html" in page and "Mary Jansen" in page


def test_bad_queries_get_a_clear_answer(client, me):
    assert client.get("/api/search/", {"q": "x"}).status_code == 400
    response = client.get("/api/search/", {"q": "a" * 101})
    assert response.status_code == 400
    assert response.json()["q"] == ["Search for 2 to 100 characters."]
    page = client.get("/search/", {"q": "x"}, **EN).content.decode()
    assert "Type at least 2 characters." in page
    page = client.get("/search/", {"q": "zzqqxx"}, **EN).content.decode()
    assert "Nothing found for “zzqqxx”" in page
    client.logout()
    assert client.get("/api/search/", {"q": "jansen"}).status_code in (401, 403)
    assert client.get("/search/", {"q": "jansen"}).status_code == 302


@pytest.mark.parametrize("n", [3, 30])
def test_search_costs_the_same_queries_whatever_it_finds(client, me, n):
    for i in range(n):
        UserFactory(first_name=f"Zoeker{i}", last_name="Vinder")
        SpaceFactory(name=f"Vinderruimte {i}")
    with CaptureQueriesContext(connection) as queries:
        found = groups(client, "vinder")
    assert len(found["people"]) == min(n, 20) and len(found["spaces"]) == min(n, 20)
    # One query per source (people, spaces, forum topics, process boards, signals), two for
    # knowledge and two for success stories (their readable spaces as ids first: see
    # knowledge.selectors.readable), plus the page's own (the top bar's "may I announce" among
    # them, issue 22).
    assert len(queries) <= 13


def test_other_apps_add_sources_that_the_search_box_shows(client, me):
    def find_processes(*, user, q, limit):
        return [registry.Result(title=f"Proces {q}", url="/processes/1/")]

    registry.register(registry.Source("processes", "Processes", 30, find_processes))
    try:
        assert groups(client, "inkoop") == {"processes": ["Proces inkoop"]}
    finally:
        registry.unregister("processes")
    assert groups(client, "inkoop") == {}
