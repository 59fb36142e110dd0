"""Badges are data: what they count, tiers, a period, a space. Earned by the event handlers
after commit, once per tier, with a notification; administrators define them and bad criteria
are refused whole."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gamification import services
from gamification.models import Badge, BadgeAward, Deed
from intranet.activity.models import Notification
from intranet.governance.models import AuditEntry
from tests.factories import AdminFactory, MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def forum():
    space = SpaceFactory(name="Financiën")
    asker = MembershipFactory(space=space).user
    helper = MembershipFactory(space=space, user=UserFactory(language="en")).user
    return space, asker, helper


def answer_questions(space, asker, helper, n, capture):
    from forums import services as forums

    answers = []
    for i in range(n):
        with capture(execute=True):
            topic = forums.ask(author=asker, space=space, kind="question", title=f"Vraag {i}?")
        with capture(execute=True):
            answers.append(forums.answer(author=helper, topic=topic, body=f"Antwoord {i}"))
    return answers


def tiers(user, badge) -> list[int]:
    return sorted(BadgeAward.objects.filter(user=user, badge=badge).values_list("tier", flat=True))


def test_tiers_are_awarded_once_each_with_a_notification(
    client, forum, django_capture_on_commit_callbacks
):
    space, asker, helper = forum
    helping = Badge.objects.get(name="Helping hand")  # bronze 1, silver 10, gold 50
    Badge.objects.filter(pk=helping.pk).update(silver=3, gold=5)
    services.forget_settings(everywhere=True)  # badges are cached; the ORM went around that
    answers = answer_questions(space, asker, helper, 3, django_capture_on_commit_callbacks)
    assert tiers(helper, helping) == [1, 2]
    assert tiers(asker, helping) == []  # asking is not answering
    # Two tiers, two notifications; the text names the badge in the reader's language.
    assert Notification.objects.filter(recipient=helper, kind="badge").count() == 2
    client.force_login(helper)
    bell = client.get("/notifications/", **EN).content.decode()
    assert "You earned the badge Helping hand" in bell and "(silver)" in bell
    # A replayed event changes nothing: the deed is recorded once.
    assert (
        services.record_deed(
            user_id=helper.pk, kind="answer_posted", event_key=f"answer:{answers[0].pk}"
        )
        == []
    )
    assert Deed.objects.filter(user=helper, kind="answer_posted").count() == 3
    # The badge page lists holders by tier.
    page = client.get(f"/recognition/badges/{helping.pk}/", **EN).content.decode()
    assert "Silver" in page and "Bronze" in page


def test_a_period_a_space_and_hidden_content_limit_what_counts(
    forum, django_capture_on_commit_callbacks
):
    space, asker, helper = forum
    Badge.objects.update(active=False)
    recent = Badge.objects.create(
        name="Quick", name_nl="Snel", deed="answer_posted", bronze=3, period_days=7
    )
    elsewhere = Badge.objects.create(
        name="Elsewhere", name_nl="Elders", deed="answer_posted", bronze=1, space=SpaceFactory()
    )
    services.forget_settings(everywhere=True)
    answers = answer_questions(space, asker, helper, 2, django_capture_on_commit_callbacks)
    # Two answers from last month do not count towards "3 within 7 days".
    Deed.objects.filter(user=helper).update(created_at=timezone.now() - timedelta(days=30))
    more = answer_questions(space, asker, helper, 2, django_capture_on_commit_callbacks)
    assert tiers(helper, recent) == []
    assert tiers(helper, elsewhere) == []  # answers in another space
    # A hidden answer stops counting; the third recent one then still does not make three.
    from intranet.moderation import services as moderation

    moderator = MembershipFactory(space=space, role="moderator").user
    with django_capture_on_commit_callbacks(execute=True):
        moderation.hide(
            actor=moderator, kind="forums.answer", object_id=more[0].pk, reason="Niet relevant"
        )
    answer_questions(space, asker, helper, 1, django_capture_on_commit_callbacks)
    assert tiers(helper, recent) == []
    with django_capture_on_commit_callbacks(execute=True):
        moderation.restore(
            actor=moderator, kind="forums.answer", object_id=more[0].pk, reason="Toch relevant"
        )
    # Restored, it counts again: three recent answers make the badge at once.
    assert tiers(helper, recent) == [1]
    answer_questions(space, asker, helper, 1, django_capture_on_commit_callbacks)
    assert tiers(helper, recent) == [1]
    assert len(answers) == 2


def test_administrators_define_badges_and_bad_criteria_save_nothing(client):
    url = "/recognition/badges/new/"
    good = {"name": "Night owl", "name_nl": "Nachtuil", "deed": "question_asked",
            "bronze": "2", "silver": "4", "gold": "", "period_days": "", "active": "1"}  # fmt: skip
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, good).status_code == 404
    assert not Badge.objects.filter(name="Night owl").exists()
    admin = AdminFactory()
    client.force_login(admin)
    unknown = client.post(url, {**good, "deed": "likes_given"}, **EN)
    assert unknown.status_code == 400
    assert "&#x27;likes_given&#x27; is not known" in unknown.content.decode()
    falling = client.post(url, {**good, "bronze": "5", "silver": "3"}, **EN)
    assert (
        falling.status_code == 400 and "each higher than the one before" in falling.content.decode()
    )
    negative = client.post(url, {**good, "bronze": "-1"}, **EN)
    assert negative.status_code == 400
    no_space = client.post(url, {**good, "space": "999999"}, **EN)
    assert no_space.status_code == 400 and "This space does not exist." in no_space.content.decode()
    assert not Badge.objects.filter(name="Night owl").exists()
    saved = client.post(url, good)
    badge = Badge.objects.get(name="Night owl")
    assert saved.status_code == 302 and (badge.bronze, badge.silver, badge.gold) == (2, 4, None)
    assert AuditEntry.objects.filter(action="badge.save", actor=admin).count() == 1
    # In Dutch the badge shows its Dutch name.
    assert (
        "Nachtuil" in client.get("/recognition/badges/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    )
    # Over the API: the list of badges.
    names = [b["name"] for b in client.get("/api/badges/", **EN).json()["results"]]
    assert "Night owl" in names


def test_recognition_pages_cost_the_same_with_little_or_much_data(client):
    """My points and badges, a badge's holders, ambassadors and challenges: the same number of
    queries with a handful of deeds, awards and people, or thousands."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gamification.models import Challenge, ChallengeEntry, ChallengeStep

    admin = AdminFactory()
    badge = Badge.objects.get(name="Helping hand")
    today = timezone.localdate()
    challenge = Challenge.objects.create(
        title="Welkom", starts_on=today, ends_on=today + timedelta(days=7)
    )
    ChallengeStep.objects.create(challenge=challenge, deed="answer_posted", count=3)
    ChallengeEntry.objects.create(challenge=challenge, user=admin)
    urls = [
        "/recognition/me/",
        f"/recognition/badges/{badge.pk}/",
        "/recognition/badges/",
        "/ambassadors/",
        "/recognition/challenges/",
    ]

    def grow(n: int) -> None:
        people = [UserFactory() for _ in range(n)]
        for person in people:
            services.set_visibility(user=person, visible=True)
            BadgeAward.objects.create(user=person, badge=badge, tier=1)
        Deed.objects.bulk_create(
            Deed(user=admin, kind="answer_posted", event_key=f"bulk:{n}:{i}") for i in range(n * 20)
        )

    def counts() -> list[int]:
        found = []
        for url in urls:
            client.get(url, **EN)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, **EN).status_code == 200, url
            found.append(len(queries))
        return found

    client.force_login(admin)
    grow(2)
    small = counts()
    grow(60)
    assert counts() == small
