"""Knowledge attachments (validated by content), exports (Markdown, printable) that show only
what one may read, and the API (same services, same 404s, conflicts as 409)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knowledge import services
from knowledge.models import Attachment, Suggestion
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def space():
    return SpaceFactory(name="IT", slug="it")


@pytest.fixture
def owner(space):
    return MembershipFactory(space=space, user=UserFactory(language="en")).user


@pytest.fixture
def article(space, owner):
    return services.publish(author=owner, space=space, title="Printers", body="## Tweede\n\nZo.")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, article, name, content, content_type="application/octet-stream"):
    return client.post(
        reverse("knowledge:upload", args=[article.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        follow=True,
        **EN,
    )


def test_attachments_are_accepted_by_content_and_served_only_to_readers(
    client, space, owner, article, settings
):
    client.force_login(owner)
    for name, content in (
        ("plan.png", png()),
        ("handleiding.pdf", b"%PDF-1.7\n..."),
        ("instructie.docx", docx()),
        ("lijst.csv", b"naam;afdeling\n"),
    ):
        page = upload(client, article, name, content).content.decode()
        assert "Attached." in page, name
    assert sorted(Attachment.objects.values_list("name", "content_type")) == [
        ("handleiding.pdf", "application/pdf"),
        ("instructie.docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("lijst.csv", "text/csv; charset=utf-8"),
        ("plan.png", "image/png"),
    ]  # fmt: skip
    picture = Attachment.objects.get(name="plan.png")
    response = client.get(picture.get_absolute_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == png()
    assert "attachment" not in response.get("Content-Disposition", "")
    pdf = Attachment.objects.get(name="handleiding.pdf")
    assert client.get(pdf.get_absolute_url())["Content-Disposition"].startswith("attachment")
    # Outsiders of a private space get 404; readers of the open space may download.
    client.force_login(UserFactory())
    assert client.get(pdf.get_absolute_url()).status_code == 200
    space.visibility, space.closed_reason = "private", "x"
    space.save(update_fields=["visibility", "closed_reason"])
    assert client.get(pdf.get_absolute_url()).status_code == 404
    # Non-editors cannot upload or remove.
    client.force_login(MembershipFactory(space=space, role="reader").user)
    assert upload(client, article, "x.pdf", b"%PDF-1.4").status_code == 404
    response = client.post(reverse("knowledge:remove_file", args=[pdf.pk]))
    assert response.status_code == 404 and Attachment.objects.count() == 4


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.pdf", b"<html><script>alert(1)</script></html>", "Upload a PDF, picture"),
        ("logo.svg", b"<svg onload=alert(1)></svg>", "Upload a PDF, picture"),
        ("photo.png", b"%PDF-1.4 not a png", "its name must match what it is"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", "Upload a PDF, picture"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "This picture cannot be read."),
        ("empty.txt", b"", "Choose a file to upload."),
    ],
)
def test_attachments_refused_by_content_and_nothing_is_stored(
    client, owner, article, name, content, message, settings
):
    client.force_login(owner)
    assert message in upload(client, article, name, content).content.decode()
    assert not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "knowledge").exists()


def test_a_50_mb_attachment_is_refused(client, owner, article, settings):
    client.force_login(owner)
    # Larger than any upload may be (PLEIN_REQUEST_MAX_MB): refused before it is read.
    page = upload(client, article, "groot.pdf", b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024))
    assert page.status_code == 413 and "The request is too large" in page.content.decode()
    # Within the request limit but above the attachment limit: the attachment's own message.
    page = upload(client, article, "groot.pdf", b"%PDF-1.7\n" + b"0" * (25 * 1024 * 1024))
    assert "The file is larger than 20 MB." in page.content.decode()
    assert not Attachment.objects.exists()


def test_exports_contain_only_what_the_reader_may_read(client, space, owner, article):
    from knowledge.models import Collection

    shelf = Collection.objects.create(space=space, name="Werkplek")
    article.collection = shelf
    article.save(update_fields=["collection"])
    services.publish(author=owner, space=space, title="Wifi", body="Kies *Gasten*.",
                     collection=shelf)  # fmt: skip
    client.force_login(MembershipFactory(space=space).user)
    response = client.get(reverse("knowledge:export", args=[article.pk, "md"]))
    assert response["Content-Disposition"] == 'attachment; filename="printers.md"'
    assert response.content.decode().startswith("# Printers\n")
    collection = client.get(
        reverse("knowledge:export_collection", args=[space.slug, shelf.pk, "md"])
    ).content.decode()
    assert "# Printers" in collection and "# Wifi" in collection
    printable = client.get(reverse("knowledge:export", args=[article.pk, "print"])).content
    assert b'<h3 id="tweede">Tweede</h3>' in printable
    assert client.get(reverse("knowledge:export", args=[article.pk, "exe"])).status_code == 404
    secret = SpaceFactory(visibility="secret", closed_reason="x", slug="geheim")
    hidden = services.publish(author=MembershipFactory(space=secret).user, space=secret,
                              title="Geheim", body="Niet voor jou.")  # fmt: skip
    for url in (
        reverse("knowledge:export", args=[hidden.pk, "md"]),
        reverse("knowledge:export", args=[hidden.pk, "print"]),
        reverse("knowledge:export_collection", args=["geheim", shelf.pk, "md"]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_api_saves_revisions_reports_conflicts_and_decides_suggestions(
    client, space, owner, article
):
    client.force_login(owner)
    response = client.patch(
        f"/api/articles/{article.pk}/", {"base": 1, "body": "## Tweede\n\nZo, of zo."},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["revision"] == 2
    response = client.patch(
        f"/api/articles/{article.pk}/", {"base": 1, "body": "Oud"}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["current_revision"] == 2
    assert {row["kind"] for row in response.json()["diff"]} >= {"changed"}
    response = client.get(f"/api/articles/{article.pk}/diff/", {"old": 1, "new": 2})
    assert response.json()["counts"] == {"added": 1, "removed": 1}
    revisions = client.get(f"/api/articles/{article.pk}/revisions/", {"limit": 1}).json()
    assert revisions["count"] == 2 and [r["number"] for r in revisions["results"]] == [2]
    assert client.get(f"/api/articles/{article.pk}/diff/", {"old": "x"}).status_code == 400
    response = client.patch(
        f"/api/articles/{article.pk}/",
        {"base": "2", "body": "Derde"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "base" in response.json()
    reader = MembershipFactory(space=space, role="reader").user
    client.force_login(reader)
    response = client.post(
        f"/api/articles/{article.pk}/suggestions/", {"base": 2, "body": "Beter", "note": "Kort"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    made = Suggestion.objects.get()
    response = client.post(f"/api/suggestions/{made.pk}/decide/", {"decision": "accept"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 404
    client.force_login(owner)
    response = client.post(f"/api/suggestions/{made.pk}/decide/", {"decision": "maybe"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    response = client.post(f"/api/suggestions/{made.pk}/decide/", {"decision": "accept"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    article.refresh_from_db()
    assert article.body == "Beter" and article.revisions.first().author == reader
    hits = client.get("/api/articles/search/", {"q": "beter"}).json()["results"]
    assert [h["id"] for h in hits] == [article.pk] and "<mark>" in hits[0]["snippet_html"]
    listed = client.get(f"/api/spaces/{space.slug}/articles/").json()
    assert [a["id"] for a in listed["results"]] == [article.pk]
    assert client.get("/api/articles/search/", {"q": ""}).status_code == 400
    outsider_space = SpaceFactory(visibility="secret", closed_reason="x")
    assert client.get(f"/api/spaces/{outsider_space.slug}/articles/").status_code == 404
