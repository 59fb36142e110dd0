"""Demo knowledge: articles per department in collections, in Dutch and English, some with
several revisions, some with open suggestions, some past their review date. Through the
services, so feeds and notifications are what real use produces. Runs once."""

from __future__ import annotations

from datetime import timedelta

from intranet.core import demo

# space slug: [(collection, owner, language, title, tags, body, [later edits], suggestion?)]
# A suggestion is (proposer, addition, note).
H = "## "
ARTICLES = {
    "hr": [
        ("Verlof en verzuim", "fatima.amrani", "nl", "Verlof aanvragen", ["verlof"],
         f"{H}Aanvragen\n\nVraag verlof aan in AFAS, minstens twee weken vooraf.\n\n"
         f"{H}Goedkeuren\n\nJe manager keurt binnen drie werkdagen goed.\n\n"
         f"{H}Meenemen naar volgend jaar\n\nWettelijke uren vervallen zes maanden na het jaar "
         "van opbouw; bovenwettelijke uren na vijf jaar.",
         ["Noem het menu: *Mijn verlof* → *Aanvragen*."],
         ("daan.graaf", "Halve dagen aanvragen kan ook.", "Halve dagen")),
        ("Verlof en verzuim", "ingrid.kok", "nl", "Ziek melden", ["verzuim"],
         f"{H}Vóór 9 uur\n\nBel je manager vóór 9 uur. Mail of app is niet genoeg.\n\n"
         f"{H}Herstel\n\nMeld je beter in AFAS op de dag dat je weer werkt.", [], None),
        ("Salaris", "kees.jacobs", "nl", "Wanneer wordt het salaris betaald?", ["salaris"],
         "Het salaris staat uiterlijk op de 25e van de maand op je rekening. Valt de 25e in "
         "het weekend, dan de vrijdag ervoor.\n\n| Maand | Uitbetaling |\n| --- | --- |\n"
         "| December | 20 december |\n| Overige | 25e |", [], None),
        ("Nieuwe collega's", "yara.willems", "en", "Onboarding checklist for managers",
         ["onboarding"],
         f"{H}Before day one\n\n- Order a laptop via the IT service desk\n- Add the new "
         f"colleague to the department space\n\n{H}First week\n\n- Plan a buddy\n- Walk "
         "through the knowledge base together", ["Added: give access to Plein spaces."], None),
    ],
    "it": [
        ("Werkplek", "mohamed.bouzid", "nl", "Printer toevoegen op de tweede verdieping",
         ["printer", "laptop"],
         f"{H}Windows\n\nKies *Printer toevoegen* en typ `\\\\print02\\verdieping2`.\n\n"
         f"{H}Lukt het niet?\n\nHerstart de printerservice of meld het bij de servicedesk.",
         [], ("eva.bos", "Op een Mac: Systeeminstellingen → Printers.", "Voor Mac-gebruikers")),
        ("Werkplek", "ruben.leeuwen", "nl", "Wachtwoord vergeten", ["account"],
         "Ga naar de selfservicepagina en kies *Wachtwoord vergeten*. Je krijgt een code op "
         "je telefoon.", ["Link naar de selfservicepagina toegevoegd."], None),
        ("Microsoft 365", "stijn.dekkers", "nl", "Teams-vergadering met externen",
         ["teams", "microsoft-365"],
         "In de uitnodiging: *Opties* → *Wie kan de lobby overslaan*. Externen wachten in de "
         "lobby; jij laat ze binnen.", [], None),
        ("Ontwikkeling", "stijn.dekkers", "en", "How we document APIs", ["api", "documentatie"],
         f"{H}OpenAPI first\n\nEvery integration has an OpenAPI file in its repository.\n\n"
         f"{H}Review\n\nA second developer reviews the file before the code.", [], None),
        ("Ontwikkeling", "femke.jong", "en", "Requesting a new report from Exact",
         ["exact", "rapportage"],
         "Describe the question the report answers, who reads it and how often. The "
         "information analysts plan it in the next sprint.", [], None),
    ],
    "finance": [
        ("Declaraties", "wouter.schouten", "nl", "Declaraties indienen", ["declaraties"],
         f"{H}Indienen\n\nFotografeer de bon in de app en kies de kostensoort.\n\n"
         f"{H}Uitbetaling\n\nElke dinsdag, als je manager vóór maandag 12:00 goedkeurt.",
         ["Uitbetaaldag is dinsdag, niet donderdag."],
         ("sanne.hendriks", "Cadeaubonnen voor klanten mogen tot 50 euro.", "Cadeaubonnen")),
        ("Btw", "pieter.berg", "nl", "Btw bij export buiten de EU", ["btw", "export"],
         "Tarief **0%**, mits je het bewijs van uitvoer bewaart (douanedocument, 7 jaar). "
         "Vermeld op de factuur: *Export, 0% btw*.", [], None),
        ("Btw", "ilse.meer", "nl", "Facturen van buitenlandse leveranciers", ["btw", "facturen"],
         "Controleer het btw-nummer in VIES en boek met verlegde btw.", [], None),
    ],
    "operations": [
        ("Planning", "anouk.verbeek", "nl", "Levering op zaterdag inplannen", ["planning"],
         "Zaterdagleveringen plan je vóór donderdag 15:00 in het TMS, met akkoord van de "
         "teamleider magazijn.", [], None),
        ("Kwaliteit", "esther.brouwer", "nl", "Klacht over een beschadigde levering",
         ["kwaliteit", "klachten"],
         f"{H}Vastleggen\n\nMaak foto's en leg de klacht vast in het kwaliteitssysteem.\n\n"
         f"{H}Terugkoppelen\n\nDe klant hoort binnen twee werkdagen wat we doen.", [], None),
        ("Inkoop", "jeroen.kuipers", "en", "Ordering from a new supplier", ["inkoop"],
         "New suppliers are checked by finance (bank details, VAT number) before the first "
         "order.", [], None),
    ],
    "klantenservice": [
        ("Werkinstructies", "roos.wijk", "nl", "Terugbelverzoek afhandelen", ["klantcontact"],
         "Bel binnen vier uur terug. Niet bereikbaar? Probeer het twee keer en stuur dan een "
         "mail.", ["Maximaal vier uur, was één werkdag."], None),
        ("Werkinstructies", "niels.prins", "nl", "Track-and-trace ontbreekt",
         ["klantreis", "klantcontact"],
         "De track-and-trace-mail komt soms pas na 24 uur. Geef de klant de code uit het "
         "TMS.", [], ("tim.wijnands", "Zet de code er ook in de chat bij.", "Chat")),
    ],
    "sales": [
        ("Offertes", "steve.bakker", "nl", "Een offerte maken", ["offertes"],
         "Maak offertes altijd vanuit het CRM met de actuele prijslijst. Korting boven 10% "
         "vraagt akkoord van de salesmanager.", [], None),
        ("Offertes", "lotte.meijer", "en", "Discount rules", ["offertes"],
         "Up to 10% the account manager decides; above that, the sales manager.", [], None),
    ],
    "directie": [
        ("Strategie", "annelies.vries", "nl", "Werken volgens 'open, tenzij'", ["werkwijze"],
         f"{H}Wat het betekent\n\nWe delen kennis en vragen in open ruimtes, tenzij er een "
         f"reden is om dat niet te doen (privacy, vertrouwelijke cijfers).\n\n{H}Wie beslist"
         "\n\nDe eigenaar van de ruimte legt de reden voor een besloten ruimte vast.",
         ["Voorbeelden van redenen toegevoegd."], None),
        ("Strategie", "henk.boer", "nl", "Begrotingscyclus", ["budgetten"],
         "Afdelingen leveren hun begroting in vóór 1 oktober; de directie stelt haar vast in "
         "november.", [], None),
    ],
    "marketing": [
        ("Huisstijl", "joost.smit", "nl", "Logo en huisstijl gebruiken", ["huisstijl"],
         "Gebruik alleen de logo's uit de beeldbank. Nooit uitrekken of verkleuren.", [], None),
        ("Huisstijl", "noor.peters", "nl", "Schrijfwijzer", ["huisstijl"],
         "Schrijf zoals je praat: kort, actief en met *je*. Vermijd afkortingen.", [], None),
        ("Events", "merel.sanders", "en", "Planning an event", ["events"],
         f"{H}Three months ahead\n\nBook the venue.\n\n{H}One month ahead\n\nSend the "
         "invitations.", [], None),
    ],
}  # fmt: skip

