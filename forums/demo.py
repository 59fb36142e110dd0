"""Demo questions and answers across departments: accepted answers, votes, one discussion,
an English question and an unanswered tail. Through the services, so feeds, notifications
and expertise evidence are what real use produces. Runs once: skipped when topics exist."""

from __future__ import annotations

from intranet.core import demo

# (space slug, asker, kind, language, title, body, tags,
#  [(answerer, body, votes from)], index of the accepted answer or None)
QUESTIONS = [
    ("finance", "gerrit.postma", "question", "nl", "Hoe boek ik btw op een export buiten de EU?",
     "Een klant in Noorwegen bestelt onderdelen. Welk btw-tarief gebruik ik en wat moet er op de "
     "factuur?", ["btw", "export"],
     [("pieter.berg", "Tarief **0%**, mits je het bewijs van uitvoer bewaart (douanedocument). "
       "Vermeld op de factuur: *Export, 0% btw*.", ["ilse.meer", "wouter.schouten"]),
      ("ilse.meer", "Let op: het uitvoerbewijs moet je 7 jaar bewaren.", ["gerrit.postma"])], 0),
    ("finance", "lotte.meijer", "question", "nl", "Wanneer worden declaraties uitbetaald?",
     "Ik heb vorige week reiskosten ingediend.", ["declaraties"],
     [("wouter.schouten", "Elke dinsdag, als je manager vóór maandag 12:00 heeft goedgekeurd.",
       ["lotte.meijer"])], 0),
    ("it", "eva.bos", "question", "nl", "Hoe koppel ik mijn laptop aan de printer op de 2e?",
     "Hij staat niet in de lijst.", ["printer", "laptop"],
     [("mohamed.bouzid", "Kies *Printer toevoegen* en typ `\\\\print02\\verdieping2`. Lukt het "
       "niet, herstart dan de printerservice.", ["eva.bos", "stijn.dekkers"]),
      ("ruben.leeuwen", "Of vraag het bij de servicedesk, die zet hem via Intune klaar.", [])], 0),
    ("it", "annelies.vries", "question", "nl", "Hoe deel ik een Teams-vergadering met externen?",
     "", ["microsoft-365", "teams"],
     [("stijn.dekkers", "In de uitnodiging: *Opties* → *Wie kan de lobby overslaan*. Externen "
       "komen dan in de lobby en jij laat ze binnen.", ["annelies.vries"])], 0),
    ("hr", "daan.graaf", "question", "nl", "Hoeveel verlofuren mag ik meenemen naar volgend jaar?",
     "", ["verlof"],
     [("ingrid.kok", "Wettelijke uren vervallen na 6 maanden na het jaar van opbouw; "
       "bovenwettelijke uren na 5 jaar.", ["daan.graaf", "kees.jacobs"])], 0),
    ("klantreis-verbeteren", "tim.wijnands", "discussion", "nl",
     "Waarom bellen klanten ons twee keer over dezelfde bestelling?",
     "Ik zie in Zendesk dat 1 op de 5 bellers al eerder belde. Wie herkent dit?",
     ["klantreis", "klantcontact"],
     [("priya.ramdin", "Bij Operations zien we dat de track-and-trace-mail pas na 24 uur komt.",
       ["tim.wijnands", "sandy.visser"]),
      ("sandy.visser", "Goed punt. Laten we dit op het procesbord zetten.", [])], None),
    ("it", "femke.jong", "question", "en", "Which tool do we use for API documentation?",
     "We are documenting the new CRM integration.", ["api", "documentatie"],
     [("stijn.dekkers", "OpenAPI files in the repository, rendered with Swagger UI.", [])], None),
    # The unanswered tail: the "Open questions" queue and its suggested experts.
    ("finance", "sanne.hendriks", "question", "nl", "Mag ik een cadeaubon voor een klant "
     "declareren?", "Het gaat om een bon van 50 euro.", ["declaraties", "btw"], [], None),
    ("operations", "anouk.verbeek", "question", "nl", "Hoe plan ik een levering op zaterdag in?",
     "", ["planning"], [], None),
    ("it", "thijs.vos", "question", "nl", "Kan ik Python gebruiken voor rapportages uit Exact?",
     "Ik wil de maandrapportage automatiseren.", ["python", "excel"], [], None),
]  # fmt: skip


# Questions put to the leadership: anyone may ask the directors, in the open.
# (asker, title, body, [(answerer, body)])
LEADERSHIP = [
    ("kees.jacobs", "Blijft de thuiswerkvergoeding na de verhuizing naar Utrecht?",
     "Veel collega's in het magazijn vragen het zich af.",
     [("annelies.vries", "Ja. De vergoeding blijft zoals ze is; we kijken er in het voorjaar "
       "samen met de OR opnieuw naar.")]),
    ("priya.ramdin", "Welke klantprocessen pakken we dit jaar als eerste aan?", "", []),
]  # fmt: skip


def seed_forums() -> None:
    from django.contrib.auth import get_user_model

    from forums import services
    from forums.models import Topic
    from intranet.governance import permissions
    from intranet.governance import services as governance
    from intranet.governance.models import Space

    if Topic.objects.exists():
        return
    people = {
        u.email.split("@")[0]: u
        for u in get_user_model().objects.filter(email__endswith=f"@{demo.DEMO_DOMAIN}")
    }
    spaces = {s.slug: s for s in Space.objects.all()}

    def member(person, space):
        # Asking and answering are for members: colleagues from elsewhere join the open
        # space first, as they would in Plein.
        if not permissions.access_for(person, space).can("answer"):
            governance.join_space(user=person, space=space)
        return person

    for slug, asker, kind, language, title, body, tags, answers, accepted in QUESTIONS:
        space, author = spaces.get(slug), people.get(asker)
        if space is None or author is None:
            continue
        topic = services.ask(
            author=member(author, space),
            space=space,
            kind=kind,
            title=title,
            body=body,
            tags=tags,
            language=language,
        )
        posted = []
        for answerer, text, voters in answers:
            reply = services.answer(author=member(people[answerer], space), topic=topic, body=text)
            posted.append(reply)
            for voter in voters:
                services.vote(user=people[voter], answer_id=reply.pk, value=1)
        if accepted is not None:
            services.accept(actor=author, topic=topic, answer_id=posted[accepted].pk)
    directie = spaces.get("directie")
    for asker, title, body, answers in LEADERSHIP if directie else []:
        topic = services.ask(
            author=people[asker], space=directie, kind="question", title=title, body=body,
            language="nl", ask_leadership=True,
        )  # fmt: skip
        for answerer, text in answers:
            services.answer(author=member(people[answerer], directie), topic=topic, body=text)
        if not answers:
            # Asked three weeks ago and not answered yet: overdue in the leaders' follow-up.
            from datetime import timedelta

            from django.utils import timezone

            Topic.objects.filter(pk=topic.pk).update(created_at=timezone.now() - timedelta(days=21))


def register() -> None:
    demo.register_step(order=60, name="forums", step=seed_forums)
