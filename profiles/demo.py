"""Demo profiles: photos drawn locally (initials on the person's colour), skills per
department, "ask me about" topics, endorsements, mentoring pairs and a reverse-mentoring
cohort. Through the services,
so evidence and events are what real use produces. Runs once: skipped when skills exist."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from intranet.core import demo

# department slug: skills people there list
SKILLS = {
    "directie": ["Strategie", "Leiderschap", "Verandermanagement", "Governance"],
    "sales": ["Onderhandelen", "CRM", "Offertes", "Accountmanagement", "Salesforce"],
    "marketing": ["Content", "SEO", "Social media", "Campagnes", "Schrijven"],
    "hr": ["Verzuim", "Arbeidsrecht", "Recruitment", "Salarisadministratie", "Onboarding"],
    "it": ["Python", "Excel", "Microsoft 365", "Security", "Informatieanalyse", "SQL"],
    "finance": ["BTW", "Excel", "Rapportages", "Debiteurenbeheer", "Budgetteren"],
    "operations": ["Lean", "Planning", "Inkoop", "Procesverbetering", "Kwaliteit"],
    "klantenservice": ["Klantcontact", "Klachtafhandeling", "Kennisbank", "Zendesk"],
}
LOCATIONS = ["Utrecht", "Amsterdam", "Eindhoven", "Zwolle"]
LANGUAGES = [["Nederlands", "Engels"], ["Nederlands", "Engels", "Duits"], ["Nederlands"]]
HOURS = ["ma–vr 8:30–17:00", "ma–do 8:00–16:30", "di–vr 9:00–17:30"]


def initials_photo(person) -> SimpleUploadedFile:
    """A PNG with the person's initials on their own colour: a photo made here, not fetched."""
    import colorsys

    from PIL import Image, ImageDraw, ImageFont

    r, g, b = colorsys.hls_to_rgb(person.avatar_hue / 360, 0.34, 0.45)
    image = Image.new("RGB", (256, 256), (int(r * 255), int(g * 255), int(b * 255)))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=110)
    draw.text((128, 128), person.initials, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def seed_profiles() -> None:
    from django.contrib.auth import get_user_model

    from profiles import services

    User = get_user_model()
    emails = [demo.email_for(first, last) for first, last, *_rest in demo.PEOPLE]
    people = list(
        User.objects.filter(email__in=emails)
        .order_by("pk")
        .select_related("department", "department__manager")
    )
    if not people or any(person.skills.exists() for person in people[:5]):
        return
    rng = random.Random(7)  # noqa: S311 - repeatable demo data, not a secret
    for person in people:
        department = person.department.slug if person.department else "directie"
        skills = rng.sample(SKILLS.get(department, SKILLS["directie"]), k=3)
        manager = person.department.manager if person.department else None
        services.update_profile(
            actor=person,
            person=person,
            data={
                "skills": skills,
                "ask_me_about": skills[:1],
                "location": rng.choice(LOCATIONS),
                "phone": f"+31 30 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                "languages": rng.choice(LANGUAGES),
                "working_hours": rng.choice(HOURS),
                "bio": f"Ik werk bij {person.department.name if person.department else 'Plein'} "
                f"als {person.job_title.lower() or 'collega'}. Vraag me gerust iets over "
                f"**{skills[0]}**.",
            },
        )
        # Reporting lines come from the organisation (as a directory sync would set them).
        if manager and manager.pk != person.pk:
            services.set_manager(actor=None, person=person, manager=manager)
        services.set_photo(actor=person, person=person, upload=initials_photo(person))
    by_email = {person.email.split("@")[0]: person for person in people}
    # A few endorsements among colleagues of the same department.
    for person in people:
        colleagues = [p for p in people if p.department_id == person.department_id and p != person]
        for colleague in rng.sample(colleagues, k=min(2, len(colleagues))):
            skill = rng.choice(list(person.skills.all()))
            try:
                services.endorse(endorser=colleague, person=person, skill_slug=skill.slug)
            except Exception:  # noqa: S112 - a repeat pick; demo data only
                continue
    # Mentoring: a classic pair and a reverse one (a junior developer teaches the director).
    pairs = [
        ("pieter.berg", "gerrit.postma", "BTW", False),
        ("stijn.dekkers", "annelies.vries", "Microsoft 365", True),
    ]
    for mentor_key, mentee_key, skill, reverse in pairs:
        mentor, mentee = by_email.get(mentor_key), by_email.get(mentee_key)
        if mentor is None or mentee is None:
            continue
        offer = services.offer_mentoring(person=mentor, skill=skill, role="mentor", reverse=reverse)
        seek = services.offer_mentoring(person=mentee, skill=skill, role="mentee")
        pair = services.propose_mentoring(
            actor=mentee, offer_id=seek.pk, counterpart_offer_id=offer.pk
        )
        services.decide_mentoring(actor=mentor, pair_id=pair.pk, accept=True)
    # An open offer so the mentoring page suggests a match to whoever seeks Python.
    if "ruben.leeuwen" in by_email:
        services.offer_mentoring(
            person=by_email["ruben.leeuwen"], skill="Python", role="mentor", note="Elke vrijdag"
        )
    seed_cohort(by_email)


# Reverse mentoring as a programme: (senior, junior, topic, sessions: (days ago, notes)).
COHORT_PAIRS = [
    ("pieter.berg", "thijs.vos", "Social media", [(20, "LinkedIn-profiel bijgewerkt."),
                                                  (6, "Eerste bericht samen geschreven.")]),
    ("mary.jansen", "femke.jong", "Power BI", [(13, "Planningsdashboard verkend.")]),
    ("steve.bakker", "yara.willems", "Microsoft Teams", []),
]  # fmt: skip


def seed_cohort(by_email: dict) -> None:
    """The director's reverse-mentoring cohort: three managers learn from newer colleagues;
    two pairs have met. Through the services, as the pages do it."""
    from datetime import timedelta

    from django.utils import timezone

    from profiles import services

    director = by_email.get("annelies.vries")
    if director is None or director.department_id is None:
        return
    today = timezone.localdate()
    cohort = services.create_cohort(
        actor=director,
        name="Digitaal leiderschap 2026",
        goals="Leidinggevenden leren van nieuwe collega's hoe zij digitaal samenwerken: "
        "Teams, dashboards en sociale media. Elk paar spreekt elkaar minstens eens per maand.",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
        department_id=director.department_id,
        themes=[topic for _senior, _junior, topic, _sessions in COHORT_PAIRS],
    )
    rows = [
        {"senior": by_email[senior].email, "junior": by_email[junior].email, "topic": topic}
        for senior, junior, topic, _sessions in COHORT_PAIRS
        if senior in by_email and junior in by_email
    ]
    pairs = services.add_cohort_pairs(actor=director, cohort_id=cohort.pk, rows=rows)
    notes = {(s, j): sessions for s, j, _topic, sessions in COHORT_PAIRS}
    for pair in pairs:
        for person in (pair.mentor, pair.mentee):
            services.decide_mentoring(actor=person, pair_id=pair.pk, accept=True)
        key = (pair.mentee.email.split("@")[0], pair.mentor.email.split("@")[0])
        for days, text in notes.get(key, []):
            services.log_session(
                actor=pair.mentor,
                cohort_id=cohort.pk,
                pair_id=pair.pk,
                held_on=today - timedelta(days=days),
                notes=text,
            )


def register() -> None:
    demo.register_step(order=50, name="profiles", step=seed_profiles)