# Titles whose review date has passed: the "needs review" lists are not empty in the demo.
STALE = {"Wachtwoord vergeten", "Ziek melden", "Ordering from a new supplier",
         "Logo en huisstijl gebruiken"}  # fmt: skip


def seed_knowledge() -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from intranet.governance import permissions
    from intranet.governance import services as governance
    from intranet.governance.models import Space
    from knowledge import services
    from knowledge.models import Article, Collection

    if Article.objects.exists():
        return
    people = {
        u.email.split("@")[0]: u
        for u in get_user_model().objects.filter(email__endswith=f"@{demo.DEMO_DOMAIN}")
    }
    for slug, articles in ARTICLES.items():
        space = Space.objects.filter(slug=slug).first()
        if space is None:
            continue
        shelves: dict[str, Collection] = {}
        for shelf, owner, language, title, tags, body, edits, suggestion in articles:
            author = people.get(owner)
            if author is None:
                continue
            if not permissions.access_for(author, space).can("write_article"):
                governance.join_space(user=author, space=space)
            if shelf not in shelves:
                shelves[shelf] = Collection.objects.get_or_create(space=space, name=shelf)[0]
            article = services.publish(
                author=author, space=space, title=title, body=body, language=language,
                tags=tags, collection=shelves[shelf],
            )  # fmt: skip
            for edit in edits:
                article = services.revise(
                    actor=author, article=article, base_number=article.revision_count,
                    title=title, body=f"{article.body}\n\n{edit}", summary=edit[:80],
                )  # fmt: skip
            if suggestion is not None and suggestion[0] in people:
                proposer, addition, note = suggestion
                services.suggest(
                    proposer=people[proposer], article=article,
                    base_number=article.revision_count, title=title,
                    body=f"{article.body}\n\n{addition}", note=note,
                )  # fmt: skip
            if title in STALE:
                Article.objects.filter(pk=article.pk).update(
                    review_at=timezone.localdate() - timedelta(days=12)
                )


def register() -> None:
    demo.register_step(order=70, name="knowledge", step=seed_knowledge)
