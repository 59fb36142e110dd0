"""Secret stays secret on process boards (issue 19): the settings page offers and `share`
accepts only spaces the manager may know of and read; a board's spaces are named only to
those who may know they exist (header, space list, search, API); hand-offs, watchers and
signal owners hear only of boards they may read; processes.access loads and lists, with the
same 404 for missing, forbidden and malformed ids, before any input is validated."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from intranet.activity.models import Notification
from intranet.governance.constants import Action, Module
from intranet.signals import access as signal_access
from intranet.signals import handlers as signal_handlers
from intranet.signals import tasks as signal_tasks
from intranet.signals.models import Signal
from processes import access, services
from processes.models import (
    Board,
    Card,
    ExceptionGroup,
    ExceptionReport,
    PainPoint,
)
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    SpaceFactory,
    UserFactory,
)
from tests.helpers import exception_signal
from tests.processes.test_pages import EN

pytestmark = pytest.mark.django_db


def _secret(name: str, **extra):
    return SpaceFactory(name=name, visibility="secret", closed_reason="vertrouwelijk", **extra)


@pytest.fixture
def secret_board():
    """A board of the secret space "Reorganisatie Operations", shared with the private Sales
    space and with the secret "Tender Rijkswaterstaat"; its second step belongs to Finance.
    (Shared with an open space, every employee would read it: that is what open means.)"""
    sales, finance = DepartmentFactory(name="Sales"), DepartmentFactory(name="Finance")
    home = _secret("Reorganisatie Operations")
    tender = _secret("Tender Rijkswaterstaat")
    sales_space = SpaceFactory(name="Sales", visibility="private", closed_reason="klanten")
    lead = MembershipFactory(space=home, role="owner", user=UserFactory(department=sales)).user
    MembershipFactory(space=tender, role="owner", user=lead)
    MembershipFactory(space=sales_space, user=lead)
    seller = MembershipFactory(space=sales_space, user=UserFactory(department=sales)).user
    board = services.create_board(
        actor=lead,
        space=home,
        name="Herinrichting magazijn",
        steps=[{"name": "Plan", "department": sales}, {"name": "Budget", "department": finance}],
    )
    services.share(actor=lead, board=board, spaces=[sales_space, tender])
    card = services.add_card(actor=lead, board=board, title="Ontslagronde Q3")
    return {
        "board": board,
        "card": card,
        "steps": list(board.steps.all()),
        "home": home,
        "tender": tender,
        "sales_space": sales_space,
        "lead": lead,
        "seller": seller,
        "finance": finance,
    }


# --- 1. Share candidates and share ---------------------------------------------------------------


def test_settings_offer_only_spaces_the_manager_may_know_and_read(client, flow):
    """The settings page listed every space with boards on, secret ones included."""
    secret = _secret("Salarisoverleg")
    closed = SpaceFactory(name="Juridisch", visibility="private", closed_reason="dossiers")
    no_boards = SpaceFactory(name="Kantine", modules=[Module.FORUMS])
    own_secret = _secret("Inkoop vertrouwelijk")
    MembershipFactory(space=own_secret, user=flow["lead"])
    client.force_login(flow["lead"])
    page = client.get(reverse("processes:settings", args=[flow["board"].pk]), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Salarisoverleg" not in html and f'name="share" value="{secret.pk}"' not in html
    assert (
        "Juridisch" not in html and f'name="share" value="{closed.pk}"' not in html
    )  # listed, not read
    assert f'name="share" value="{no_boards.pk}"' not in html
    assert f'name="share" value="{flow["sales_space"].pk}"' in html  # open: offered
    assert (
        f'name="share" value="{own_secret.pk}"' in html
    )  # the manager's own secret space: offered
    candidates = set(access.share_candidates(user=flow["lead"], board=flow["board"]))
    assert candidates == {flow["sales_space"], own_secret}


def test_sharing_with_a_space_one_cannot_see_answers_404_and_shares_nothing(client, flow):
    secret = _secret("Salarisoverleg")
    board, lead = flow["board"], flow["lead"]
    client.force_login(lead)
    url = reverse("processes:settings", args=[board.pk])
    steps = list(board.steps.all())
    current = {f"step-{s.pk}-name": s.name for s in steps}
    denied = client.post(url, {**current, f"step-{steps[0].pk}-name": "Nieuw", "share": secret.pk})
    assert denied.status_code == 404
    assert set(board.shared_with.all()) == {flow["sales_space"]}
    assert board.steps.filter(name="Nieuw").count() == 0  # nothing saved before the refusal
    # Malformed and unknown ids: the same 404.
    for bad in ("abc", "-1", "999999999", ""):
        assert client.post(url, {**current, "share": bad}).status_code == 404, bad
    # Allowed: un-share and share again with what the page offers.
    assert client.post(url, {**current}).status_code == 302
    assert not board.shared_with.exists()
    assert client.post(url, {**current, "share": flow["sales_space"].pk}).status_code == 302
    assert set(board.shared_with.all()) == {flow["sales_space"]}
    # The service itself refuses, like a space that does not exist.
    with pytest.raises(PermissionDenied):
        services.share(actor=lead, board=board, spaces=[secret])
    assert set(board.shared_with.all()) == {flow["sales_space"]}


def test_a_refused_step_leaves_the_sharing_as_it_was(client, flow):
    """The settings page is one service: steps and sharing are saved together or not at all."""
    board, lead = flow["board"], flow["lead"]
    client.force_login(lead)
    url = reverse("processes:settings", args=[board.pk])
    steps = list(board.steps.all())
    current = {f"step-{s.pk}-name": s.name for s in steps}
    refused = client.post(url, {**current, f"step-{steps[0].pk}-name": "x" * 81}, **EN)
    assert refused.status_code == 302
    assert set(board.shared_with.all()) == {flow["sales_space"]}  # not un-shared
    assert "at most 80 characters" in client.get(url, **EN).content.decode()
    assert client.post(url, {**current, f"step-{steps[0].pk}-name": "Intake"}).status_code == 302
    assert not board.shared_with.exists() and board.steps.filter(name="Intake").exists()
    # Good steps with a share one may not make: the steps are not saved either.
    rows = [
        {"id": s.pk, "name": f"{s.name} (nieuw)", "department": s.department,
         "wip_limit": s.wip_limit, "remove": False}
        for s in board.steps.all()
    ]  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.save_settings(
            actor=lead, board=board, rows=rows, spaces=[_secret("Salarisoverleg")]
        )
    assert not board.steps.filter(name__endswith="(nieuw)").exists()


def test_a_share_the_manager_cannot_see_is_kept_and_not_shown(client, secret_board):
    """Another owner of the board's space, in neither the secret tender space nor the private
    Sales space, saves the settings: both shares stay, the tender's name is not on the page."""
    board, tender = secret_board["board"], secret_board["tender"]
    other = MembershipFactory(space=secret_board["home"], role="owner").user
    client.force_login(other)
    url = reverse("processes:settings", args=[board.pk])
    page = client.get(url, **EN).content.decode()
    assert "Tender Rijkswaterstaat" not in page and f'value="{tender.pk}"' not in page
    current = {f"step-{s.pk}-name": s.name for s in secret_board["steps"]}
    assert client.post(url, current).status_code == 302
    assert set(board.shared_with.all()) == {tender, secret_board["sales_space"]}


