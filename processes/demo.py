"""Demo process board: "Order tot levering" in Mary's Operations space, shared with Sales,
Finance and Klantenservice. Cards in flight with a history of moves (so the flow page has
figures), pain points with "me too", a cluster of recurring exceptions that became a signal,
and a signal that is overdue. Through the services; afterwards the history is moved back in
time, as if the board had been in use for weeks. Runs once."""

from __future__ import annotations

from datetime import timedelta

from intranet.core import demo

STEPS = [
    ("Offerte en order", "sales", None),
    ("Kredietcheck en factuur", "finance", 6),
    ("Inplannen en leveren", "operations", 8),
    ("Nazorg", "klantenservice", None),
    ("Afgerond", "klantenservice", None),
]

# (title, owner, labels, how far it got (step index), days ago it started)
CARDS = [
    ("Order 24-1031 Bakkerij Verbeek", "lotte.meijer", ["spoed"], 4, 40),
    ("Order 24-1034 Gemeente Zwolle", "daan.graaf", ["overheid"], 4, 37),
    ("Order 24-1038 Hotel De Linde", "bram.dijk", [], 4, 33),
    ("Order 24-1040 Tandartspraktijk Smile", "lotte.meijer", [], 4, 29),
    ("Order 24-1042 Van Dam Installaties", "daan.graaf", ["maatwerk"], 3, 24),
    ("Order 24-1045 Kinderopvang Zonnetje", "sanne.hendriks", [], 3, 20),
    ("Order 24-1047 Garage Post", "bram.dijk", [], 2, 17),
    ("Order 24-1049 Fysio Centrum Oost", "lotte.meijer", ["spoed"], 2, 14),
    ("Order 24-1050 Scholengroep Noord", "daan.graaf", ["overheid", "raamcontract"], 2, 12),
    ("Order 24-1052 Bloemenhuis Flora", "sanne.hendriks", [], 1, 9),
    ("Order 24-1053 Transport Jansen", "bram.dijk", [], 1, 7),
    ("Order 24-1055 Camping De Hoeve", "lotte.meijer", [], 1, 5),
    ("Order 24-1056 Notariskantoor Vos", "daan.graaf", [], 0, 3),
    ("Order 24-1058 Sportschool Fit", "sanne.hendriks", ["nieuwe klant"], 0, 1),
]

# Who moves cards out of each step (by step index).
MOVERS = ["sanne.hendriks", "gerrit.postma", "anouk.verbeek", "tim.wijnands"]

# (step index, what, frequency, impact, author, [me too])
PAINS = [
    (
        1,
        "Kredietcheck wacht op handmatige controle bij orders boven 10.000 euro",
        "daily",
        "high",
        "gerrit.postma",
        ["ilse.meer", "lotte.meijer", "daan.graaf"],
    ),
    (
        2,
        "Leverdatum uit de offerte klopt niet met de planning van het magazijn",
        "weekly",
        "high",
        "anouk.verbeek",
        ["martijn.huisman", "tim.wijnands"],
    ),
    (
        0,
        "Klantgegevens worden twee keer ingevoerd: in het CRM en in Exact",
        "daily",
        "medium",
        "sanne.hendriks",
        ["hugo.blom"],
    ),
    (
        3,
        "Klant belt over de levering voordat wij weten dat die is vertrokken",
        "weekly",
        "medium",
        "lisa.koster",
        ["ahmet.yilmaz", "niels.prins"],
    ),
]

# Exceptions: the first five are one recurring need (they become a signal); the next five
# another that became a signal long ago and was never answered (overdue).
EXCEPTIONS = [
    (
        "lotte.meijer",
        "customer_wish",
        0,
        "Klant wil in termijnen betalen, dat kunnen we niet aanbieden",
    ),
    (
        "daan.graaf",
        "customer_wish",
        0,
        "Klant vraagt om betaling in termijnen, dat bieden we niet aan",
    ),
    ("gerrit.postma", "rule", 1, "Klant wil in drie termijnen betalen, dat kunnen we niet"),
    ("bram.dijk", "customer_wish", 0, "Klant wil in termijnen betalen: niet mogelijk bij ons"),
    ("gerrit.postma", "rule", 1, "Klant wil in termijnen betalen, kan niet in Exact"),
    (
        "tim.wijnands",
        "customer_wish",
        3,
        "Klant wil de levering zelf ophalen bij het magazijn, dat kan niet in het proces",
    ),
    (
        "lisa.koster",
        "customer_wish",
        3,
        "Klant wil de levering zelf ophalen bij het magazijn, maar dat kan niet",
    ),
    ("anouk.verbeek", "system", 2, "Klant wil de levering zelf ophalen, planning kan dat niet"),
    (
        "ahmet.yilmaz",
        "customer_wish",
        3,
        "Klant wil de levering zelf ophalen bij het magazijn; niet mogelijk",
    ),
    ("martijn.huisman", "rule", 2, "Klant wil de levering zelf ophalen bij het magazijn"),
    ("niels.prins", "other", 3, "Monteur moest terug omdat de klant het verkeerde adres gaf"),
]


