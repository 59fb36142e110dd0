"""Mentoring from offer to pair over HTTP, and the profile API."""

import pytest
from django.urls import reverse

from intranet.activity.models import Notification
from profiles.models import MentoringOffer, MentoringPair
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def offer(client, **data):
    return client.post(reverse("profiles:mentoring"), {"action": "offer", **data}, **EN)


def test_mentoring_match_flow_from_offer_to_a_pair_on_both_profiles(
    client, django_capture_on_commit_callbacks
):
    it, finance = DepartmentFactory(name="IT"), DepartmentFactory(name="Financiën")
    junior = UserFactory(first_name="Stijn", last_name="Dekkers", department=it, language="en")
    director = UserFactory(first_name="Annelies", last_name="Vries", department=finance)
    same_department = UserFactory(first_name="Femke", last_name="Jong", department=it)
    client.force_login(junior)
    assert offer(client, role="mentor", skill="Microsoft 365", reverse="on").status_code == 302
    client.force_login(same_department)
    offer(client, role="mentee", skill="microsoft 365")
    client.force_login(director)
    offer(client, role="mentee", skill="Microsoft 365", note="Teams en OneDrive")
    # The junior's offer suggests both, the other department first.
    client.force_login(junior)
    page = client.get(reverse("profiles:mentoring"), **EN).content.decode()
    assert page.index("Annelies Vries") < page.index("Femke Jong")
    mine = MentoringOffer.objects.get(person=junior)
    theirs = MentoringOffer.objects.get(person=director)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("profiles:mentoring"),
            {"action": "propose", "offer": mine.pk, "match": theirs.pk},
        )
    pair = MentoringPair.objects.get()
    assert (pair.mentor, pair.mentee, pair.status, pair.reverse) == (
        junior,
        director,
        "proposed",
        True,
    )
    assert Notification.objects.get(recipient=director).params["state"] == "proposed"
    # The proposer cannot accept their own proposal; a third person cannot see it.
    response = client.post(reverse("profiles:mentoring"), {"action": "accept", "pair": pair.pk})
    assert response.status_code == 404
    client.force_login(same_department)
    response = client.post(reverse("profiles:mentoring"), {"action": "accept", "pair": pair.pk})
    assert response.status_code == 404
    client.force_login(director)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("profiles:mentoring"), {"action": "accept", "pair": pair.pk})
    pair.refresh_from_db()
    assert pair.status == "active"
    assert Notification.objects.get(recipient=junior).params["state"] == "accepted"
    response = client.post(reverse("profiles:mentoring"), {"action": "decline", "pair": pair.pk})
    assert response.status_code == 400  # answered already
    for person in (junior, director):
        page = client.get(reverse("profiles:person", args=[person.pk]), **EN).content.decode()
        assert "on Microsoft 365" in page and "reverse mentoring" in page
    # Proposing the same pair again is refused while it is active.
    client.force_login(junior)
    response = client.post(
        reverse("profiles:mentoring"), {"action": "propose", "offer": mine.pk, "match": theirs.pk}
    )
    assert response.status_code == 400
    assert MentoringPair.objects.count() == 1


def test_mentoring_bad_input_is_refused_and_nothing_is_saved(client):
    person = UserFactory(language="en")
    client.force_login(person)
    response = offer(client, role="mentor", skill="x" * 500)
    assert response.status_code == 400
    assert "A skill is at most 60 characters." in response.content.decode()
    response = offer(client, role="boss", skill="Lean")
    assert "Choose whether you offer or seek mentoring." in response.content.decode()
    assert offer(client, role="mentor", skill="").status_code == 400
    assert not MentoringOffer.objects.exists()
    offer(client, role="mentor", skill="Lean")
    response = offer(client, role="mentor", skill="lean")
    assert "You already listed this." in response.content.decode()
    other = MentoringOffer.objects.create(
        person=UserFactory(), skill=MentoringOffer.objects.get().skill, role="mentor"
    )
    mine = MentoringOffer.objects.get(person=person)
    response = client.post(
        reverse("profiles:mentoring"), {"action": "propose", "offer": mine.pk, "match": other.pk}
    )
    assert response.status_code == 400  # two mentors do not make a pair
    response = client.post(reverse("profiles:mentoring"), {"action": "withdraw", "offer": other.pk})
    assert response.status_code == 404  # not mine
    assert client.post(reverse("profiles:mentoring"), {"action": "nonsense"}).status_code == 400
    assert not MentoringPair.objects.exists()


def test_me_api_reads_and_updates_my_profile_only_with_valid_input(client):
    person = UserFactory(first_name="Eva", last_name="Bos", language="en")
    client.force_login(person)
    me = client.get("/api/me/").json()
    assert me["display_name"] == "Eva Bos" and me["is_administrator"] is False
    response = client.patch(
        "/api/me/",
        {"job_title": "Contentmarketeer", "skills": ["SEO", "Schrijven"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert sorted(response.json()["skills"]) == ["SEO", "Schrijven"]
    response = client.patch(
        "/api/me/",
        {"job_title": "Hoofd", "skills": ["y" * 500]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "skills" in response.json()
    response = client.patch(
        "/api/me/", {"org_role": "administrator"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["org_role"] == ["This field cannot be changed here."]
    response = client.patch("/api/me/", ["nope"], content_type="application/json")
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.job_title == "Contentmarketeer" and person.org_role == "employee"
    client.logout()
    assert client.get("/api/me/").status_code in (401, 403)


def test_mentoring_buttons_with_odd_ids_answer_404_and_save_nothing(client):
    client.force_login(UserFactory(language="en"))
    url = reverse("profiles:mentoring")
    for data in (
        {"action": "withdraw", "offer": "abc"},
        {"action": "propose", "offer": "1e5", "match": ""},
        {"action": "accept", "pair": "99999999999999999999"},
        {"action": "end"},
    ):
        assert client.post(url, data).status_code == 404, data
    assert client.post(url, {}).status_code == 400
    assert not MentoringOffer.objects.exists() and not MentoringPair.objects.exists()