def test_settings_with_bad_input_on_a_board_one_may_not_manage_answer_404(client, flow):
    url = reverse("processes:settings", args=[flow["board"].pk])
    bad = {f"step-{flow['steps'][0].pk}-wip": "veel", "share": "x"}
    client.force_login(flow["seller"])  # works the board, does not manage it
    assert client.get(url).status_code == 404
    assert client.post(url, bad).status_code == 404
    client.force_login(UserFactory())  # cannot see it at all
    assert client.post(url, bad).status_code == 404
    with pytest.raises(PermissionDenied):
        services.set_wip_limit(actor=flow["seller"], step=flow["steps"][0], wip_limit="veel")


# --- 2. A board's spaces, named only to those who may know them ----------------------------------


def test_a_shared_boards_secret_spaces_are_not_named_to_its_other_readers(client, secret_board):
    board, seller = secret_board["board"], secret_board["seller"]
    client.force_login(seller)
    secrets = ("Reorganisatie Operations", "Tender Rijkswaterstaat")
    pages = [
        board.get_absolute_url(),
        secret_board["card"].get_absolute_url(),
        reverse("processes:pains", args=[board.pk]),
        reverse("processes:flow", args=[board.pk]),
        reverse("processes:space", args=[secret_board["sales_space"].slug]),
    ]
    for url in pages:
        page = client.get(url, **EN)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert "Herinrichting magazijn" in html, url
        assert not any(name in html for name in secrets), url
        assert secret_board["home"].slug not in html and secret_board["tender"].slug not in html
    header = client.get(board.get_absolute_url(), **EN).content.decode()
    assert "shared with" in header and ">Sales</a>" in header
    found = client.get(reverse("search:search"), {"q": "magazijn"}, **EN).content.decode()
    assert "Herinrichting magazijn" in found and "Reorganisatie" not in found
    listed = client.get(reverse("api-boards")).json()["results"]
    assert [(b["name"], b["space"]) for b in listed] == [("Herinrichting magazijn", None)]
    one = client.get(reverse("api-board", args=[board.pk])).json()
    assert one["space"] is None
    # A member of the secret space reads every name.
    client.force_login(secret_board["lead"])
    header = client.get(board.get_absolute_url(), **EN).content.decode()
    assert all(name in header for name in secrets)
    assert (
        client.get(reverse("api-boards")).json()["results"][0]["space"] == secret_board["home"].slug
    )
    found = client.get(reverse("search:search"), {"q": "magazijn"}, **EN).content.decode()
    assert "Reorganisatie Operations" in found


