"""One rate limit for every write (issue 20, "One rate-limit mechanism for every write"): each
kind of write stops at its budget with nothing saved, counted atomically in the real Redis,
with limits per tier from settings, a clear message, 429 and Retry-After on pages and in the
API, and DRF throttling through the same limiter."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from forums import services as forums
from forums.models import Answer, Topic
from gamification import services as game
from gamification.models import Story
from intranet.activity import services as activity
from intranet.activity.models import Comment, Post, Reaction
from intranet.core import ratelimit
from intranet.core.ratelimit import RateLimited
from intranet.governance import services as governance
from intranet.governance.models import MembershipRequest
from intranet.moderation import services as moderation
from intranet.moderation.models import Report
from intranet.signals import services as signals
from intranet.signals.models import Idea, IdeaSupport, Signal
from knowledge import services as knowledge
from knowledge.models import Article, HelpfulVote, Suggestion
from processes import services as processes
from processes.models import Card, ExceptionReport, MeToo, PainPoint
from profiles import services as profiles
from profiles.models import Endorsement, Invitation, Skill
from tests.core.test_startup import refused, start
from tests.factories import AdminFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def only(settings, budget: str, **tiers: str) -> None:
    """Every budget unlimited except `budget`, limited per tier as given."""
    settings.PLEIN_RATE_LIMITS = {budget: tiers}


@pytest.fixture
def world():
    """A project space with everything that can be written to, made before any limit is set
    (the budgets start empty: the Redis prefix is cleaned before every test)."""
    admin = AdminFactory()
    owner, member = UserFactory(language="en"), UserFactory(language="en")
    space = governance.create_space(
        actor=admin, kind="project", name="Werkplaats", visibility="open"
    )
    MembershipFactory(space=space, user=owner, role="owner")
    MembershipFactory(space=space, user=member)
    topic = forums.ask(
        author=owner, space=space, kind="question", title="Hoe boek ik btw op een factuur?"
    )
    answers = [forums.answer(author=owner, topic=topic, body=f"Zo, deel {n}") for n in range(3)]
    post = activity.create_post(author=owner, space=space, body="Borrel vrijdag")
    articles = [
        knowledge.publish(
            author=owner, space=space, title=f"Handleiding {n}", body="## Stap\n\nDoe dit."
        )
        for n in range(2)
    ]
    board = processes.create_board(
        actor=owner, space=space, name="Inkoop", steps=[{"name": "Start"}]
    )
    step = board.steps.get()
    pains = [
        processes.flag_pain(
            actor=owner,
            board=board,
            what=f"Het wachten doet pijn {n}",
            frequency="daily",
            impact="high",
            step=step,
        )
        for n in range(2)
    ]
    owner.skills.add(*(Skill.objects.create(name=f"Btw {n}", slug=f"btw-{n}") for n in range(2)))
    others = [UserFactory() for _ in range(2)]
    ideas = [
        signals.post_idea(actor=owner, space=space, kind="idea", title=f"Fietsenstalling {n}")
        for n in range(2)
    ]
    return {
        "admin": admin, "owner": owner, "member": member, "space": space, "topic": topic,
        "answers": answers, "post": post, "articles": articles, "board": board, "step": step,
        "pains": pains, "others": others, "ideas": ideas,
    }  # fmt: skip


# Each write as (action, how to do it the n-th time, what it adds rows to). The first succeeds
# within a limit of one; the second is refused with nothing written.
WRITES = {
    "topic": (
        lambda w, n: forums.ask(
            author=w["member"],
            space=w["space"],
            kind="question",
            title=f"Nog een vraag nummer {n}?",
        ),
        Topic,
    ),
    "answer": (
        lambda w, n: forums.answer(author=w["member"], topic=w["topic"], body=f"Antwoord {n}"),
        Answer,
    ),
    "comment": (
        lambda w, n: forums.comment(author=w["member"], topic=w["topic"], body=f"Reactie {n}"),
        Comment,
    ),
    "post": (
        lambda w, n: activity.create_post(
            author=w["member"], space=w["space"], body=f"Bericht {n}"
        ),
        Post,
    ),
    "article": (
        lambda w, n: knowledge.publish(
            author=w["member"], space=w["space"], title=f"Artikel {n}", body="## Kop\n\nTekst."
        ),
        Article,
    ),
    "suggestion": (
        lambda w, n: knowledge.suggest(
            proposer=w["others"][0],
            article=w["articles"][n],
            base_number=1,
            title=f"Handleiding {n}",
            body=f"## Stap\n\nDoe dit anders {n}.",
        ),
        Suggestion,
    ),
    "story": (
        lambda w, n: game.publish_story(
            author=w["owner"],
            space=w["space"],
            title=f"Succes {n}",
            challenge="Het probleem was groot",
            approach="We deden dit samen",
            result="Het werkte heel goed",
        ),
        Story,
    ),
    "card": (
        lambda w, n: processes.add_card(actor=w["member"], board=w["board"], title=f"Order {n}"),
        Card,
    ),
    "pain_point": (
        lambda w, n: processes.flag_pain(
            actor=w["member"],
            board=w["board"],
            what=f"Dubbel invoeren {n}",
            frequency="daily",
            impact="high",
            step=w["step"],
        ),
        PainPoint,
    ),
    "exception_report": (
        lambda w, n: processes.report_exception(
            reporter=w["member"],
            board=w["board"],
            category="customer_wish",
            text=f"Klant wil iets wat niet kan, geval {n}",
        ),
        ExceptionReport,
    ),
    "reaction": (
        lambda w, n: activity.react(
            user=w["member"], target=w["post"], kind=["like", "helpful"][n]
        ),
        Reaction,
    ),
    "vote": (
        lambda w, n: forums.vote(user=w["member"], answer_id=w["answers"][n].pk, value=1),
        None,
    ),
    "helpful": (
        lambda w, n: knowledge.vote_helpful(
            user=w["member"], article=w["articles"][n], helpful=True
        ),
        HelpfulVote,
    ),
    "me_too": (
        lambda w, n: processes.me_too(actor=w["member"], pain_point_id=w["pains"][n].pk),
        MeToo,
    ),
    "report": (
        lambda w, n: moderation.report(
            reporter=w["member"], kind="forums.answer", object_id=w["answers"][n].pk, reason="spam"
        ),
        Report,
    ),
    "invitation": (
        lambda w, n: profiles.invite_user(invited_by=w["admin"], email=f"nieuw{n}@plein.example"),
        Invitation,
    ),
    "space_invitation": (
        lambda w, n: governance.invite_to_space(
            actor=w["owner"], space=w["space"], invitee=w["others"][n]
        ),
        MembershipRequest,
    ),
    "endorsement": (
        lambda w, n: profiles.endorse(
            endorser=w["member"], person=w["owner"], skill_slug=f"btw-{n}"
        ),
        Endorsement,
    ),
    "ask_to_answer": (
        lambda w, n: forums.request_answer(
            actor=w["member"], topic=w["topic"], person=w["others"][n]
        ),
        None,
    ),
    "idea": (
        lambda w, n: signals.post_idea(
            actor=w["member"], space=w["space"], kind="suggestion", title=f"Idee nummer {n}"
        ),
        Idea,
    ),
    "signal": (
        lambda w, n: signals.raise_signal(
            actor=w["owner"],
            source=["post", "topic"][n],
            object_id=[w["post"].pk, w["topic"].pk][n],
        ),
        Signal,
    ),
    "support": (
        lambda w, n: signals.support_idea(user=w["member"], idea_id=w["ideas"][n].pk),
        IdeaSupport,
    ),
}
BUDGET = {
    "vote": "reaction", "helpful": "reaction", "me_too": "reaction",
    "space_invitation": "invitation", "ask_to_answer": "ask",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_stops_at_its_budget_with_nothing_saved(world, settings, name):
    do, model = WRITES[name]
    budget = BUDGET.get(name) or ratelimit.ACTIONS[name]
    only(settings, budget, member="1/hour", staff="1/hour")
    do(world, 0)
    rows = model.objects.count() if model else None
    with pytest.raises(RateLimited) as refusal:
        do(world, 1)
    assert refusal.value.retry_after > 3500  # the place frees up an hour after the first
    assert "Probeer het over 60 minuten opnieuw." in " ".join(refusal.value.messages)  # nl: default
    if model is not None:
        assert model.objects.count() == rows
    if name == "vote":
        assert world["answers"][1].votes.count() == 0
    # Other people keep their own budget.
    settings.PLEIN_RATE_LIMITS = {
        budget: {"member": "1/hour", "staff": "1/hour", "guest": "1/hour"}
    }
    assert ratelimit.tier(world["others"][1]) == "member"


def test_every_action_of_the_limiter_has_a_write_here():
    """A new action in ratelimit.ACTIONS must be tested above."""
    assert set(ratelimit.ACTIONS) <= set(WRITES)


def test_taking_a_reaction_back_is_never_limited(world, settings):
    only(settings, "reaction", member="1/hour")
    assert activity.react(user=world["member"], target=world["post"], kind="like") is True
    assert activity.react(user=world["member"], target=world["post"], kind="like") is False
    assert not Reaction.objects.filter(user=world["member"]).exists()


def test_writes_share_one_budget_and_new_accounts_have_a_smaller_one(client, world, settings):
    only(settings, "write", new="2/hour", member="100/hour")
    newcomer = MembershipFactory(space=world["space"], user=UserFactory(
        language="en", date_joined=timezone.now() - timedelta(hours=2))).user  # fmt: skip
    assert ratelimit.tier(newcomer) == "new"
    client.force_login(newcomer)
    for n in range(2):
        response = client.post(
            reverse("forums:ask", args=[world["space"].slug]),
            {"kind": "question", "title": f"Vraag nummer {n} van de nieuwe", "language": "nl"},
        )
        assert response.status_code == 302
    topics = Topic.objects.count()
    response = client.post(
        reverse("forums:ask", args=[world["space"].slug]),
        {"kind": "question", "title": "Vraag nummer 3 van de nieuwe", "language": "nl"},
    )
    page = response.content.decode()
    assert response.status_code == 429
    assert 3500 < int(response["Retry-After"]) <= 3600
    assert "You have reached the limit of 2 contributions per hour (questions, answers," in page
    assert "reports together). Try again in 60 minutes." in page
    assert "Vraag nummer 3 van de nieuwe" in page  # the text typed is still in the form
    assert Topic.objects.count() == topics
    # The budget is shared: a comment is refused too, and says so in Dutch for a Dutch reader.
    newcomer.language = "nl"
    newcomer.save(update_fields=["language"])
    response = client.post(
        reverse("forums:comment", args=[world["topic"].pk]), {"body": "Nog een"}, follow=True
    )
    assert "Je hebt de limiet van 2 bijdragen per uur bereikt" in response.content.decode()
    assert not Comment.objects.filter(author=newcomer).exists()
    # A colleague who has been here a while is not held back.
    for n in range(4):
        forums.answer(author=world["member"], topic=world["topic"], body=f"Antwoord {n}")
    assert Answer.objects.filter(author=world["member"]).count() == 4


def test_tiers_come_from_role_and_account_age(settings):
    settings.PLEIN_NEW_ACCOUNT_DAYS = 3
    now = timezone.now()
    assert ratelimit.tier(UserFactory()) == "member"
    assert ratelimit.tier(UserFactory(org_role="guest")) == "guest"
    assert ratelimit.tier(UserFactory(date_joined=now)) == "new"
    assert ratelimit.tier(UserFactory(org_role="guest", date_joined=now)) == "new"
    assert ratelimit.tier(AdminFactory(date_joined=now)) == "staff"
    assert ratelimit.tier(UserFactory(org_role="moderator")) == "staff"
    assert ratelimit.tier(UserFactory(date_joined=now - timedelta(days=4))) == "member"
    # A tier left out of a budget is not limited.
    only(settings, "write", new="1/hour")
    person = UserFactory()
    for _ in range(5):
        ratelimit.guard(user=person, action="post")


def test_several_windows_each_hold_and_the_short_one_refuses_first(settings):
    only(settings, "write", member="2/minute;3/hour")
    person = UserFactory()
    ratelimit.guard(user=person, action="post")
    ratelimit.guard(user=person, action="post")
    with pytest.raises(RateLimited) as refusal:
        ratelimit.guard(user=person, action="post")
    assert refusal.value.retry_after <= 60
    assert "per minuut" in refusal.value.messages[0]


def test_the_count_is_atomic_under_concurrent_writes(settings):
    """Twenty writes at once against a limit of five: exactly five get through (the old
    check-then-count let them all pass)."""
    only(settings, "write", member="5/hour")
    person = UserFactory()
    start = threading.Barrier(20)
    outcomes: list[bool] = []

    def write() -> None:
        start.wait()
        try:
            ratelimit.guard(user=person, action="answer")
            outcomes.append(True)
        except RateLimited:
            outcomes.append(False)

    threads = [threading.Thread(target=write) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(True) == 5 and outcomes.count(False) == 15


def test_the_api_answers_429_with_retry_after_for_a_refused_write(client, world, settings):
    only(settings, "endorsement", member="1/day")
    client.force_login(world["member"])
    url = f"/api/people/{world['owner'].pk}/endorsements/"
    assert client.post(url, {"skill": "btw-0"}, content_type="application/json").status_code == 201
    response = client.post(url, {"skill": "btw-1"}, content_type="application/json", **EN)
    assert response.status_code == 429
    assert 86000 < int(response["Retry-After"]) <= 86400
    assert response.json()["detail"].startswith(
        "You have reached the limit of 1 endorsement per day."
    )
    assert Endorsement.objects.count() == 1


def test_api_requests_are_throttled_per_person_and_per_address(client, world, settings):
    only(settings, "api", member="3/minute", anonymous="2/minute")
    client.force_login(world["member"])
    for _ in range(3):
        assert client.get("/api/search/?q=btw").status_code == 200
    response = client.get("/api/search/?q=btw")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    # Someone else has a budget of their own.
    client.force_login(world["owner"])
    assert client.get("/api/search/?q=btw").status_code == 200


def test_an_htmx_refusal_keeps_its_status_and_says_when_to_try_again(client, world, settings):
    only(settings, "reaction", member="1/hour")
    client.force_login(world["member"])
    url = reverse("activity:react", args=[world["post"].pk])
    data = {"kind": "like"}
    first = client.post(url, data, HTTP_HX_REQUEST="true", **EN)
    assert first.status_code == 200 and "Retry-After" not in first
    second = client.post(url, {**data, "kind": "helpful"}, HTTP_HX_REQUEST="true", **EN)
    assert second.status_code != 429  # htmx swaps only successful answers
    assert 0 < int(second["Retry-After"]) <= 3600
    assert "You have reached the limit of 1 reaction or vote per hour." in second.content.decode()
    assert Reaction.objects.filter(user=world["member"]).count() == 1


def test_limits_from_the_environment_are_checked_at_start_up():
    assert start(PLEIN_RATE_LIMITS='{"write": {"new": "3/minute;10/hour"}}').returncode == 0
    assert refused(
        start(PLEIN_RATE_LIMITS='{"write": {"new": "drie per uur"}}'), "PLEIN_RATE_LIMITS"
    )
    assert refused(start(PLEIN_RATE_LIMITS='["write"]'), "PLEIN_RATE_LIMITS")
    assert refused(start(PLEIN_RATE_LIMITS="{write"), "PLEIN_RATE_LIMITS")


def test_counters_live_under_this_installations_prefix(settings):
    only(settings, "write", member="5/hour")
    ratelimit.guard(user=UserFactory(), action="post")
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"{settings.REDIS_PREFIX}:ratelimit:*"))
    client.close()
    assert keys
    assert connection.vendor == "postgresql"