def seed_boards() -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from intranet.governance.models import Department, Space
    from processes import services
    from processes.models import Board, Card, ExceptionReport, Move

    if Board.objects.exists():
        return
    people = {
        u.email.split("@")[0]: u
        for u in get_user_model().objects.filter(email__endswith=f"@{demo.DEMO_DOMAIN}")
    }
    spaces = {s.slug: s for s in Space.objects.filter(slug__in=[d for _n, d, _w in STEPS])}
    home = spaces.get("operations")
    mary = people.get("mary.jansen")
    if home is None or mary is None:
        return
    departments = {d.slug: d for d in Department.objects.all()}
    board = services.create_board(
        actor=mary,
        space=home,
        name="Order tot levering",
        description="Van getekende offerte tot tevreden klant: Sales, Finance, Operations en "
        "Klantenservice op één bord.",
        steps=[{"name": n, "department": departments.get(d), "wip_limit": w} for n, d, w in STEPS],
    )
    services.share(
        actor=mary, board=board, spaces=[s for slug, s in spaces.items() if slug != "operations"]
    )
    steps = list(board.steps.order_by("position"))
    now = timezone.now()
    for title, owner, labels, reached, days_ago in CARDS:
        card = services.add_card(
            actor=people[owner],
            board=board,
            title=title,
            owner=people[owner],
            labels=labels,
            due_date=(now + timedelta(days=14 - days_ago // 2)).date(),
        )
        started = now - timedelta(days=days_ago)
        for index in range(reached):
            services.move(
                actor=people[MOVERS[index]],
                card_id=card.pk,
                to_step_id=steps[index + 1].pk,
                from_step_id=steps[index].pk,
            )
        # As if it happened over the past weeks: Finance's step is where cards wait longest.
        at = started
        for index, move in enumerate(card.moves.order_by("pk")):
            at += timedelta(hours=(20, 70, 30, 40)[index] + card.pk % 7)
            Move.objects.filter(pk=move.pk).update(at=min(at, now - timedelta(hours=1)))
        last = card.moves.order_by("-pk").values_list("at", flat=True).first()
        Card.objects.filter(pk=card.pk).update(created_at=started, entered_step_at=last or started)
    cards = list(board.cards.order_by("pk"))
    cards[9].watchers.add(people["lotte.meijer"])
    for index, what, frequency, impact, author, too in PAINS:
        pain = services.flag_pain(
            actor=people[author],
            board=board,
            what=what,
            frequency=frequency,
            impact=impact,
            step=steps[index],
        )
        for local in too:
            services.me_too(actor=people[local], pain_point_id=pain.pk)
    services.set_pain_status(actor=mary, pain_point_id=pain.pk, status="acknowledged")
    for offset, (local, category, step, text) in enumerate(EXCEPTIONS):
        report = services.report_exception(
            reporter=people[local], board=board, category=category, text=text, step=steps[step]
        )
        age = (len(EXCEPTIONS) - offset) * 3 + (30 if 5 <= offset < 10 else 0)
        ExceptionReport.objects.filter(pk=report.pk).update(created_at=now - timedelta(days=age))
    # The "collect it yourself" signal was raised weeks ago and nobody answered: overdue.
    from intranet.signals.models import Signal

    for signal in Signal.objects.filter(source="exceptions"):
        if "ophalen" in signal.title:
            Signal.objects.filter(pk=signal.pk).update(
                created_at=now - timedelta(days=30), due_at=now - timedelta(days=16)
            )


def register() -> None:
    demo.register_step(order=80, name="boards", step=seed_boards)