def test_a_private_owner_space_is_named_but_not_linked_for_readers_through_a_share(client, flow):
    client.force_login(flow["seller"])
    header = client.get(flow["board"].get_absolute_url(), **EN).content.decode()
    home_link = reverse("processes:space", args=[flow["home"].slug])
    assert "Finance" in header and home_link not in header
    client.force_login(flow["lead"])
    assert home_link in client.get(flow["board"].get_absolute_url(), **EN).content.decode()


# --- 3. Notifications only for readers ------------------------------------------------------------


def test_a_hand_off_tells_only_those_in_the_department_who_may_read_the_board(
    client, secret_board, django_capture_on_commit_callbacks
):
    finance = secret_board["finance"]
    insider = MembershipFactory(
        space=secret_board["home"], user=UserFactory(department=finance)
    ).user
    outsider = UserFactory(department=finance)
    narrowed = UserFactory(department=finance)
    MembershipFactory(space=secret_board["home"], user=narrowed, role="reader")
    secret_board["home"].matrix = {"view": ["owner", "moderator", "member"]}
    secret_board["home"].save(update_fields=["matrix"])
    plan, budget = secret_board["steps"]
    card = secret_board["card"]
    client.force_login(secret_board["lead"])
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(
            reverse("processes:move", args=[card.pk]), {"to_step": budget.pk, "from_step": plan.pk}
        )
    assert moved.status_code == 302
    note = Notification.objects.get(recipient=insider)
    assert note.params["title"] == "Ontslagronde Q3"
    assert not Notification.objects.filter(recipient__in=[outsider, narrowed]).exists()


def test_watchers_who_lost_the_board_hear_nothing(
    client, secret_board, django_capture_on_commit_callbacks
):
    card, (plan, budget) = secret_board["card"], secret_board["steps"]
    watcher = MembershipFactory(space=secret_board["home"]).user
    staying = MembershipFactory(space=secret_board["home"]).user
    for person in (watcher, staying):
        client.force_login(person)
        watch = client.post(reverse("processes:watch", args=[card.pk]), {"on": "1"})
        assert watch.status_code == 302
    secret_board["home"].memberships.filter(user=watcher).delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.move(
            actor=secret_board["lead"], card_id=card.pk, to_step_id=budget.pk,
            from_step_id=plan.pk,
        )  # fmt: skip
    assert Notification.objects.filter(recipient=staying, group_key__startswith="watch:").exists()
    assert not Notification.objects.filter(recipient=watcher).exists()
    # Watching a board one may not see: 404, like a card that does not exist.
    client.force_login(watcher)
    assert client.post(reverse("processes:watch", args=[card.pk]), {"on": "1"}).status_code == 404


