"""A badge limited to one space speaks of that space's work: only those who may read the
space see it, on every page that lists badges."""

import pytest
from django.urls import reverse

from gamification.models import Badge, BadgeAward
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_badge():
    space = SpaceFactory(name="Overname", visibility="secret", closed_reason="x")
    member = UserFactory(first_name="Mira", language="en")
    MembershipFactory(space=space, user=member)
    badge = Badge.objects.create(
        name="Deal maker ZQXBADGE", name_nl="Dealmaker ZQXBADGE",
        deed="answer_accepted", bronze=1, space=space,
    )  # fmt: skip
    BadgeAward.objects.create(user=member, badge=badge, tier=1)
    return space, member, badge


def test_an_outsider_never_sees_a_secret_space_s_badge(client, secret_badge):
    _space, member, badge = secret_badge
    client.force_login(UserFactory(language="en"))
    assert client.get(reverse("gamification:badge", args=[badge.pk])).status_code == 404
    missing = client.get(reverse("gamification:badge", args=[badge.pk + 1000]))
    assert missing.status_code == 404
    for url in (
        reverse("gamification:badges"),
        reverse("gamification:mine"),
        "/api/badges/",
        reverse("profiles:person", args=[member.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "ZQXBADGE" not in response.content.decode(), url


def test_members_of_the_space_see_it(client, secret_badge):
    _space, member, badge = secret_badge
    client.force_login(member)
    assert client.get(reverse("gamification:badge", args=[badge.pk])).status_code == 200
    assert "ZQXBADGE" in client.get(reverse("gamification:badges")).content.decode()
    assert any(row["badge"] == badge.pk for row in client.get("/api/me/badges/").json()["results"])
