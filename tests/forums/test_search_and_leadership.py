"""Searching the forums (ranked, highlighted, filtered, Dutch stemming, only what one may
read) and the open Q&A of the leadership."""

import pytest
from django.urls import reverse

from forums import services
from intranet.governance import services as governance
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def ask(space, author, title, body="", language="nl", **extra):
    return services.ask(
        author=author, space=space, kind="question", title=title, body=body,
        language=language, **extra,
    )  # fmt: skip


@pytest.fixture
def forum():
    finance = SpaceFactory(name="Financiën", slug="financien")
    it = SpaceFactory(name="IT", slug="it")
    secret = SpaceFactory(name="Fusie", slug="fusie", visibility="secret", closed_reason="x")
    author = UserFactory()
    for space in (finance, it, secret):
        MembershipFactory(space=space, user=author)
    topics = {
        "facturen": ask(finance, author, "Facturen van buitenlandse leveranciers",
                        "Hoe verwerk ik een factuur in dollars?", tags="btw"),
        "factuur": ask(it, author, "Printer en factuur scannen", "De scanner doet het niet",
                       tags="printer"),
        "invoice": ask(finance, author, "Invoices from UK suppliers", "Which VAT applies?",
                       language="en"),
        "secret": ask(secret, author, "Factuur van de overnamepartij", "Vertrouwelijk"),
        "xss": ask(finance, author, "Factuur <script>alert(1)</script>",
                   "<img src=x onerror=alert(2)> factuur"),
    }  # fmt: skip
    services.answer(
        author=MembershipFactory(space=finance).user, topic=topics["invoice"], body="21%"
    )
    return finance, it, author, topics


def test_search_ranks_highlights_and_stems_dutch(client, forum):
    _finance, _it, _author, _topics = forum
    client.force_login(UserFactory())
    page = client.get(reverse("forums:search"), {"q": "factuur"}, **EN).content.decode()
    # "factuur" finds "Facturen" (Dutch stemming) and "factuur"; a topic with the word in
    # title and body ranks above one with it in the title only; the secret space's topic
    # is not found.
    assert "<mark>Facturen</mark> van buitenlandse leveranciers" in page
    assert "verwerk ik een <mark>factuur</mark> in dollars" in page
    assert "scannen" in page and "Fusie" not in page and "overnamepartij" not in page
    assert page.index("leveranciers") < page.index("scannen")
    # Markup in titles and bodies stays text, even around highlights.
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page
    assert "3 topics found" in page


@pytest.mark.parametrize(
    ("params", "found", "not_found"),
    [
        ({"q": "factuur", "space": "it"}, ["scannen"], ["leveranciers"]),
        ({"q": "factuur", "tag": "btw"}, ["leveranciers"], ["scannen"]),
        ({"q": "invoices", "answered": "yes"}, ["UK suppliers"], []),
        ({"q": "invoices", "answered": "no"}, ["0 topics found"], ["UK suppliers"]),
        ({"q": "supplier", "language": "en"}, ["UK <mark>suppliers</mark>"], ["leveranciers"]),
        ({"q": "fusie OR vertrouwelijk"}, ["0 topics found"], ["Vertrouwelijk"]),
        # A space one may not read is no filter: it is ignored, never a way in.
        ({"q": "factuur", "space": "fusie"}, ["scannen"], ["overnamepartij"]),
    ],
)
def test_search_filters(client, forum, params, found, not_found):
    client.force_login(UserFactory())
    page = client.get(reverse("forums:search"), params, **EN).content.decode()
    for text in found:
        assert text in page, (params, text)
    for text in not_found:
        assert text not in page, (params, text)


def test_search_api_and_its_bad_input(client, forum):
    client.force_login(UserFactory())
    response = client.get("/api/topics/search/", {"q": "facturen", "space": "financien"})
    assert response.status_code == 200
    assert response.json()["count"] == 2
    hits = response.json()["results"]
    assert len(hits) == 2 and "Facturen van buitenlandse leveranciers" in [h["title"] for h in hits]
    assert all("<mark>" in hit["title_html"] for hit in hits)
    assert all("<script>" not in hit["title_html"] for hit in hits)
    response = client.get(
        "/api/topics/search/", {"q": "", "answered": "maybe", "space": "fusie"}, **EN
    )
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "q", "answered", "space"}
    assert response.json()["q"] == ["Type what you are looking for."]


def test_members_see_search_results_from_their_secret_space(client, forum):
    _finance, _it, author, _topics = forum
    client.force_login(author)
    page = client.get(reverse("forums:search"), {"q": "overnamepartij"}).content.decode()
    assert "overnamepartij" in page


@pytest.fixture
def leadership():
    directie = governance.save_department(actor=None, name="Directie", parent=None)
    sales = governance.save_department(actor=None, name="Sales", parent=directie)
    from intranet.governance.models import Space

    board = Space.objects.get(department=directie)
    director = MembershipFactory(space=board, role="owner").user
    return board, Space.objects.get(department=sales), director


def test_anyone_may_ask_the_leadership_and_the_answers_are_open(client, leadership):
    board, sales_space, _director = leadership
    employee = UserFactory()
    client.force_login(employee)
    # Not a member of the leadership's space, yet the question may be put there.
    response = client.post(
        reverse("forums:ask", args=[board.slug]),
        {"kind": "question", "title": "Waarom verhuizen we naar Utrecht?", "language": "nl",
         "ask_leadership": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    # Without the flag the usual rights apply: a non-member may not post there.
    response = client.post(
        reverse("forums:ask", args=[board.slug]),
        {"kind": "question", "title": "Gewone vraag hier", "language": "nl"},
    )
    assert response.status_code == 404
    # Questions flagged in other spaces are listed too, for those who may read them.
    team = SpaceFactory(name="Team Noord", visibility="private", closed_reason="x")
    member = MembershipFactory(space=team).user
    ask(team, member, "Komt er een dertiende maand?", ask_leadership=True)
    listing = reverse("forums:space", args=[board.slug]) + "?show=leadership"
    page = client.get(listing, **EN).content.decode()
    assert "Waarom verhuizen we naar Utrecht?" in page and "dertiende maand" not in page
    client.force_login(member)
    page = client.get(listing).content.decode()
    assert "dertiende maand" in page and "Team Noord" in page
    # The leadership tab exists only in the leadership's space; guests may not ask there.
    other = reverse("forums:space", args=[sales_space.slug]) + "?show=leadership"
    assert "Utrecht" not in client.get(other).content.decode()
    guest = UserFactory(org_role="guest")
    client.force_login(guest)
    response = client.post(
        reverse("forums:ask", args=[board.slug]),
        {"kind": "question", "title": "Gastvraag hier", "language": "nl", "ask_leadership": "on"},
    )
    assert response.status_code == 404