def _signal(board):
    group = ExceptionGroup.objects.create(board=board, title="Klant wil iets anders")
    return group, exception_signal(group, due_at=timezone.now())


def test_a_signal_owner_who_may_not_read_the_board_is_not_told(
    secret_board, eager_celery, django_capture_on_commit_callbacks
):
    _group, signal = _signal(secret_board["board"])
    director = UserFactory()  # manages the top department, not in the secret space
    tell = signal_handlers.tell
    assert tell(signal_id=signal.pk, user_ids=[director.pk], state="raised", actor_id=None) == 0
    assert not Notification.objects.filter(recipient=director).exists()
    lead = secret_board["lead"]
    assert tell(signal_id=signal.pk, user_ids=[lead.pk], state="raised", actor_id=None) == 1
    told = Notification.objects.get(recipient=lead, kind="follow_up")
    assert told.space_id == secret_board["home"].pk
    # Raised through the event, queued for a worker: the same check.
    top = DepartmentFactory(name="Directie", manager=director)
    assert top.parent_id is None
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            reporter = MembershipFactory(space=secret_board["home"]).user
            services.report_exception(
                reporter=reporter,
                board=secret_board["board"],
                category="rule",
                text=f"De klant wil in termijnen betalen, geval {n}",
            )
    assert Signal.objects.filter(source="exceptions", owner=director).exists()
    assert not Notification.objects.filter(recipient=director).exists()


def test_an_answer_reaches_only_reporters_who_may_still_read_the_board(secret_board):
    group, signal = _signal(secret_board["board"])
    stayed = MembershipFactory(space=secret_board["home"]).user
    left = MembershipFactory(space=secret_board["home"]).user
    for person in (stayed, left):
        ExceptionReport.objects.create(
            board=secret_board["board"], reporter=person, category="rule", text="x" * 12,
            group=group,
        )  # fmt: skip
    secret_board["home"].memberships.filter(user=left).delete()
    signal_tasks.tell_answered(
        signal_id=signal.pk, user_ids=[stayed.pk, left.pk], status="review",
        actor_id=secret_board["lead"].pk,
    )  # fmt: skip
    assert Notification.objects.filter(recipient=stayed).exists()
    assert not Notification.objects.filter(recipient=left).exists()


# --- 4. The access module -------------------------------------------------------------------------


def test_access_helpers_answer_the_same_404_for_missing_forbidden_and_malformed(secret_board):
    board, card, lead = secret_board["board"], secret_board["card"], secret_board["lead"]
    pain = services.flag_pain(actor=lead, board=board, what="Te veel overleg", frequency="daily",
                              impact="low", card=card)  # fmt: skip
    _group, signal = _signal(board)
    loads = {
        access.access_board: ("board_id", board.pk),
        access.access_card: ("card_id", card.pk),
        access.access_pain: ("pain_id", pain.pk),
        signal_access.access_signal: ("signal_id", signal.pk),
    }
    outsider = UserFactory()
    for load, (name, pk) in loads.items():
        assert load(user=lead, **{name: pk}).pk == pk
        assert load(user=lead, **{name: str(pk)}).pk == pk
        for user, raw in [(outsider, pk), (lead, 999999999)] + [
            (lead, bad) for bad in ("abc", "-1", "1e3", "", None, True, 2**70, 1.5, [pk])
        ]:
            with pytest.raises(Http404):
                load(user=user, **{name: raw})
    # Actions: a reader through the share works the board, only the owner's space manages it.
    seller = secret_board["seller"]
    assert access.access_board(user=seller, board_id=board.pk, action=Action.MOVE_CARD)
    with pytest.raises(Http404):
        access.access_board(user=seller, board_id=board.pk, action=Action.CREATE_BOARD)
    # The signal: seen through the share, answered only by its owner or an administrator.
    seen = signal_access.access_signal(user=seller, signal_id=signal.pk)
    assert not signal_access.may_answer(user=seller, signal=seen)
    assert signal_access.may_answer(user=AdminFactory(), signal=seen)


