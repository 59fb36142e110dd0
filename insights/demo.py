"""Demo insights: a network with a shape worth looking at. IT talks mostly to itself (a silo),
Sandy (Klantenservice, an ambassador) reacts across the organisation (a broker), and the
phases are recorded for the past weeks so the timeline shows departments moving. Reactions are
added to content the earlier demo steps created; then the snapshots are computed as the
Celery task would. Runs once."""

from __future__ import annotations

import random
from datetime import timedelta

from django.apps import apps

from intranet.core import demo

BROKER = "sandy.visser"
SILO = "IT"


def seed_insights() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from forums.models import Answer, Topic
    from insights import services, sources
    from insights.models import Snapshot
    from intranet.activity.models import Reaction
    from knowledge.models import Article

    if Snapshot.objects.exists():
        return
    rng = random.Random(11)  # noqa: S311 - repeatable demo data, not a secret
    now = timezone.now()
    users = get_user_model().objects
    people = list(
        users.filter(email__endswith=f"@{demo.DEMO_DOMAIN}", is_active=True).select_related(
            "department"
        )
    )
    by_pk = {p.pk: p for p in people}
    _spread_over_past_weeks(rng=rng, now=now, topic=Topic, answer=Answer, article=Article)
    _value_history(rng=rng, now=now, people=people)
    _signed_in(rng=rng, now=now, people=people)
    _silo_talk(rng=rng, now=now, people=people)
    content = []
    for label, author, created in sources.CONTENT:
        model = apps.get_model(label)
        ct = ContentType.objects.get_for_model(model)
        for pk, who, when in model.objects.values_list("pk", author, created):
            if who in by_pk and when is not None:
                content.append((ct, pk, by_pk[who], when))
    existing = set(Reaction.objects.values_list("content_type_id", "object_id", "user_id"))
    reactions = []
    for ct, pk, author, when in content:
        dept = author.department.name if author.department else None
        for person in people:
            if person.pk == author.pk or person.department is None:
                continue
            same = person.department_id == author.department_id
            if person.email.split("@")[0] == BROKER:
                chance = 0.6
            elif SILO in (dept, person.department.name):
                chance = 0.45 if same else 0.0  # IT keeps to itself
            else:
                chance = 0.35 if same else 0.06
            if (ct.pk, pk, person.pk) not in existing and rng.random() < chance:
                at = when + timedelta(hours=rng.randrange(1, 72))
                reactions.append(
                    Reaction(content_type=ct, object_id=pk, user=person, kind="like",
                             created_at=min(now - timedelta(minutes=5), at))
                )  # fmt: skip
    drawn = [r.created_at for r in reactions]
    Reaction.objects.bulk_create(reactions, batch_size=1000)
    # created_at is auto_now_add: put the reactions back at the times drawn above.
    for reaction, when in zip(reactions, drawn, strict=True):
        Reaction.objects.filter(pk=reaction.pk).update(created_at=when)
    # The phases as they were on past Mondays, then today: the timeline.
    for weeks in (10, 8, 6, 4, 2):
        services.record_phases(now=now - timedelta(weeks=weeks))
    services.refresh(now=now)


def _spread_over_past_weeks(*, rng, now, topic, answer, article) -> None:
    """The earlier steps wrote their questions and articles just now; an organisation that has
    used Plein for a while has them spread over the past two months (answers after their
    question), which the network's time windows and the phase timeline need."""
    latest = now - timedelta(hours=2)
    for pk in topic.objects.values_list("pk", flat=True):
        asked = now - timedelta(hours=rng.randrange(48, 60 * 24))
        topic.objects.filter(pk=pk).update(created_at=asked)
        for answer_pk in answer.objects.filter(topic_id=pk).values_list("pk", flat=True):
            at = min(latest, asked + timedelta(hours=rng.randrange(1, 96)))
            answer.objects.filter(pk=answer_pk).update(created_at=at)
    for pk in article.objects.values_list("pk", flat=True):
        at = now - timedelta(hours=rng.randrange(24, 70 * 24))
        article.objects.filter(pk=pk).update(created_at=at)


