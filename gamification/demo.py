"""Demo recognition: Steve's and Sandy's success stories with reuse by other teams, Sandy's
ambassadors, a running challenge, most people showing their points, and a points history
spread over the past weeks (so week, month and all time differ). Points and badges themselves
come from the content the earlier demo steps created, through the real handlers. Runs once."""

from __future__ import annotations

import random
from datetime import timedelta

from intranet.core import demo

STORIES = [
    {
        "author": "steve.bakker",
        "space": "sales",
        "title": "Van zwart boekje naar gedeelde klantkennis",
        "challenge": "Elke accountmanager hield zijn eigen klantnotities bij. Als iemand ziek "
        "was of vertrok, begon de klant bij nul en liepen we kansen mis.",
        "approach": "We zetten alle klantnotities in Plein, per klant een artikel, open voor "
        "de hele organisatie. Vragen van klanten stellen we in het forum in plaats van per "
        "mail.\n\n- wekelijkse *kennis-kwartier* met het team\n- Marketing leest mee",
        "result": "Binnen drie maanden **twaalf nieuwe leads** uit gedeelde notities en een "
        "internationale klant die via Klantenservice bij ons terechtkwam.",
        "people": ["lotte.meijer", "daan.graaf", "sanne.hendriks"],
        "teams": ["sales"],
        "reuse": [
            ("marketing", "noor.peters", "lead", "Drie leads voor de najaarscampagne"),
            ("klantenservice", "tim.wijnands", "customer", "Een internationale klant"),
            ("finance", "wouter.schouten", "time_saved", "Kredietcheck sneller met de notities"),
        ],
        "days_ago": 40,
    },
    {
        "author": "sandy.visser",
        "space": "klantenservice",
        "title": "Ambassadeurs halveren de vragen aan de servicedesk",
        "challenge": "Nieuwe collega's wisten niet waar ze antwoorden konden vinden en belden "
        "de servicedesk voor alles.",
        "approach": "In elke afdeling een ambassadeur die collega's op weg helpt, vragen naar "
        "het forum verwijst en ontbrekende antwoorden als artikel vastlegt.",
        "result": "Na zes weken de helft minder telefoontjes over 'waar vind ik...' en een "
        "kennisbank die elke week groeit.",
        "people": ["roos.wijk", "noor.peters", "ruben.leeuwen"],
        "teams": ["klantenservice"],
        "reuse": [
            ("it", "chris.dekker", "time_saved", "Minder tickets over wachtwoorden en VPN"),
            ("hr", "fatima.amrani", "other", "Onboarding gebruikt nu dezelfde aanpak"),
        ],
        "days_ago": 18,
    },
]

AMBASSADORS = ["sandy.visser", "roos.wijk", "noor.peters", "ruben.leeuwen"]
# Invited to become one (issue 22: informal leaders get room, with consent).
INVITED = "daan.graaf"
# People who keep their points to themselves (opt-in is the default: the rest opted in).
PRIVATE = ["henk.boer", "kees.jacobs", "martijn.huisman"]


def seed_recognition() -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from gamification import services
    from gamification.models import Challenge, ChallengeStep, LedgerEntry, Story
    from intranet.governance.models import Department, Space

    if Story.objects.exists():
        return
    people = {
        u.email.split("@")[0]: u
        for u in get_user_model().objects.filter(email__endswith=f"@{demo.DEMO_DOMAIN}")
    }
    admin = get_user_model().objects.filter(email=demo.ADMIN_EMAIL).first()
    if admin is None or "steve.bakker" not in people:
        return
    for local, person in people.items():
        services.set_visibility(user=person, visible=local not in PRIVATE)
    departments = {d.slug: d for d in Department.objects.all()}
    spaces = {s.slug: s for s in Space.objects.all()}
    now = timezone.now()
    for spec in STORIES:
        space = spaces.get(spec["space"])
        if space is None:
            continue
        story = services.publish_story(
            author=people[spec["author"]],
            space=space,
            title=spec["title"],
            challenge=spec["challenge"],
            approach=spec["approach"],
            result=spec["result"],
            people_ids=[people[p].pk for p in spec["people"]],
            team_ids=[departments[t].pk for t in spec["teams"]],
        )
        services.feature_story(actor=admin, story=story, featured=True)
        for _team, local, kind, note in spec["reuse"]:
            services.record_reuse(user=people[local], story=story, kind=kind, note=note)
        Story.objects.filter(pk=story.pk).update(
            published_at=now - timedelta(days=spec["days_ago"])
        )
    # The demo's open "Social Business ambassadeurs" community is the ambassadors' own space,
    # so appointing them does not make a second, private one beside it.
    from gamification.models import GameSettings
    from intranet.governance.models import Space

    community = Space.objects.filter(slug="social-business-ambassadeurs").first()
    if community is not None:
        GameSettings.objects.update_or_create(pk=1, defaults={"ambassador_space": community})
        services.forget_settings(everywhere=True)
    for local in AMBASSADORS:
        services.appoint_ambassador(actor=admin, user=people[local])
    # An informal leader invited into the programme, the answer still theirs to give (signed
    # in as them, the invitation waits on the Invitations page).
    invited = people.get(INVITED)
    if invited is not None and invited.department_id is not None:
        services._record_invitation(
            actor=admin,
            person=invited,
            kind="ambassador",
            reason="Je helpt collega's van andere afdelingen steeds op weg met hun vragen over "
            "declaraties. Wil je dat als ambassadeur doen, met uren ervoor?",
        )
    today = timezone.localdate()
    challenge = Challenge.objects.create(
        title="Welkom op Plein",
        description="Maak je profiel af, help een collega en deel wat je weet.",
        starts_on=today.replace(day=1),
        ends_on=today.replace(day=1) + timedelta(days=45),
        created_by=admin,
    )
    ChallengeStep.objects.bulk_create(
        [
            ChallengeStep(challenge=challenge, deed="profile_completed", count=1, order=0),
            ChallengeStep(challenge=challenge, deed="answer_posted", count=1, order=1),
            ChallengeStep(challenge=challenge, deed="article_published", count=1, order=2),
        ]
    )
    # A history, not a day: spread what the demo earned over the past ten weeks (most of it
    # earlier, some this week), then rebuild the tallies from the ledger.
    rng = random.Random(9)  # noqa: S311 - demo data, not security
    for entry in LedgerEntry.objects.filter(reverses__isnull=True).only("pk"):
        days = rng.choice([0, 1, 2, 5, 9, 14, 20, 27, 35, 44, 52, 63, 70])
        LedgerEntry.objects.filter(pk=entry.pk).update(created_at=now - timedelta(days=days))
    services.rebuild_tallies()


def ensure_defaults() -> None:
    """Before any other content: the demo's questions and articles earn points and badges."""
    from gamification import defaults

    defaults.ensure()


def register() -> None:
    demo.register_step(order=5, name="recognition-rules", step=ensure_defaults)
    demo.register_step(order=90, name="recognition", step=seed_recognition)