def test_readable_by_follows_membership_the_module_switch_and_a_narrowed_view(secret_board):
    board, card, lead = secret_board["board"], secret_board["card"], secret_board["lead"]
    pain = services.flag_pain(actor=lead, board=board, what="Te veel overleg", frequency="daily",
                              impact="low", card=card)  # fmt: skip
    report = services.report_exception(
        reporter=lead, board=board, category="rule", text="Een geval dat niet past"
    )
    _group, signal = _signal(board)
    rows = {Board: board, Card: card, PainPoint: pain, ExceptionReport: report, Signal: signal}
    reader = MembershipFactory(space=secret_board["home"], role="reader").user
    outsider = UserFactory()

    def readable(user):
        # Signals are the platform's: seen by whoever reads the exceptions' board (what one
        # may read is kept on the user object for a request: a fresh one per look here).
        return {model for model, row in rows.items()
                if (signal_access.signals_readable_by(type(user).objects.get(pk=user.pk))
                    if model is Signal
                    else model.objects.readable_by(user)).filter(pk=row.pk).exists()}  # fmt: skip

    assert readable(lead) == set(rows) and readable(reader) == set(rows)
    assert readable(outsider) == set()
    assert readable(secret_board["seller"]) == set(rows)  # through the open Sales space
    # The Sales space switches boards off: its people no longer read the board.
    secret_board["sales_space"].modules = [Module.FORUMS]
    secret_board["sales_space"].save(update_fields=["modules"])
    assert readable(secret_board["seller"]) == set()
    # View narrowed away from readers: the reader reads nothing of it, lists included.
    home = secret_board["home"]
    home.matrix = {"view": ["owner", "moderator", "member"]}
    home.save(update_fields=["matrix"])
    assert readable(reader) == set() and readable(lead) == set(rows)
    with pytest.raises(Http404):
        access.access_card(user=reader, card_id=card.pk)


