"""Space images: validated by decoding, re-encoded without metadata, served behind the
space's own visibility check."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from intranet.governance.models import AuditEntry
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "orange")
    exif = Image.Exif()
    exif[0x8825] = {2: (52.0, 22.0, 0.0)}  # GPSInfo: a latitude near Amsterdam
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def owner_space(client):
    space = SpaceFactory(visibility="private", closed_reason="x")
    owner = UserFactory(language="en")
    MembershipFactory(space=space, user=owner, role="owner")
    client.force_login(owner)
    return space


def upload(client, space, name, data):
    return client.post(
        reverse("governance:settings", args=[space.slug]),
        {"section": "image", "image": SimpleUploadedFile(name, data)},
    )


def test_image_is_re_encoded_without_metadata_and_served_to_members(client, owner_space):
    response = upload(client, owner_space, "team.jpg", jpeg_with_gps())
    assert response.status_code == 302
    owner_space.refresh_from_db()
    served = client.get(reverse("governance:image", args=[owner_space.slug]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    data = b"".join(served.streaming_content)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "WEBP"
        assert image.size == (40, 30)
        assert 0x8825 not in image.getexif()  # the GPS position is gone
    assert AuditEntry.objects.filter(action="space.image_changed").exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("evil.png", b"<?php system($_GET['c']); ?>", "not an image we can read"),
        ("empty.png", b"", "Choose an image"),
        ("huge.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), "larger than 5 MB"),
    ],
)
def test_files_that_are_not_images_are_refused(client, owner_space, name, data, message):
    response = upload(client, owner_space, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    owner_space.refresh_from_db()
    assert not owner_space.image


def test_image_follows_the_space_visibility(client, owner_space):
    upload(client, owner_space, "team.jpg", jpeg_with_gps())
    secret = SpaceFactory(visibility="secret")
    MembershipFactory(space=secret, user=owner_space.memberships.get().user, role="owner")
    upload(client, secret, "s.jpg", jpeg_with_gps())
    client.force_login(UserFactory())
    # Private: the space is listed, so its picture may show in the directory.
    assert client.get(reverse("governance:image", args=[owner_space.slug])).status_code == 200
    assert client.get(reverse("governance:image", args=[secret.slug])).status_code == 404


def test_members_without_settings_rights_cannot_upload(client, owner_space):
    member = UserFactory()
    MembershipFactory(space=owner_space, user=member, role="member")
    client.force_login(member)
    assert upload(client, owner_space, "x.jpg", jpeg_with_gps()).status_code == 404
