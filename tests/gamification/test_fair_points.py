"""Fair points (issue 20): every rule has a daily cap and the Nth award under it pays while the
N+1th does not; content only its author's own private circle can see pays nothing; accepts
between the same two people are capped per week, both directions together; people tagged in
a story are paid once and only when they may read it; the ledger only grows (reversals)."""

import pytest

from gamification import defaults, selectors, services
from gamification.models import LedgerEntry, PointRule, Story
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

STORY = {
    "title": "Offertes in een dag",
    "challenge": "Offertes duurden een week.",
    "approach": "Een sjabloon in Plein.",
    "result": "Nu binnen een dag.",
}


def total(user) -> int:
    return selectors.total_of(user_id=user.pk)


def test_every_rule_has_a_daily_cap_and_the_paired_ones_a_cap_per_pair():
    """The data migration gave the rules without a cap one (stories and accepts had none)."""
    rules = {rule.key: rule for rule in PointRule.objects.all()}
    assert set(rules) == set(defaults.RULES)
    assert all(rule.daily_cap for rule in rules.values())
    assert rules["story_published"].daily_cap == 40
    assert rules["answer_accepted"].daily_cap == 60
    assert {key for key, rule in rules.items() if rule.pair_cap} == set(defaults.PAIR_CAPS)


@pytest.mark.parametrize("key", sorted(defaults.RULES))
def test_the_nth_award_of_a_day_pays_and_the_next_does_not(key):
    person = UserFactory()
    points, cap = defaults.RULES[key]
    n = cap // points
    assert n * points == cap  # the defaults are whole numbers of awards
    for number in range(n):
        paid = services.award(user_id=person.pk, rule_key=key, event_key=f"{key}:{number}")
        assert paid is not None and paid.points == points, number
    assert services.award(user_id=person.pk, rule_key=key, event_key=f"{key}:{n}") is None
    assert total(person) == cap
    # Someone else's day is their own.
    assert services.award(user_id=UserFactory().pk, rule_key=key, event_key=f"{key}:x")


def test_taking_content_down_does_not_make_room_under_the_daily_cap():
    person = UserFactory()
    for number in range(2):  # 20 points each, at most 40 a day
        services.award(user_id=person.pk, rule_key="story_published", event_key=f"story:{number}")
    services.reverse(rule_key="story_published", event_key="story:0")
    assert total(person) == 20
    assert (
        services.award(user_id=person.pk, rule_key="story_published", event_key="story:2") is None
    )
    # Restoring what was taken back is not a new award: the points come back.
    assert services.restore(rule_key="story_published", event_key="story:0").points == 20
    assert total(person) == 40
    # Append-only: award, award, reversal, restoration; nothing changed or removed.
    assert list(
        LedgerEntry.objects.filter(user=person).order_by("pk").values_list("points", flat=True)
    ) == [20, 20, -20, 20]


def test_the_daily_cap_on_stories_over_http(client, django_capture_on_commit_callbacks):
    space = SpaceFactory(slug="verkoop")
    author = MembershipFactory(space=space, role="owner").user
    MembershipFactory(space=space)
    client.force_login(author)
    for number in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/spaces/verkoop/stories/new/", {**STORY, "title": f"Verhaal {number}"}
            )
        assert response.status_code == 302
    assert Story.objects.count() == 3
    assert total(author) == 40  # the third story of the day pays nothing (60 before)


# --- The private circle -----------------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["secret", "private"])
def test_a_story_in_a_closed_space_of_ones_own_pays_nothing(
    client, django_capture_on_commit_callbacks, visibility
):
    space = SpaceFactory(slug="mijn-hoekje", visibility=visibility)
    author = MembershipFactory(space=space, role="owner").user
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/spaces/mijn-hoekje/stories/new/", STORY)
    assert response.status_code == 302 and Story.objects.count() == 1
    assert total(author) == 0 and not LedgerEntry.objects.exists()


def test_a_question_in_a_secret_space_of_ones_own_pays_nothing_until_someone_joins(
    django_capture_on_commit_callbacks,
):
    from forums import services as forums

    space = SpaceFactory(visibility="secret")
    author = MembershipFactory(space=space, role="owner").user
    with django_capture_on_commit_callbacks(execute=True):
        forums.ask(author=author, space=space, kind="question", title="Hoe werkt de VPN?")
    assert total(author) == 0
    # A former colleague who left is no audience either.
    MembershipFactory(space=space, user=UserFactory(is_active=False))
    assert services.in_private_circle(space_id=space.pk, user_id=author.pk)
    MembershipFactory(space=space)  # now someone else reads it
    assert not services.in_private_circle(space_id=space.pk, user_id=author.pk)
    with django_capture_on_commit_callbacks(execute=True):
        forums.ask(author=author, space=space, kind="question", title="En de printer?")
    assert total(author) == 2