def test_pages_and_api_for_a_reader_whose_view_was_narrowed_answer_404(client, secret_board):
    board, card = secret_board["board"], secret_board["card"]
    reader = MembershipFactory(space=secret_board["home"], role="reader").user
    client.force_login(reader)
    assert client.get(board.get_absolute_url()).status_code == 200
    home = secret_board["home"]
    home.matrix = {"view": ["owner", "moderator", "member"]}
    home.save(update_fields=["matrix"])
    for url in (
        board.get_absolute_url(),
        card.get_absolute_url(),
        reverse("api-board", args=[board.pk]),
        reverse("processes:pains", args=[board.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("api-boards")).json()["results"] == []
    found = client.get(reverse("search:search"), {"q": "Ontslagronde"}, **EN).content.decode()
    assert card.get_absolute_url() not in found and "Herinrichting" not in found


def test_bad_input_on_a_board_one_cannot_see_answers_404_not_a_validation_error(
    client, secret_board
):
    board, card, lead = secret_board["board"], secret_board["card"], secret_board["lead"]
    pain = services.flag_pain(actor=lead, board=board, what="Te veel overleg", frequency="daily",
                              impact="low", card=card)  # fmt: skip
    _group, signal = _signal(board)
    json = {"content_type": "application/json"}
    requests = [
        ("post", reverse("processes:move", args=[card.pk]), {"to_step": "x"}, {}),
        ("post", reverse("processes:edit_card", args=[card.pk]), {"owner": "niemand@x"}, {}),
        ("post", reverse("processes:add_card", args=[board.pk]), {"due_date": "gisteren"}, {}),
        ("post", reverse("processes:pain_status", args=[pain.pk]), {"status": "wow"}, {}),
        ("post", reverse("processes:me_too", args=[pain.pk]), {}, {}),
        ("post", reverse("signals:detail", args=[signal.pk]), {"status": "wow"}, {}),
        ("post", reverse("api-move", args=[card.pk]), {"to_step": "x"}, json),
        ("post", reverse("api-board-cards", args=[board.pk]), {"step": "x"}, json),
        ("post", reverse("api-pains", args=[board.pk]), {"step": "x"}, json),
        ("post", reverse("api-exceptions", args=[board.pk]), {"step": "x"}, json),
        ("post", reverse("api-me-too", args=[pain.pk]), {}, json),
        ("patch", reverse("api-signal", args=[signal.pk]), {"status": "wow"}, json),
    ]
    outsider = UserFactory()
    client.force_login(outsider)
    for method, url, data, extra in requests:
        assert getattr(client, method)(url, data, **extra).status_code == 404, url
    # The same bad input from someone who may: refused as input (not 404).
    client.force_login(lead)
    moved = client.post(reverse("api-move", args=[card.pk]), {"to_step": "x"}, **json)
    assert moved.status_code == 400
    status = client.post(reverse("processes:pain_status", args=[pain.pk]), {"status": "wow"})
    assert status.status_code == 302
    assert PainPoint.objects.get(pk=pain.pk).status == "open"


def test_bad_input_from_readers_without_the_right_answers_404(client, secret_board):
    """Reading the board is not enough to learn how a write would be refused: a reader who may
    not move cards, and a guest who may not report, get 404 before their input is read."""
    board = secret_board["board"]
    reader = MembershipFactory(space=secret_board["home"], role="reader").user
    guest = UserFactory(org_role="guest")
    MembershipFactory(space=secret_board["home"], user=guest)
    json = {"content_type": "application/json"}
    client.force_login(reader)
    assert client.get(board.get_absolute_url()).status_code == 200
    url = reverse("api-board-cards", args=[board.pk])
    assert client.post(url, {"step": "x"}, **json).status_code == 404
    client.force_login(guest)
    assert client.get(board.get_absolute_url()).status_code == 200
    for name in ("api-pains", "api-exceptions"):
        url = reverse(name, args=[board.pk])
        assert client.post(url, {"step": "x"}, **json).status_code == 404, name


def test_saving_the_settings_keeps_shares_the_page_did_not_offer(flow):
    """A share with a space whose boards were switched off is not on the settings page; saving
    the page must not undo it (it comes back when the module does)."""
    sales = flow["sales_space"]
    sales.modules = [Module.FORUMS]
    sales.save(update_fields=["modules"])
    services.share(actor=flow["lead"], board=flow["board"], spaces=[])
    assert sales in flow["board"].shared_with.all()


def test_comment_notices_on_a_card_go_to_its_readers_through_the_space_they_read_it_in(flow):
    """Who is told of a comment on a card: people who may read the board, each through the
    space they read it in (a share), never someone outside; the board's own secret space would
    have hidden the notice from readers who reach the board through a share."""
    from intranet.activity import commentable

    flow["sales_space"].visibility = "private"
    flow["sales_space"].save(update_fields=["visibility"])
    outsider = UserFactory()
    told = commentable.readers(
        "card", target_id=flow["card"].pk, space=flow["board"].space,
        user_ids=[flow["seller"].pk, outsider.pk, flow["lead"].pk],
    )  # fmt: skip
    assert sorted(told) == sorted(
        [(flow["seller"].pk, flow["sales_space"].pk), (flow["lead"].pk, flow["home"].pk)]
    )


def test_unsharing_a_board_withdraws_what_its_readers_there_were_told(
    flow, django_capture_on_commit_callbacks
):
    """A hand-off told through a shared space named the card; once the board is no longer
    shared there, that notification goes (the owner space's readers keep theirs)."""
    seller, lead, card = flow["seller"], flow["lead"], flow["card"]
    finance_member = MembershipFactory(
        space=flow["home"], user=UserFactory(department=flow["steps"][1].department)
    ).user
    steps = flow["steps"]
    services.watch(actor=seller, card=card, on=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.move(actor=lead, card_id=card.pk, to_step_id=steps[1].pk,
                      from_step_id=steps[0].pk)  # fmt: skip
    told = Notification.objects.get(recipient=seller)
    assert told.space == flow["sales_space"]
    kept = Notification.objects.get(recipient=finance_member)
    with django_capture_on_commit_callbacks(execute=True):
        services.share(actor=lead, board=flow["board"], spaces=[])
    assert not Notification.objects.filter(recipient=seller).exists()
    assert Notification.objects.filter(pk=kept.pk).exists()
