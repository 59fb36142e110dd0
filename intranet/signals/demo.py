"""Demo content for signals from the floor: ideas with "me too" in two idea boxes (one became a
signal by itself and was adopted), a complaint in the Operations feed raised by its author and
answered with an experiment, and a question raised as a signal that is past its deadline.
Through the services, like real use; afterwards dates are moved back so the follow-up page has
history. Idempotent: nothing happens when ideas exist."""

from __future__ import annotations

from datetime import timedelta

from intranet.core import demo

IDEAS = [
    # (space slug, author, kind, title, body, supporters)
    (
        "klantreis-verbeteren",
        "tim.wijnands",
        "idea",
        "Eén klantnummer in alle systemen",
        "Nu zoeken we een klant op in drie systemen met drie nummers. Eén nummer scheelt elke "
        "dag tijd en fouten.",
        ["lisa.koster", "ahmet.yilmaz", "sandy.visser", "priya.ramdin", "eva.bos"],
    ),
    (
        "klantreis-verbeteren",
        "eva.bos",
        "suggestion",
        "Terugbelverzoek vanaf de website",
        "Klanten willen niet in de wacht: laat ze een tijd kiezen.",
        ["tim.wijnands", "priya.ramdin"],
    ),
    (
        "operations",
        "martijn.huisman",
        "complaint",
        "Te weinig laadplekken voor de bestelbussen",
        "Elke ochtend staan er bussen op de weg te wachten.",
        ["anouk.verbeek"],
    ),
]


def seed_signals() -> None:
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from intranet.activity import services as activity
    from intranet.governance.models import Space
    from intranet.signals import access, services
    from intranet.signals.models import Idea, Policy, Signal

    if Idea.objects.exists():
        return
    people = {
        u.email.split("@")[0]: u
        for u in get_user_model().objects.filter(email__endswith=f"@{demo.DEMO_DOMAIN}")
    }
    spaces = {s.slug: s for s in Space.objects.filter(slug__in={i[0] for i in IDEAS})}
    Policy.objects.get_or_create(defaults={"response_days": 14, "support_threshold": 5})
    now = timezone.now()
    ideas = []
    for slug, author, kind, title, body, supporters in IDEAS:
        space, person = spaces.get(slug), people.get(author)
        if space is None or person is None or not access.may_post_idea(user=person, space=space):
            continue
        idea = services.post_idea(actor=person, space=space, kind=kind, title=title, body=body)
        for name in supporters:
            if name in people:
                services.support_idea(user=people[name], idea_id=idea.pk)
        ideas.append(idea)
    # The first idea had enough support to become a signal: the manager adopted it.
    adopted = Signal.objects.filter(source="idea").first()
    if adopted is not None and adopted.owner_id:
        services.answer(
            actor=adopted.owner,
            signal_id=adopted.pk,
            status="adopted",
            response="Goed idee. IT koppelt de klantnummers in het nieuwe CRM; "
            "vanaf 1 maart zoek je op één nummer.",
        )
    # A complaint in the Operations feed, raised by its author, answered with an experiment.
    ops, martijn, mary = spaces.get("operations"), people.get("martijn.huisman"), None
    if ops is not None and martijn is not None:
        post = activity.create_post(
            author=martijn,
            space=ops,
            body="De handscanners in hal 2 verliezen elke ochtend hun verbinding. We schrijven "
            "orders dan weer op papier over.",
        )
        signal = services.raise_signal(actor=martijn, source="post", object_id=post.pk)
        for name in ("anouk.verbeek", "esther.brouwer", "jeroen.kuipers"):
            if name in people:
                services.support(user=people[name], signal_id=signal.pk)
        mary = signal.owner
        if mary is not None:
            services.answer(
                actor=mary,
                signal_id=signal.pk,
                status="experiment",
                response="We testen twee weken een extra access point in hal 2. "
                "Laat hier weten of het verschil maakt.",
            )
    # A question raised as a signal weeks ago that nobody answered: overdue.
    # Through the app registry: the platform imports no feature app (forums registers itself).
    topics = apps.get_model("forums", "Topic").objects
    question = topics.filter(kind="question", space__visibility="open").order_by("pk")
    question = question.exclude(author__isnull=True).first()
    if question is not None:
        late = services.raise_signal(actor=question.author, source="topic", object_id=question.pk)
        Signal.objects.filter(pk=late.pk).update(
            created_at=now - timedelta(days=24), due_at=now - timedelta(days=10)
        )
    # History: the ideas and the adopted signal are weeks old.
    for age, idea in enumerate(ideas, start=2):
        Idea.objects.filter(pk=idea.pk).update(created_at=now - timedelta(days=7 * age))
    if adopted is not None:
        Signal.objects.filter(pk=adopted.pk).update(
            created_at=now - timedelta(days=20),
            due_at=now - timedelta(days=6),
            responded_at=now - timedelta(days=9),
        )


def register() -> None:
    demo.register_step(order=85, name="signals", step=seed_signals)
