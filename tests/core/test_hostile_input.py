"""No server error on any input (issue 20, "No 500 on any input"): NUL bytes and invalid UTF-8
in query strings, forms and JSON are refused with 400 before any view runs; JSON bodies of the
wrong type answer 400 with a clear message; oversized bodies answer 413 before they are read;
pictures that decode into too many pixels are refused; names with regex metacharacters are
mentioned like any other; every moderatable kind can be reported, hidden and restored. Each
refusal leaves nothing saved. Everything over HTTP against PostgreSQL and Redis."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from forums import services as forums
from forums.models import Topic
from gamification import services as gamification
from gamification.models import Story
from intranet.activity import services as activity
from intranet.activity.models import Post
from intranet.moderation import registry
from intranet.moderation.models import Report
from knowledge import services as knowledge
from knowledge.models import Collection
from processes import services as processes
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
UNSTORABLE = "cannot be stored"


@pytest.fixture
def space():
    return SpaceFactory(name="Werkplaats", slug="werkplaats")


@pytest.fixture
def member(client, space):
    person = MembershipFactory(space=space, role="owner", user=UserFactory(language="en")).user
    client.force_login(person)
    return person


# --- NUL bytes and invalid UTF-8 -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/search/?q=%00",
        "/api/people/?location=Utrecht%00",
        "/api/people/?location=%C0%80",  # an overlong NUL: invalid UTF-8
        "/api/search/?q=%ff",
        "/api/search/?q=%ED%A0%80",  # a UTF-16 surrogate encoded as UTF-8: invalid
        "/api/search/?q%00=x",
        "/api/topics/search/?q=btw+%00",
        "/api/nowhere/?q=%00",
    ],
)
def test_nul_and_invalid_utf8_in_an_api_query_answer_400_json(client, member, url):
    response = client.get(url, **EN)
    assert response.status_code == 400, url
    assert UNSTORABLE in response.json()["detail"]


@pytest.mark.parametrize(
    "url", ["/search/?q=%00", "/people/?location=x%00", "/search/?q=%fe", "/stories/?q=%00"]
)
def test_nul_and_invalid_utf8_in_a_page_query_show_the_400_page(client, member, url):
    response = client.get(url, **EN)
    assert response.status_code == 400, url
    assert UNSTORABLE in response.content.decode()


def test_ordinary_queries_still_work(client, member):
    assert client.get("/api/search/?q=Caf%C3%A9+%2B+b%C3%A8r").status_code == 200
    assert client.get("/search/?q=€%205").status_code == 200


def test_a_nul_or_invalid_utf8_in_a_form_is_refused_before_the_view(client, member, space):
    url = reverse("knowledge:new_collection", args=[space.slug])
    for body in ("name=Plan%00nen", "name=Plan%FFnen", "na%00me=Plannen", b"name=Plan\xffnen"):
        response = client.post(url, body, content_type="application/x-www-form-urlencoded", **EN)
        assert response.status_code == 400, body
        assert UNSTORABLE in response.content.decode()
    # multipart too
    response = client.post(url, {"name": "Plan\x00nen"}, **EN)
    assert response.status_code == 400 and UNSTORABLE in response.content.decode()
    assert not Collection.objects.exists()
    # The same answer for a space one cannot see or that does not exist: it says nothing
    # about the address, it is decided before the address is looked at.
    secret = SpaceFactory(visibility="secret", closed_reason="x")
    for slug in (secret.slug, "bestaat-niet"):
        url = reverse("knowledge:new_collection", args=[slug])
        assert client.post(url, {"name": "Plan\x00nen"}).status_code == 400
        assert client.post(url, {"name": "Plannen"}).status_code == 404
    assert not Collection.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        '{"body": "Hallo\\u0000"}',
        '{"body\\u0000": "Hallo"}',
        '{"body": ["a", {"b": "\\u0000"}]}',
        '{"body": "\\ud800"}',  # a lone surrogate cannot be written as UTF-8
        b'{"body": "caf\xe9"}',  # Latin-1, not UTF-8
    ],
)
def test_nul_and_invalid_unicode_in_json_answer_400(client, member, space, body):
    topic = forums.ask(author=member, space=space, kind="question", title="Hoe boek ik btw?")
    url = f"/api/topics/{topic.pk}/answers/"
    response = client.post(url, body, content_type="application/json", **EN)
    assert response.status_code == 400
    assert UNSTORABLE in response.json()["detail"]
    assert not topic.answers.exists()


def test_json_nested_too_deeply_answers_400_not_a_crash(client, member, space):
    topic = forums.ask(author=member, space=space, kind="question", title="Hoe boek ik btw?")
    url = f"/api/topics/{topic.pk}/answers/"
    body = '{"body": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(url, body, content_type="application/json", **EN)
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


# --- JSON of the wrong type ----------------------------------------------------------------


@pytest.fixture
def endpoints(member, space):
    """Every API write that reads its body as an object: (method, url)."""
    other = MembershipFactory(space=space).user
    topic = forums.ask(author=other, space=space, kind="question", title="Hoe boek ik btw?")
    answer = forums.answer(author=member, topic=topic, body="Zo doe je dat.")
    article = knowledge.publish(author=member, space=space, title="Draaibank", body="x")
    story = gamification.publish_story(
        author=member, space=space, title="Leads", challenge="a", approach="b", result="c"
    )
    board = processes.create_board(
        actor=member, space=space, name="Order tot levering", steps=[{"name": "Offerte"}]
    )
    card = processes.add_card(actor=member, board=board, title="Order 1042")
    return [
        ("post", f"/api/people/{other.pk}/endorsements/"),
        ("delete", f"/api/people/{other.pk}/endorsements/"),
        ("patch", "/api/me/"),
        ("put", "/api/notifications/preferences/"),
        ("post", f"/api/spaces/{space.slug}/topics/"),
        ("post", f"/api/topics/{topic.pk}/answers/"),
        ("post", f"/api/topics/{topic.pk}/accept/"),
        ("post", f"/api/answers/{answer.pk}/vote/"),
        ("patch", f"/api/answers/{answer.pk}/"),
        ("post", f"/api/spaces/{space.slug}/articles/"),
        ("patch", f"/api/articles/{article.pk}/"),
        ("post", f"/api/articles/{article.pk}/suggestions/"),
        ("post", "/api/stories/"),
        ("post", f"/api/boards/{board.pk}/cards/"),
        ("post", f"/api/boards/{board.pk}/pain-points/"),
        ("post", f"/api/cards/{card.pk}/move/"),
        ("post", f"/api/stories/{story.pk}/reuse/"),
    ]


@pytest.mark.parametrize("body", ['"x"', "[1, 2]", "12", "null", "true"])
def test_a_json_body_that_is_not_an_object_answers_400(client, endpoints, body):
    before = {model: model.objects.count() for model in (Topic, Story, Post, Report)}
    for method, url in endpoints:
        response = getattr(client, method)(url, body, content_type="application/json", **EN)
        assert response.status_code == 400, (method, url, response.status_code)
        detail = response.json()
        message = str(detail.get("detail") or detail.get("non_field_errors") or detail)
        assert "object" in message or "dictionary" in message, (method, url, detail)
    assert before == {model: model.objects.count() for model in (Topic, Story, Post, Report)}


def test_access_is_still_checked_before_the_body_type(client, member):
    secret = SpaceFactory(visibility="secret", closed_reason="x")
    hidden = MembershipFactory(space=secret).user
    topic = forums.ask(author=hidden, space=secret, kind="question", title="Geheime vraag")
    for url in (f"/api/topics/{topic.pk}/answers/", "/api/people/999999/endorsements/"):
        response = client.post(url, '"x"', content_type="application/json")
        assert response.status_code == 404, url


# --- Oversized bodies ----------------------------------------------------------------------


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(client, member, space):
    """The test client's input refuses to be read past what was sent: a claimed length
    that is larger must be answered from the header alone."""
    url = f"/api/spaces/{space.slug}/topics/"
    too_big = str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.generic(
        "POST", url, b"{}", content_type="application/json", CONTENT_LENGTH=too_big, **EN
    )
    assert response.status_code == 413 and "too large" in response.json()["detail"]
    form = reverse("knowledge:new_collection", args=[space.slug])
    response = client.generic(
        "POST", form, b"name=x", content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=too_big, **EN,
    )  # fmt: skip
    assert response.status_code == 413 and "too large" in response.content.decode()
    # Uploads may be larger (six story images of 5 MB), but not without bound.
    upload_limit = settings.PLEIN_REQUEST_MAX_MB * 1024 * 1024
    response = client.generic(
        "POST",
        f"/spaces/{space.slug}/stories/new/",
        b"--x--\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(upload_limit + 1),
        **EN,
    )
    assert response.status_code == 413 and "too large" in response.content.decode()
    assert not Topic.objects.exists() and not Collection.objects.exists()


def test_a_body_that_is_really_too_large_answers_413(client, member, space):
    body = '{"title": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"}'
    response = client.post(
        f"/api/spaces/{space.slug}/topics/", body, content_type="application/json", **EN
    )
    assert response.status_code == 413
    assert not Topic.objects.exists()


def test_the_proxy_limits_bodies_too():
    caddy = (settings.BASE_DIR / "deploy" / "Caddyfile").read_text()
    assert "request_body" in caddy and "max_size {$PLEIN_REQUEST_MAX_MB:32}MB" in caddy


# --- Decompression bombs -------------------------------------------------------------------


def _png_bomb(width: int, height: int) -> bytes:
    """A valid one-bit PNG of width x height black pixels: a few kB on disk, width x height
    x 3 bytes once decoded to RGB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    squeeze = zlib.compressobj(9)
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [10_000, 7_000])
def test_a_picture_with_too_many_pixels_is_refused_before_it_is_decoded(
    client, member, space, side
):
    # 100 or 49 megapixels: 300 or 147 MB as RGB, a few kB as a file. Pillow alone would
    # refuse only the first (above twice its limit) and only warn about the second.
    bomb = _png_bomb(side, side)
    assert len(bomb) < 100_000
    upload = SimpleUploadedFile("plaatje.png", bomb, content_type="image/png")
    response = client.post(
        reverse("governance:settings", args=[space.slug]),
        {"section": "image", "image": upload},
        **EN,
    )
    assert response.status_code in (200, 400)
    assert "megapixels" in response.content.decode()
    space.refresh_from_db()
    assert not space.image
    # A story with it saves nothing either.
    before = Story.objects.count()
    response = client.post(
        f"/spaces/{space.slug}/stories/new/",
        {"title": "Groot", "challenge": "a", "approach": "b", "result": "c",
         "images": SimpleUploadedFile("plaatje.png", bomb, content_type="image/png")},
        **EN,
    )  # fmt: skip
    assert response.status_code in (200, 400)
    assert "megapixels" in response.content.decode()
    assert Story.objects.count() == before


