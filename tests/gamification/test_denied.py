"""The recognition and digest pages that other tests reach only as the allowed user: here as
someone who may not (404, nothing changes) and with bad input (a clear message)."""

import pytest

from gamification import services
from gamification.models import GameSettings, Privacy, StoryImage
from intranet.digests.models import OutboxMessage
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_switches_and_privacy_refuse_what_they_should(client):
    person = UserFactory()
    client.force_login(person)
    assert (
        client.post("/points/settings/", {"points_on": "", "leaderboards_on": ""}).status_code
        == 404
    )
    assert client.get("/points/rules/").status_code == 404
    assert GameSettings.objects.get(pk=1).points_on  # unchanged
    bad = client.post("/recognition/me/privacy/", {"visible": "maybe"}, follow=True, **EN)
    assert "Choose whether colleagues see your points." in bad.content.decode()
    assert not Privacy.objects.filter(user=person).exists()
    assert client.get("/recognition/badges/999999/").status_code == 404
    assert client.get("/recognition/badges/999999/edit/").status_code == 404


def test_a_private_storys_images_and_the_outbox_stay_closed(client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    secret = SpaceFactory(visibility="private", closed_reason="Deals")
    owner = MembershipFactory(space=secret, role="owner").user
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="PNG")
    story = services.publish_story(
        author=owner, space=secret, title="Deal", challenge="a", approach="b", result="c",
        images=[SimpleUploadedFile("d.png", buffer.getvalue(), "image/png")], image_alts=["x"],
    )  # fmt: skip
    image = StoryImage.objects.get(story=story)
    client.force_login(owner)
    assert client.get(image.get_absolute_url()).status_code == 200
    client.force_login(UserFactory())
    assert client.get(image.get_absolute_url()).status_code == 404
    assert client.get(f"/stories/{story.pk}/images/999999/").status_code == 404
    message = OutboxMessage.objects.create(to="a@example.org", subject="Geheim", text="x")
    assert client.get(f"/digests/outbox/{message.pk}/").status_code == 404
    assert client.get(f"/digests/outbox/{message.pk}/?part=html").status_code == 404