def test_an_open_space_with_one_member_is_no_private_circle():
    space = SpaceFactory()
    author = MembershipFactory(space=space, role="owner").user
    assert not services.in_private_circle(space_id=space.pk, user_id=author.pk)
    assert services.award(
        user_id=author.pk, rule_key="question_asked", event_key="topic:1", space_id=space.pk
    )


# --- Reciprocal accepts -----------------------------------------------------------------------


def test_accepts_between_the_same_two_people_are_capped_per_week_both_ways(
    django_capture_on_commit_callbacks,
):
    from forums import services as forums

    space = SpaceFactory()
    anna, bram, carla = (MembershipFactory(space=space).user for _ in range(3))

    def accepted(asker, helper, number) -> None:
        topic = forums.ask(author=asker, space=space, kind="question", title=f"Vraag {number}")
        answer = forums.answer(author=helper, topic=topic, body="Zo dus.")
        with django_capture_on_commit_callbacks(execute=True):
            forums.accept(actor=asker, topic=topic, answer_id=answer.pk)

    def from_accepts(user) -> int:
        rows = LedgerEntry.objects.filter(user=user, rule__key="answer_accepted")
        return sum(rows.values_list("points", flat=True))

    # Anna and Bram accept each other's answers: 45 points a week between them (3 accepts).
    accepted(anna, bram, 1)
    accepted(bram, anna, 2)
    accepted(anna, bram, 3)
    assert from_accepts(bram) == 30 and from_accepts(anna) == 15
    accepted(bram, anna, 4)  # the fourth accept between the two pays nothing
    accepted(anna, bram, 5)
    assert from_accepts(anna) == 15 and from_accepts(bram) == 30
    assert set(
        LedgerEntry.objects.filter(rule__key="answer_accepted").values_list("actor", flat=True)
    ) == {anna.pk, bram.pk}
    # Another colleague accepting Anna's answer still pays: the cap is per pair.
    accepted(carla, anna, 6)
    assert from_accepts(anna) == 30


def test_a_reversed_accept_keeps_counting_towards_the_pair_cap():
    anna, bram = UserFactory(), UserFactory()
    for number in range(3):
        assert services.award(
            user_id=bram.pk, rule_key="answer_accepted", event_key=f"answer:{number}",
            actor_id=anna.pk,
        )  # fmt: skip
    services.reverse(rule_key="answer_accepted", event_key="answer:0")
    assert (
        services.award(
            user_id=anna.pk, rule_key="answer_accepted", event_key="answer:9", actor_id=bram.pk
        )
        is None
    )
    assert total(bram) == 30 and total(anna) == 0


# --- Tagged people ----------------------------------------------------------------------------


def test_people_tagged_in_a_story_earn_once_and_only_when_they_may_read_it(
    client, django_capture_on_commit_callbacks
):
    from gamification import handlers
    from gamification.events import StoryPublished

    space = SpaceFactory(slug="geheim-project", visibility="secret")
    author = MembershipFactory(space=space, role="owner").user
    member = MembershipFactory(space=space).user
    outsider = UserFactory()  # tagged, but not in the secret space: cannot read the story
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/spaces/geheim-project/stories/new/", {**STORY, "people": [member.pk, outsider.pk]}
        )
    assert response.status_code == 302
    story = Story.objects.get()
    assert total(author) == 20 and total(member) == 20
    assert total(outsider) == 0
    assert not LedgerEntry.objects.filter(user=outsider).exists()
    # The outsider cannot open it, which is why they earn nothing.
    client.force_login(outsider)
    assert client.get(f"/stories/{story.pk}/").status_code == 404
    # Delivered again (a retry), the story pays nobody twice.
    handlers.on_story_published(
        StoryPublished(
            story_id=story.pk,
            space_id=space.pk,
            author_id=author.pk,
            people_ids=[member.pk, outsider.pk],
        )
    )
    assert total(author) == 20 and total(member) == 20 and total(outsider) == 0
    assert LedgerEntry.objects.count() == 2


def test_a_story_reused_pays_only_the_credited_who_may_read_it():
    from gamification import handlers
    from gamification.events import StoryReused
    from tests.factories import DepartmentFactory

    space = SpaceFactory(visibility="secret")
    author = MembershipFactory(space=space, role="owner").user
    reader = MembershipFactory(space=space, user=UserFactory(department=DepartmentFactory())).user
    outsider = UserFactory()
    story = Story.objects.create(
        space=space, author=author, title="t", challenge="c", approach="a", result="r"
    )
    handlers.on_story_reused(
        StoryReused(
            reuse_id=1,
            story_id=story.pk,
            space_id=space.pk,
            user_id=reader.pk,
            department_id=reader.department_id,
            credited_ids=[author.pk, outsider.pk],
        )
    )
    assert total(author) == 10 and total(outsider) == 0
