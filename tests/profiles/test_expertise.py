"""Who knows about a topic: ranking by evidence, the reasons shown, endorsements, and the
extension point other apps use (a provider registered here, as forums will)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from intranet.activity.models import Notification
from profiles import expertise, selectors, services
from profiles.models import Endorsement, Evidence
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def answers_provider():
    """Stands in for forums: a provider of accepted answers, weight 3."""

    def describe(count, examples, topic):
        text = ngettext("%(n)d accepted answer on %(t)s", "%(n)d accepted answers on %(t)s", count)
        return text % {"n": count, "t": topic}

    before = expertise.providers().get("answers")
    expertise.register(expertise.Provider("answers", 3.0, describe))
    yield
    # The forums' own provider comes back: later tests (the demo) refresh its evidence.
    expertise.unregister("answers")
    if before is not None:
        expertise.register(before)


@pytest.fixture
def reader(client):
    person = UserFactory(language="en")
    client.force_login(person)
    return person


def test_people_are_ranked_by_evidence_with_the_reasons_why(client, reader, answers_provider):
    # Known order: Sanne (4 recent answers + skill) > Piet (2 answers, 2 endorsements, skill)
    # > Kees (skill + 1 endorsement) > Joost (only a skill) ; Oud (answers 3 years ago) last
    # but one: evidence loses half its weight every year.
    sanne = UserFactory(first_name="Sanne", last_name="Hendriks")
    piet = UserFactory(first_name="Piet", last_name="Post")
    kees = UserFactory(first_name="Kees", last_name="Jacobs")
    joost = UserFactory(first_name="Joost", last_name="Smit")
    oud = UserFactory(first_name="Oud", last_name="Gediende")
    UserFactory(first_name="Niet", last_name="Relevant")
    for person in (sanne, piet, kees, joost):
        services.update_profile(actor=person, person=person, data={"skills": ["BTW"]})
    for n in range(4):
        services.record_evidence(
            person_id=sanne.pk,
            topic="btw",
            source="answers",
            example={"title": f"BTW bij export {n}", "url": "/q/1"},
        )
    for _ in range(2):
        services.record_evidence(person_id=piet.pk, topic="BTW", source="answers")
    for endorser in (UserFactory(), UserFactory()):
        services.endorse(endorser=endorser, person=piet, skill_slug="btw")
    services.endorse(endorser=UserFactory(), person=kees, skill_slug="btw")
    for _ in range(4):
        services.record_evidence(
            person_id=oud.pk,
            topic="btw",
            source="answers",
            at=timezone.now() - timedelta(days=3 * 365),
        )
    Evidence.objects.filter(person=oud).update(last_at=timezone.now() - timedelta(days=3 * 365))
    with translation.override("en"):
        ranked = selectors.experts(viewer=reader, topic="btw", topic_name="BTW")
    assert [e.person for e in ranked] == [sanne, piet, kees, joost, oud]
    assert ranked[0].reasons == ["4 accepted answers on BTW", "Lists BTW as a skill"]
    page = client.get(reverse("profiles:expertise"), {"topic": "btw"}, **EN).content.decode()
    assert page.index("Sanne Hendriks") < page.index("Piet Post") < page.index("Kees Jacobs")
    assert "Endorsed for BTW by 2 colleagues" in page
    assert "Niet Relevant" not in page
    api = client.get("/api/expertise/", {"topic": "BTW"}).json()
    assert [row["person"]["id"] for row in api] == [p.pk for p in (sanne, piet, kees, joost, oud)]
    assert api[1]["why"][0] == "2 accepted answers on BTW"


def test_expertise_finder_bad_input_and_empty_topics(client, reader):
    assert client.get("/api/expertise/").status_code == 400
    assert client.get("/api/expertise/", {"topic": "x" * 61}).status_code == 400
    assert client.get("/api/expertise/", {"topic": "onbekend"}).json() == []
    page = client.get(reverse("profiles:expertise"), {"topic": "onbekend"}, **EN)
    assert "Nobody has shown anything on “onbekend” yet." in page.content.decode()
    with pytest.raises(ValueError):
        services.record_evidence(person_id=reader.pk, topic="btw", source="nonsense")


def test_a_rebuild_gives_the_same_evidence_as_the_live_updates(reader):
    person = UserFactory()
    services.update_profile(actor=person, person=person, data={"skills": ["Lean", "Excel"]})
    services.endorse(endorser=reader, person=person, skill_slug="lean")
    live = sorted(Evidence.objects.values_list("person_id", "topic", "source", "count"))
    Evidence.objects.all().delete()
    assert services.rebuild_evidence() == 3
    rebuilt = sorted(Evidence.objects.values_list("person_id", "topic", "source", "count"))
    assert rebuilt == live


def test_endorsing_notifies_counts_and_refuses_bad_input(client, reader, captured_events):
    person = UserFactory()
    services.update_profile(actor=person, person=person, data={"skills": ["Python"]})
    url = reverse("profiles:endorse", args=[person.pk])
    with captured_events() as seen:
        client.post(url, {"skill": "python"})
    assert Endorsement.objects.filter(endorser=reader, person=person).count() == 1
    assert seen == [
        {
            "type": "SkillEndorsed",
            "endorser_id": reader.pk,
            "person_id": person.pk,
            "skill": "Python",
        }
    ]
    assert Notification.objects.get(recipient=person).kind == "endorsement"
    assert Evidence.objects.get(person=person, source="endorsement").count == 1
    # Twice, a skill they do not list, and oneself: refused with a message, nothing saved.
    response = client.post(f"/api/people/{person.pk}/endorsements/", {"skill": "python"})
    assert response.status_code == 400
    assert response.json()["skill"] == ["You already endorsed this skill."]
    response = client.post(f"/api/people/{person.pk}/endorsements/", {"skill": "cobol"})
    assert response.json()["skill"] == ["Endorse a skill this person lists."]
    services.update_profile(actor=reader, person=reader, data={"skills": ["Python"]})
    response = client.post(f"/api/people/{reader.pk}/endorsements/", {"skill": "python"})
    assert response.json()["skill"] == ["You cannot endorse yourself."]
    assert Endorsement.objects.count() == 1
    # Withdrawing takes the evidence back.
    assert client.delete(f"/api/people/{person.pk}/endorsements/?skill=python").status_code == 204
    assert not Evidence.objects.filter(person=person, source="endorsement").exists()
    assert client.delete(f"/api/people/{person.pk}/endorsements/?skill=python").status_code == 404
    assert client.post("/api/people/999999/endorsements/", {"skill": "x"}).status_code == 404


def test_guests_may_not_endorse_nor_query_expertise(client):
    guest = UserFactory(org_role="guest")
    client.force_login(guest)
    assert client.get("/api/expertise/", {"topic": "btw"}).status_code == 404
    assert client.post(reverse("profiles:endorse", args=[guest.pk])).status_code in (302, 404)
    assert not Endorsement.objects.exists()


def test_expertise_costs_three_queries_whatever_the_number_of_experts(
    reader, query_budget, answers_provider
):
    people = [UserFactory() for _ in range(25)]
    for person in people:
        services.record_evidence(person_id=person.pk, topic="lean", source="answers")
    with query_budget(4), translation.override("en"):
        ranked = selectors.experts(viewer=reader, topic="lean", topic_name="Lean")
        assert len(ranked) == selectors.EXPERTS_LIMIT
        assert all(expert.reasons == ["1 accepted answer on Lean"] for expert in ranked)


def test_an_endorsement_is_withdrawn_with_the_skill_in_the_body_too(client, reader):
    person = UserFactory()
    services.update_profile(actor=person, person=person, data={"skills": ["Python"]})
    url = f"/api/people/{person.pk}/endorsements/"
    assert client.post(url, {}, content_type="application/json").status_code == 400
    assert client.post(url, {"skill": "python"}, content_type="application/json").status_code == 201
    answer = client.delete(url, {"skill": "python"}, content_type="application/json")
    assert answer.status_code == 204 and not Endorsement.objects.exists()
    assert client.get("/api/expertise/", {"topic": "   "}).status_code == 400
