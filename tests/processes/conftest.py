import pytest
from django.utils import translation

from processes import services
from tests.factories import DepartmentFactory, MembershipFactory, SpaceFactory, UserFactory


@pytest.fixture(autouse=True)
def _english():
    """Services answer in the active language; these tests read the English messages."""
    with translation.override("en"):
        yield


@pytest.fixture
def flow():
    """A board in a private Finance space, shared with the open Sales space."""
    sales, finance = DepartmentFactory(name="Sales"), DepartmentFactory(name="Finance")
    home = SpaceFactory(name="Finance", visibility="private", closed_reason="cijfers")
    sales_space = SpaceFactory(name="Sales")
    lead = MembershipFactory(space=home, role="owner", user=UserFactory(department=finance)).user
    seller = MembershipFactory(space=sales_space, user=UserFactory(department=sales)).user
    board = services.create_board(
        actor=lead,
        space=home,
        name="Order tot levering",
        steps=[
            {"name": "Offerte", "department": sales},
            {"name": "Factuur", "department": finance, "wip_limit": 1},
            {"name": "Klaar", "department": finance},
        ],
    )
    services.share(actor=lead, board=board, spaces=[sales_space])
    steps = list(board.steps.all())
    card = services.add_card(actor=lead, board=board, title="Order 1042")
    return {
        "board": board,
        "steps": steps,
        "lead": lead,
        "seller": seller,
        "card": card,
        "home": home,
        "sales_space": sales_space,
    }


@pytest.fixture
def eager_celery():
    """Tasks queued by handlers run at once, in the test's transaction."""
    from intranet.celery import app

    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False