def test_an_ordinary_picture_is_still_accepted(client, member, space):
    buffer = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (2000, 1500), "teal").save(buffer, format="JPEG")
    upload = SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post(
        reverse("governance:settings", args=[space.slug]), {"section": "image", "image": upload}
    )
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.image


# --- Names with regex metacharacters --------------------------------------------------------


@pytest.mark.parametrize("first_name", ["Back\\slash", "\\1 \\g<0>", "Dollar$ (a|b)* [x]"])
def test_a_name_with_regex_metacharacters_is_mentioned_like_any_other(
    client, member, space, first_name
):
    named = MembershipFactory(
        space=space,
        user=UserFactory(
            first_name=first_name, last_name="Jansen", email="jan.jansen@plein.example"
        ),
    ).user
    response = client.post(
        reverse("activity:post_create"),
        {"space": space.slug, "body": "Vraag het @jan.jansen of @jan.jansen.", "next": "/"},
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.body_html.count(f'<a class="mention" href="/people/{named.pk}/"') == 2
    assert post.body_html.count(f">@{escape(named.display_name)}</a>") == 2
    # Forum answers mention too.
    topic = forums.ask(author=member, space=space, kind="question", title="Hoe boek ik btw?")
    response = client.post(
        f"/api/topics/{topic.pk}/answers/",
        {"body": "Vraag @jan.jansen"},
        content_type="application/json",
    )
    assert response.status_code == 201


def test_one_mention_does_not_rewrite_another_inside_its_link(client, member, space):
    MembershipFactory(space=space, user=UserFactory(email="bob@plein.example", first_name="B"))
    MembershipFactory(
        space=space,
        user=UserFactory(email="ann@plein.example", first_name="@bob", last_name="fan"),
    )
    client.post(
        reverse("activity:post_create"),
        {"space": space.slug, "body": "Hoi @ann en @bob", "next": "/"},
    )
    html = Post.objects.get().body_html
    # Two links side by side, neither inside the other.
    assert html.count('class="mention"') == 2 and html.count("</a>") == 2
    assert html.index("</a>") < html.index("<a", html.index("<a") + 1)
    assert ">@@bob fan</a>" in html


# --- Every moderatable kind: report, hide, restore -----------------------------------------


@pytest.fixture
def one_of_each(space, member):
    """One piece of content per registered moderation kind, by `author` in `space`."""
    author = MembershipFactory(space=space, role="owner", user=UserFactory(language="en")).user
    topic = forums.ask(author=author, space=space, kind="question", title="Hoe boek ik btw?")
    post = activity.create_post(author=member, space=space, body="Hallo allemaal")
    return author, {
        "forums.topic": topic,
        "forums.answer": forums.answer(author=author, topic=topic, body="Zo doe je dat."),
        "activity.comment": activity.add_comment(author=author, target=post, body="Leuk!"),
        "knowledge.article": knowledge.publish(
            author=author, space=space, title="Draaibank", body="Zo werkt hij."
        ),
        "gamification.story": gamification.publish_story(
            author=author, space=space, title="Twaalf leads", challenge="a", approach="b",
            result="c",
        ),
    }  # fmt: skip


def test_every_moderatable_kind_can_be_reported_hidden_and_restored(
    client, space, member, one_of_each
):
    author, content = one_of_each
    assert set(content) == {kind.key for kind in registry.kinds()}, "a kind without a test"
    reader = MembershipFactory(space=space, user=UserFactory(language="en")).user
    moderator = MembershipFactory(space=space, role="moderator").user
    for kind, target in content.items():
        query = f"?kind={kind}&object_id={target.pk}"
        client.force_login(reader)
        assert client.get(f"/moderation/report/{query}").status_code == 200, kind
        response = client.post(
            "/moderation/report/",
            {"kind": kind, "object_id": target.pk, "reason": "spam", "next": "/"},
        )
        assert response.status_code == 302, kind
        assert Report.objects.filter(kind=kind, object_id=target.pk, status="open").exists()
        client.force_login(moderator)
        assert client.get(f"/moderation/hide/{query}").status_code == 200, kind
        client.post(
            "/moderation/hide/", {"kind": kind, "object_id": target.pk, "reason": "Reclame hier"}
        )
        target.refresh_from_db()
        assert target.hidden_at is not None, kind
        assert not Report.objects.filter(kind=kind, object_id=target.pk, status="open").exists()
        # Hidden: the reader no longer sees it, nor finds anything to report.
        client.force_login(reader)
        assert client.get(f"/moderation/report/{query}").status_code == 404, kind
        if kind in ("forums.topic", "knowledge.article", "gamification.story"):
            assert client.get(target.get_absolute_url()).status_code == 404, kind
        client.force_login(moderator)
        assert client.get(f"/moderation/restore/{query}").status_code == 200, kind
        client.post(
            "/moderation/restore/", {"kind": kind, "object_id": target.pk, "reason": "Toch goed"}
        )
        target.refresh_from_db()
        assert target.hidden_at is None, kind
        # The author may delete their own.
        client.force_login(author)
        assert client.get(f"/moderation/delete/{query}").status_code == 200, kind
        client.post("/moderation/delete/", {"kind": kind, "object_id": target.pk})
        target.refresh_from_db()
        assert target.hidden_at is not None, kind


@pytest.mark.parametrize("object_id", ["²", "-1", "99999999999999999999999", "1.5", ""])
def test_odd_object_ids_answer_404(client, member, object_id):
    for kind in ("gamification.story", "knowledge.article", "nope"):
        query = {"kind": kind, "object_id": object_id}
        assert client.get("/moderation/report/", query).status_code == 404
        assert client.post("/moderation/report/", {**query, "reason": "spam"}).status_code == 404
        assert client.post("/moderation/hide/", {**query, "reason": "Reclame"}).status_code == 404


# --- Odd values where numbers and lists belong (found by a local fuzz of the API) -----------


@pytest.mark.parametrize(
    "url",
    [
        "/api/spaces/?limit=99999999999999999999",
        "/api/spaces/?offset=99999999999999999999",
        "/api/people/?page=²",
        "/api/people/?department=²",
        "/api/feed/?before=²",
        "/api/leaderboards/people/?department=²",
        "/?before=²",
    ],
)
def test_odd_numbers_in_a_query_are_no_server_error(client, member, url):
    assert client.get(url).status_code in (200, 400, 404), url


def test_a_number_where_a_list_belongs_answers_400(client, member, space):
    for field in ("skills", "ask_me_about", "languages"):
        response = client.patch("/api/me/", {field: 7}, content_type="application/json", **EN)
        assert response.status_code == 400, field
        assert "list" in str(response.json()[field])
    for url in (f"/api/spaces/{space.slug}/topics/", f"/api/spaces/{space.slug}/articles/"):
        body = {"title": "Hoe boek ik btw op export?", "body": "Zo.", "tags": 1.5}
        response = client.post(url, body, content_type="application/json", **EN)
        assert response.status_code == 400 and "list" in str(response.json()["tags"]), url
    assert not Topic.objects.exists()