def _value_history(*, rng, now, people) -> None:
    """Half a year of what Plein returned, for the value page: the demo's success stories
    were published months ago and more teams reused them since, and the suggestions readers
    made on articles were accepted over the past months. (Signals are left as the boards demo
    made them: adopting one belongs to where signals live.)"""
    from django.core.exceptions import PermissionDenied, ValidationError

    from gamification import services as stories
    from gamification.models import Reuse, ReuseKind, Story
    from knowledge import services as knowledge
    from knowledge.models import Revision, Suggestion

    kinds = [ReuseKind.LEAD, ReuseKind.TIME_SAVED, ReuseKind.CUSTOMER, ReuseKind.LEAD]
    for age, story in zip((200, 120), Story.objects.order_by("published_at", "pk"), strict=False):
        published = now - timedelta(days=age + rng.randrange(0, 10))
        Story.objects.filter(pk=story.pk).update(published_at=published)
        own = {story.author.department_id if story.author else None}
        own |= set(story.teams.values_list("pk", flat=True))
        own |= set(Reuse.objects.filter(story=story).values_list("department_id", flat=True))
        extra = 0
        for person in sorted(people, key=lambda p: p.pk):
            if extra == 3:
                break
            if person.department_id is None or person.department_id in own:
                continue
            try:
                stories.record_reuse(user=person, story=story, kind=kinds[extra],
                                     note="Werkt bij ons ook")  # fmt: skip
            except (PermissionDenied, ValidationError):
                continue
            own.add(person.department_id)
            extra += 1
        reuses = list(Reuse.objects.filter(story=story).order_by("pk").values_list("pk", flat=True))
        for n, pk in enumerate(reuses):
            # Spread from a few weeks after publication until last week.
            share = (n + 1) / (len(reuses) + 1)
            when = published + timedelta(days=20 + (age - 27) * share, hours=rng.randrange(0, 24))
            Reuse.objects.filter(pk=pk).update(created_at=min(when, now - timedelta(days=1)))
    # Readers' suggestions accepted over the months. Made here on articles nobody has an open
    # suggestion for: the open ones the knowledge demo left are for the owner to decide.
    from knowledge.models import Article

    waiting = set(Suggestion.objects.filter(status="open").values_list("article_id", flat=True))
    readers = sorted(people, key=lambda p: p.pk)
    made = []
    articles = Article.objects.exclude(pk__in=waiting).select_related("owner").order_by("pk")
    for n, article in enumerate(articles[:8]):
        # A colleague of the owner's own department: the demo network's silos and bridges are
        # made elsewhere, on purpose, and these suggestions must not blur them.
        for proposer in readers[n % len(readers) :] + readers[: n % len(readers)]:
            if proposer.pk == article.owner_id:
                continue
            if proposer.department_id != article.owner.department_id:
                continue
            try:
                made.append(
                    knowledge.suggest(
                        proposer=proposer,
                        article=article,
                        base_number=article.revision_count,
                        title=article.title,
                        body=f"{article.body}\n\nAangevuld na een vraag.",
                        note="Aanvulling",
                    )
                )
            except (PermissionDenied, ValidationError):
                continue
            break
    for suggestion in Suggestion.objects.filter(pk__in=[m.pk for m in made]).select_related(
        "article"
    ):
        try:
            knowledge.decide(actor=suggestion.article.owner, suggestion_id=suggestion.pk,
                             accept=True)  # fmt: skip
        except (PermissionDenied, ValidationError):
            continue
        # Some time after the article was written (the step before spread those out).
        written = suggestion.article.created_at
        decided = written + (now - written) * rng.uniform(0.2, 0.95)
        Suggestion.objects.filter(pk=suggestion.pk).update(
            decided_at=decided, created_at=decided - timedelta(days=2)
        )
        Revision.objects.filter(suggestion_id=suggestion.pk).update(created_at=decided)


# Share of each department that has signed in: presence reached, or not (IT lags).
SIGNED_IN = {"IT": 0.5, "Marketing": 0.8, "HR": 0.8}


def _signed_in(*, rng, now, people) -> None:
    import math

    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    by_department: dict[str, list] = {}
    for person in people:
        by_department.setdefault(person.department.name if person.department else "", []).append(
            person
        )
    for name, members in by_department.items():
        share = SIGNED_IN.get(name, 1.0)
        for person in sorted(members, key=lambda p: p.pk)[: math.ceil(share * len(members))]:
            if person.last_login is None:
                when = now - timedelta(hours=rng.randrange(1, 40 * 24))
                users.filter(pk=person.pk).update(last_login=when)


SILO_POSTS = [
    "Patchronde van de servers staat voor zaterdag 06:00 gepland.",
    "De back-uptest van vannacht is geslaagd, hersteltijd 14 minuten.",
    "Wie pakt de verlenging van de Office-licenties op?",
    "Monitoring gaf drie valse alarmen op de printserver, ik kijk ernaar.",
    "Uitrol van de nieuwe laptops: planning staat in de gedeelde map.",
    "Het nieuwe wachtwoordbeleid gaat volgende maand in.",
    "Firewallregels opgeschoond, 40 oude regels verwijderd.",
    "Wie heeft er volgende week dienst voor de servicedesk?",
]
SILO_REPLIES = ["Top, dank je!", "Ik help mee.", "Goed om te weten.", "Prima, ik zet het door."]


def _silo_talk(*, rng, now, people) -> None:
    """IT talks in its own space, among its own people: what makes it a silo in the
    network (its questions answered by others are its few outside ties)."""
    from intranet.activity import services as activity
    from intranet.activity.models import Comment, Post
    from intranet.governance.models import Membership, Space

    team = [p for p in people if p.department and p.department.name == SILO]
    space = Space.objects.filter(department_id=team[0].department_id).first() if team else None
    if space is None:
        return
    for person in team:
        Membership.objects.get_or_create(space=space, user=person)
    for n, body in enumerate(SILO_POSTS):
        author = team[n % len(team)]
        post = activity.create_post(author=author, space=space, body=body)
        posted = now - timedelta(hours=rng.randrange(72, 55 * 24))
        Post.objects.filter(pk=post.pk).update(created_at=posted)
        for colleague in team:
            if colleague.pk != author.pk and rng.random() < 0.8:
                found = activity.add_comment(
                    author=colleague, target=post, body=rng.choice(SILO_REPLIES)
                )
                at = min(now - timedelta(hours=1), posted + timedelta(hours=rng.randrange(1, 48)))
                Comment.objects.filter(pk=found.pk).update(created_at=at)


def register() -> None:
    demo.register_step(order=95, name="insights", step=seed_insights)
