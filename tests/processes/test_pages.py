"""Process board pages as people use them: the board, moving cards (htmx, stale, WIP, another
board), cards with checklist, files, comments and watchers, pain points, exceptions and
signals, flow, search, and who may see or do what (404 for what one may not see)."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from intranet.activity.models import Comment, Notification
from intranet.signals.models import Signal
from processes import services
from processes.models import (
    Board,
    Card,
    CardAttachment,
    ChecklistItem,
    ExceptionReport,
    MeToo,
    Move,
    PainPoint,
    SignalPolicy,
    Step,
)
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    UserFactory,
)
from tests.helpers import exception_signal

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true", **EN}


def test_the_board_shows_steps_cards_and_lanes_to_those_who_may_see_it(client, flow):
    board = flow["board"]
    client.force_login(flow["seller"])  # through the space the board is shared with
    page = client.get(board.get_absolute_url(), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Order 1042" in html and "Factuur" in html and "0 of 1" in html
    assert 'data-work="1"' in html and "Add a card" in html
    assert f"board:{board.pk}" in html  # the socket follows this board live
    client.force_login(UserFactory())  # not in the private space, nor in Sales
    # The open Sales space lets anyone read: the board is visible through it, read-only.
    page = client.get(board.get_absolute_url(), **EN)
    assert page.status_code == 200 and 'data-work="1"' not in page.content.decode()
    # Private on both sides: a stranger gets 404, as for a board that does not exist.
    services.share(actor=flow["lead"], board=board, spaces=[])
    assert client.get(board.get_absolute_url()).status_code == 404
    assert client.get(flow["card"].get_absolute_url()).status_code == 404
    assert client.get(reverse("processes:board", args=[999999])).status_code == 404
    assert client.get(reverse("api-board", args=[board.pk])).status_code == 404


def test_a_board_costs_the_same_queries_with_10_and_500_cards(client, flow, query_budget):
    board, lead = flow["board"], flow["lead"]
    client.force_login(lead)
    services.set_wip_limit(actor=lead, step=flow["steps"][1], wip_limit=None)
    Card.objects.bulk_create(
        Card(board=board, step=flow["steps"][n % 2], title=f"Order {n}", labels=["spoed"])
        for n in range(9)
    )
    client.get(board.get_absolute_url())  # the process's one-time lookups (content types ...)
    counts = []
    for total in (10, 500):
        Card.objects.bulk_create(
            Card(board=board, step=flow["steps"][n % 3], title=f"Extra {n}")
            for n in range(total - board.cards.count())
        )
        cache.clear()  # rendered from the database, not the cache
        with query_budget(16) as cold:
            page = client.get(board.get_absolute_url(), **EN)
        assert page.content.decode().count('class="board-card"') == total
        with query_budget(14) as warm:
            client.get(board.get_absolute_url(), **EN)
        counts.append((len(cold), len(warm)))
    assert counts[0] == counts[1], counts


def test_moving_by_drag_and_drop_answers_with_the_boards_fragments(client, flow):
    card, (offer, invoice, done) = flow["card"], flow["steps"]
    client.force_login(flow["seller"])
    url = reverse("processes:move", args=[card.pk])
    moved = client.post(url, {"to_step": invoice.pk, "from_step": offer.pk}, **HTMX)
    assert moved.status_code == 200
    html = moved.content.decode()
    assert f'id="card-{card.pk}" hx-swap-oob="delete"' in html
    assert f'hx-swap-oob="beforeend:#cards-{invoice.pk}"' in html and "1 of 1" in html
    assert Card.objects.get(pk=card.pk).step == invoice
    # The same move again, from a page that still shows it in "Offerte": stale, 409, and the
    # fragments put it where it is now, with the reason.
    again = client.post(url, {"to_step": done.pk, "from_step": offer.pk}, **HTMX)
    assert again.status_code == 409
    html = again.content.decode()
    assert "moved this card to “Factuur” meanwhile" in html
    assert f"beforeend:#cards-{invoice.pk}" in html
    assert Move.objects.count() == 1
    # WIP limit: "Factuur" holds one card.
    second = services.add_card(actor=flow["lead"], board=flow["board"], title="Order 1043")
    full = client.post(
        reverse("processes:move", args=[second.pk]),
        {"to_step": invoice.pk, "from_step": offer.pk},
        **HTMX,
    )
    assert full.status_code == 400 and "at its limit of 1 cards" in full.content.decode()
    # A step of another board, or nonsense: refused, nothing moves.
    other = services.create_board(
        actor=flow["lead"], space=flow["home"], name="Inkoop", steps=[{"name": "Aanvraag"}]
    )
    foreign = client.post(
        reverse("processes:move", args=[second.pk]),
        {"to_step": other.steps.get().pk, "from_step": offer.pk},
        **HTMX,
    )
    assert foreign.status_code == 400 and "Choose a step of this card" in foreign.content.decode()
    assert (
        client.post(
            reverse("processes:move", args=[second.pk]), {"to_step": "x", "from_step": ""}, **HTMX
        ).status_code
        == 400
    )
    assert Card.objects.get(pk=second.pk).step == offer and Move.objects.count() == 1
    # Without htmx (the card page's form): back to the board with the message.
    plain = client.post(url, {"to_step": done.pk, "from_step": invoice.pk}, **EN)
    assert plain.status_code == 302 and Card.objects.get(pk=card.pk).step == done
    # A reader who may not move cards gets 404 for the move.
    client.force_login(UserFactory())
    assert client.post(url, {"to_step": offer.pk, "from_step": done.pk}).status_code == 404
    assert Card.objects.get(pk=card.pk).step == done


def test_the_card_page_checklist_files_comments_and_watchers(
    client, flow, django_capture_on_commit_callbacks
):
    card, lead, seller = flow["card"], flow["lead"], flow["seller"]
    client.force_login(seller)
    page = client.get(card.get_absolute_url(), **EN)
    assert page.status_code == 200 and "Still in its first step, Offerte." in page.content.decode()
    url = reverse("processes:checklist", args=[card.pk])
    client.post(url, {"action": "add", "text": "Kredietcheck gedaan"})
    item = ChecklistItem.objects.get(card=card)
    client.post(url, {"action": "done", "item": item.pk})
    item.refresh_from_db()
    assert item.done_by == seller
    bad = client.post(url, {"action": "add", "text": "   "}, follow=True, **EN)
    assert "A checklist item has 1 to 200 characters." in bad.content.decode()
    assert ChecklistItem.objects.count() == 1
    # A picture is accepted; a page pretending to be one is not.
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(png, "PNG")
    client.post(
        reverse("processes:upload", args=[card.pk]),
        {"file": SimpleUploadedFile("bon.png", png.getvalue(), "image/png")},
    )
    fake = SimpleUploadedFile("bon.png", b"<html><script>alert(1)</script>", "image/png")
    refused = client.post(
        reverse("processes:upload", args=[card.pk]), {"file": fake}, follow=True, **EN
    )
    assert CardAttachment.objects.count() == 1 and "bon.png" in refused.content.decode()
    stored = CardAttachment.objects.get()
    assert client.get(stored.get_absolute_url()).status_code == 200
    # Comments: a colleague of the shared Sales space comments on a card of the private
    # Finance space.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("processes:comment", args=[card.pk]), {"body": "Klant belt morgen"})
    assert Comment.objects.get().body == "Klant belt morgen"
    assert "Klant belt morgen" in client.get(card.get_absolute_url()).content.decode()
    # Watching: the watcher hears where the card goes.
    client.post(reverse("processes:watch", args=[card.pk]), {"on": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        services.move(
            actor=lead,
            card_id=card.pk,
            to_step_id=flow["steps"][1].pk,
            from_step_id=flow["steps"][0].pk,
        )
    note = Notification.objects.get(recipient=seller, kind="handoff")
    assert note.params["watched"] and note.url == card.get_absolute_url()
    # Strangers: 404 for the card, its file, its checklist.
    services.share(actor=lead, board=flow["board"], spaces=[])
    client.force_login(UserFactory())
    assert client.get(stored.get_absolute_url()).status_code == 404
    assert client.post(url, {"action": "add", "text": "x"}).status_code == 404
    assert (
        client.post(reverse("processes:comment", args=[card.pk]), {"body": "x"}).status_code == 404
    )


def test_edit_card_validates_and_saves_nothing_partial(client, flow):
    card = flow["card"]
    client.force_login(flow["lead"])
    url = reverse("processes:edit_card", args=[card.pk])
    bad = client.post(
        url, {"title": "Nieuw", "owner": "niemand@example.org", "due_date": "2026-12-01"}, **EN
    )
    assert bad.status_code == 400 and "Nobody here has the address" in bad.content.decode()
    bad = client.post(url, {"title": "x", "due_date": "morgen"}, **EN)
    assert bad.status_code == 400 and "Give the due date as a date." in bad.content.decode()
    card.refresh_from_db()
    assert card.title == "Order 1042" and card.due_date is None
    ok = client.post(
        url,
        {
            "title": "Order 1042 (spoed)",
            "owner": flow["seller"].email,
            "due_date": "2026-12-01",
            "labels": "spoed, Spoed, maatwerk",
        },
    )
    assert ok.status_code == 302
    card.refresh_from_db()
    assert card.owner == flow["seller"] and card.labels == ["spoed", "maatwerk"]
    client.force_login(UserFactory())  # may read through Sales, may not edit
    assert client.get(url).status_code == 404


def test_pain_points_me_too_once_and_the_owning_department_answers(client, flow):
    board, seller, lead = flow["board"], flow["seller"], flow["lead"]
    client.force_login(seller)
    made = client.post(
        reverse("processes:flag_pain", args=[board.pk]),
        {
            "step": flow["steps"][1].pk,
            "what": "Factuur wacht op handmatige controle",
            "frequency": "daily",
            "impact": "high",
        },
    )
    pain = PainPoint.objects.get()
    assert made.status_code == 302 and made.url == pain.get_absolute_url()
    bad = client.post(
        reverse("processes:flag_pain", args=[board.pk]),
        {"step": flow["steps"][1].pk, "what": "au", "frequency": "often", "impact": "high"},
        follow=True,
        **EN,
    )
    assert "Say what hurts in 5 to 500 characters." in bad.content.decode()
    assert PainPoint.objects.count() == 1
    colleague = MembershipFactory(space=flow["sales_space"]).user
    client.force_login(colleague)
    client.post(reverse("processes:me_too", args=[pain.pk]))
    twice = client.post(reverse("processes:me_too", args=[pain.pk]), follow=True, **EN)
    assert "You said “me too” already." in twice.content.decode()
    pain.refresh_from_db()
    assert pain.me_too_count == 1 and MeToo.objects.count() == 1
    page = client.get(reverse("processes:pains", args=[board.pk]), **EN)
    assert "2 people feel this" in page.content.decode()
    assert "1 pain point" in client.get(board.get_absolute_url(), **EN).content.decode()
    # Only the owning department (the board's own space) sets the status.
    assert (
        client.post(
            reverse("processes:pain_status", args=[pain.pk]), {"status": "solving"}
        ).status_code
        == 404
    )
    client.force_login(lead)
    client.post(reverse("processes:pain_status", args=[pain.pk]), {"status": "solving"})
    refused = client.post(
        reverse("processes:pain_status", args=[pain.pk]), {"status": "gone"}, follow=True, **EN
    )
    assert "Choose one of the offered states." in refused.content.decode()
    assert PainPoint.objects.get().status == "solving"
    # A pain point on a board one may not see: 404, nothing counted.
    services.share(actor=lead, board=board, spaces=[])
    client.force_login(colleague)
    assert client.post(reverse("processes:me_too", args=[pain.pk])).status_code == 404
    assert client.get(pain.get_absolute_url()).status_code == 404


def test_exceptions_group_and_become_a_signal_that_the_owner_answers(
    client, flow, django_capture_on_commit_callbacks, eager_celery
):
    board = flow["board"]
    SignalPolicy.objects.create(min_reports=3, min_people=2, window_days=90, response_days=14)
    director = UserFactory()
    DepartmentFactory(name="Directie", manager=director)
    reporters = [flow["seller"], flow["lead"], flow["seller"]]
    url = reverse("processes:exceptions", args=[board.pk])
    for person in reporters:
        client.force_login(person)
        client.post(
            url,
            {
                "category": "customer_wish",
                "step": flow["steps"][0].pk,
                "text": "Klant wil in termijnen betalen, dat kan niet",
            },
        )
    signal = Signal.objects.get()
    assert signal.owner == director and ExceptionReport.objects.count() == 3
    bad = client.post(url, {"category": "?", "text": "kort"}, **EN)
    assert bad.status_code == 400 and "Describe what happened" in bad.content.decode()
    assert ExceptionReport.objects.count() == 3
    page = client.get(url, **EN).content.decode()
    assert "3 reports" in page and "2 people" in page
    # The signals list and the page; only the owner (or an administrator) answers.
    client.force_login(flow["seller"])
    # The boards' list of signals became the follow-up page (every kind of signal).
    listing = client.get(reverse("processes:signals"), follow=True, **EN)
    assert listing.redirect_chain == [("/follow-up/?tab=all&state=open", 302)]
    assert "Klant wil in termijnen betalen" in listing.content.decode()
    assert (
        client.post(
            signal.get_absolute_url(), {"status": "review", "response": "We kijken ernaar"}
        ).status_code
        == 404
    )
    client.force_login(director)
    short = client.post(signal.get_absolute_url(), {"status": "review", "response": " "}, **EN)
    assert short.status_code == 400 and "This field is required." in short.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            signal.get_absolute_url(),
            {"status": "experiment", "response": "We proberen termijnbetaling in Q1."},
        )
    signal.refresh_from_db()
    assert signal.status == "experiment"
    told = set(
        Notification.objects.filter(
            kind="follow_up", params__state="answered-experiment"
        ).values_list("recipient", flat=True)
    )
    assert told == {flow["seller"].pk, flow["lead"].pk}


def test_overdue_signals_come_first(client, flow):
    from datetime import timedelta

    from django.utils import timezone

    from processes.models import ExceptionGroup

    board = flow["board"]
    client.force_login(flow["lead"])
    later = exception_signal(
        ExceptionGroup.objects.create(board=board, title="Later"),
        due_at=timezone.now() + timedelta(days=3),
    )
    late = exception_signal(
        ExceptionGroup.objects.create(board=board, title="Te laat"),
        due_at=timezone.now() - timedelta(days=2),
    )
    html = client.get(reverse("processes:signals"), follow=True, **EN).content.decode()
    assert html.index("Te laat") < html.index("Later")
    overdue = client.get(
        reverse("processes:signals") + "?state=overdue", follow=True, **EN
    ).content.decode()
    assert "Te laat" in overdue and ">Later<" not in overdue
    assert late.is_overdue and not later.is_overdue
    # An address of before leads to the signal's page.
    old = client.get(reverse("processes:signal", args=[late.pk]))
    assert old["Location"] == late.get_absolute_url()
    client.force_login(UserFactory())  # cannot see the private board's signals? It is shared
    services.share(actor=flow["lead"], board=board, spaces=[])
    html = client.get(reverse("processes:signals"), follow=True, **EN).content.decode()
    assert "Te laat" not in html
    assert client.get(late.get_absolute_url()).status_code == 404


def test_signal_settings_are_for_administrators_and_refuse_zero(client):
    client.force_login(UserFactory())
    assert client.get(reverse("processes:signal_settings")).status_code == 404
    client.force_login(AdminFactory())
    data = {
        "min_reports": "0",
        "min_people": "3",
        "window_days": "90",
        "response_days": "14",
        "similarity": "0.4",
    }
    bad = client.post(reverse("processes:signal_settings"), data, **EN)
    assert bad.status_code == 400 and "at least 1" in bad.content.decode()
    assert not SignalPolicy.objects.exists()
    client.post(reverse("processes:signal_settings"), {**data, "min_reports": "4"})
    assert SignalPolicy.objects.get().min_reports == 4


def test_new_board_page_and_settings(client, flow):
    home = flow["home"]
    client.force_login(flow["lead"])
    url = reverse("processes:new", args=[home.slug])
    empty = client.post(url, {"name": "Inkoop"}, **EN)
    assert empty.status_code == 400 and "A process has at least one step." in empty.content.decode()
    negative = client.post(
        url, {"name": "Inkoop", "step-0-name": "Aanvraag", "step-0-wip": "-2"}, **EN
    )
    assert negative.status_code == 400 and "A limit is at least 1" in negative.content.decode()
    assert Board.objects.count() == 1
    made = client.post(
        url,
        {
            "name": "Inkoop",
            "step-0-name": "Aanvraag",
            "step-1-name": "Bestellen",
            "step-1-wip": "3",
        },
    )
    board = Board.objects.get(name="Inkoop")
    assert made.url == board.get_absolute_url()
    assert list(board.steps.values_list("name", "wip_limit")) == [
        ("Aanvraag", None),
        ("Bestellen", 3),
    ]
    listing = client.get(reverse("processes:space", args=[home.slug]), **EN).content.decode()
    assert "Inkoop" in listing and "Order tot levering" in listing
    # The Sales space lists the board shared with it.
    sales = client.get(reverse("processes:space", args=[flow["sales_space"].slug]), **EN)
    assert (
        "Order tot levering" in sales.content.decode()
        and "shared by Finance" in sales.content.decode()
    )
    settings_url = reverse("processes:settings", args=[flow["board"].pk])
    offer, invoice, done = flow["steps"]
    current = {}
    for n, step in enumerate(flow["steps"], 1):
        current |= {
            f"step-{step.pk}-name": step.name,
            f"step-{step.pk}-position": n,
            f"step-{step.pk}-wip": step.wip_limit or "",
        }
    client.post(
        settings_url, {**current, f"step-{invoice.pk}-wip": "4", "share": [flow["sales_space"].pk]}
    )
    assert Step.objects.get(pk=invoice.pk).wip_limit == 4
    bad = client.post(settings_url, {**current, f"step-{invoice.pk}-wip": "-1"}, follow=True, **EN)
    assert "A limit is at least 1" in bad.content.decode()
    assert Step.objects.get(pk=invoice.pk).wip_limit == 4
    # "Offerte" holds the card: it cannot be removed, and nothing else changes either.
    refused = client.post(
        settings_url,
        {**current, f"step-{offer.pk}-remove": "1", f"step-{done.pk}-name": "Afgerond"},
        follow=True,
        **EN,
    )
    assert "has cards or history and cannot be removed" in refused.content.decode()
    assert Step.objects.get(pk=done.pk).name == "Klaar"
    # Rename, reorder (Klaar before Factuur), add one at the end, remove an unused one.
    client.post(
        settings_url,
        {
            **current,
            f"step-{done.pk}-name": "Gefactureerd",
            f"step-{done.pk}-position": "2",
            f"step-{invoice.pk}-position": "3",
            f"step-{invoice.pk}-wip": "4",
            "new-0-name": "Archief",
            "new-0-position": "9",
        },
    )
    assert list(flow["board"].steps.values_list("name", flat=True)) == [
        "Offerte",
        "Gefactureerd",
        "Factuur",
        "Archief",
    ]
    archive = flow["board"].steps.get(name="Archief")
    client.post(
        settings_url,
        {f"step-{s.pk}-name": s.name for s in flow["board"].steps.all()}
        | {f"step-{archive.pk}-remove": "1"},
    )
    assert not Step.objects.filter(pk=archive.pk).exists()
    client.force_login(flow["seller"])  # works the board, does not manage it
    assert client.get(settings_url).status_code == 404
    assert client.get(url).status_code == 404


def test_flow_page_draws_charts_with_tables(client, flow):
    card, (offer, invoice, done) = flow["card"], flow["steps"]
    services.move(actor=flow["lead"], card_id=card.pk, to_step_id=invoice.pk, from_step_id=offer.pk)
    services.move(actor=flow["lead"], card_id=card.pk, to_step_id=done.pk, from_step_id=invoice.pk)
    client.force_login(flow["seller"])
    html = client.get(reverse("processes:flow", args=[flow["board"].pk]), **EN).content.decode()
    assert html.count('class="chart"') == 4 and "Sales → Finance" in html
    assert "Cards wait longest in" in html and "<table" in html
    api = client.get(reverse("api-metrics", args=[flow["board"].pk])).json()
    assert [s["cards"] for s in api["steps"]] == [0, 0, 1]
    assert api["handoffs"] == [{"from": "Sales", "to": "Finance", "count": 1}]


def test_search_finds_boards_cards_and_exceptions_only_for_those_who_may_see_them(client, flow):
    services.report_exception(
        reporter=flow["lead"],
        board=flow["board"],
        category="rule",
        text="Klant wil betalen met cryptomunten",
    )
    client.force_login(flow["seller"])
    for q, expected in (
        ("1042", "Order 1042"),
        ("cryptomunten", "cryptomunten"),
        ("levering", "Order tot levering"),
    ):
        html = client.get(reverse("search:search"), {"q": q}, **EN).content.decode()
        assert expected in html, q
    services.share(actor=flow["lead"], board=flow["board"], spaces=[])
    html = client.get(reverse("search:search"), {"q": "1042"}, **EN).content.decode()
    assert "Order 1042" not in html


def test_the_api_moves_cards_and_answers_409_when_stale(client, flow):
    card, (offer, invoice, _done) = flow["card"], flow["steps"]
    client.force_login(flow["seller"])
    boards = client.get(reverse("api-boards")).json()["results"]
    assert [b["name"] for b in boards] == ["Order tot levering"]
    url = reverse("api-move", args=[card.pk])
    ok = client.post(
        url, {"to_step": invoice.pk, "from_step": offer.pk}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["step"] == invoice.pk
    stale = client.post(
        url, {"to_step": offer.pk, "from_step": offer.pk}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["step"] == invoice.pk
    bad = client.post(url, {"to_step": "x"}, content_type="application/json")
    assert bad.status_code == 400
    pain = client.post(
        reverse("api-pains", args=[flow["board"].pk]),
        {"step": offer.pk, "what": "Dubbel invoeren", "frequency": "daily", "impact": "low"},
        content_type="application/json",
    )
    assert pain.status_code == 201
    client.force_login(flow["lead"])
    too = client.post(reverse("api-me-too", args=[pain.json()["id"]]))
    assert too.status_code == 200 and too.json()["me_too_count"] == 1
    assert client.post(reverse("api-me-too", args=[pain.json()["id"]])).status_code == 400
    client.force_login(UserFactory())
    services.share(actor=flow["lead"], board=flow["board"], spaces=[])
    assert client.get(reverse("api-boards")).json()["results"] == []
    assert (
        client.post(
            url, {"to_step": offer.pk, "from_step": invoice.pk}, content_type="application/json"
        ).status_code
        == 404
    )


def test_a_finished_card_is_archived_off_the_board_and_can_come_back(client, flow):
    card, board, (offer, invoice, _done) = flow["card"], flow["board"], flow["steps"]
    client.force_login(flow["seller"])
    client.post(reverse("processes:archive", args=[card.pk]), {"on": "1"})
    card.refresh_from_db()
    assert card.archived_at is not None
    html = client.get(board.get_absolute_url(), **EN).content.decode()
    assert "Order 1042" not in html and "0 cards" in html
    assert (
        "Order 1042" in client.get(reverse("processes:archived", args=[board.pk])).content.decode()
    )
    page = client.get(card.get_absolute_url(), **EN).content.decode()
    assert "no longer on the board" in page and "Move to" not in page
    moved = client.post(
        reverse("processes:move", args=[card.pk]),
        {"to_step": invoice.pk, "from_step": offer.pk},
        **HTMX,
    )
    assert moved.status_code == 400 and "restore it first" in moved.content.decode()
    client.post(reverse("processes:archive", args=[card.pk]), {"on": "0"})
    assert "Order 1042" in client.get(board.get_absolute_url()).content.decode()
    client.force_login(UserFactory())  # reads through Sales, may not archive
    assert client.post(reverse("processes:archive", args=[card.pk]), {"on": "1"}).status_code == 404
    card.refresh_from_db()
    assert card.archived_at is None
