"""Two people with the same process board open: one moves a card with the keyboard, the
other drags one; each sees the other's move arrive live, without a reload."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.test_live_feed import signed_in_page
from tests.e2e.test_spaces import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_move_on_one_board_appears_live_on_the_other(browser, asgi_server):
    call_command("seed_demo")
    from processes.models import Board

    board = Board.objects.get(name="Order tot levering")
    offer, invoice, plan = list(board.steps.order_by("position"))[:3]
    base = asgi_server.url
    url = f"{base}{board.get_absolute_url()}"
    pages = []
    for email in ("mary.jansen@plein.example", "gerrit.postma@plein.example"):
        context, page = signed_in_page(browser, base, email)
        page.goto(url)
        page.wait_for_function("document.body.getAttribute('ws-connect').includes('board:')")
        page.wait_for_timeout(500)  # the socket opens after the page has loaded
        pages.append((context, page, page.evaluate("performance.timeOrigin")))
    (mary_context, mary, mary_loaded), (gerrit_context, gerrit, gerrit_loaded) = pages

    # Mary, with the keyboard: select the first card of "Offerte en order", Alt+→.
    card = mary.locator(f"#cards-{offer.pk} .board-card").first
    card_id = card.get_attribute("data-card")
    card.focus()
    mary.keyboard.press("Alt+ArrowRight")
    expect(mary.locator(f"#cards-{invoice.pk} #card-{card_id}")).to_be_visible()
    # Gerrit's page shows it arrive in Finance's step, and the count follows.
    expect(gerrit.locator(f"#cards-{invoice.pk} #card-{card_id}")).to_be_visible()
    expect(gerrit.locator(f"#cards-{offer.pk} #card-{card_id}")).to_have_count(0)
    expect(gerrit.locator(f"#step-head-{invoice.pk}")).to_contain_text("4 of 6")

    # Gerrit drags it on to "Inplannen en leveren"; Mary sees that.
    gerrit.locator(f"#card-{card_id}").drag_to(gerrit.locator(f"#cards-{plan.pk}"))
    expect(gerrit.locator(f"#cards-{plan.pk} #card-{card_id}")).to_be_visible()
    expect(mary.locator(f"#cards-{plan.pk} #card-{card_id}")).to_be_visible()
    shot(mary, "process-board")

    # Mary's page still thinks... no: it shows the card where it is; moving it back from a
    # stale place is refused with the board's current state (simulated by an old from_step).
    status = mary.evaluate(
        """async ([id, to, from]) => {
            const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
            const r = await fetch(`/boards/cards/${id}/move/`, {method: 'POST',
              headers: {'X-CSRFToken': token, 'HX-Request': 'true',
                        'Content-Type': 'application/x-www-form-urlencoded'},
              body: `to_step=${to}&from_step=${from}`});
            return r.status; }""",
        [card_id, offer.pk, invoice.pk],
    )
    assert status == 409
    assert mary.evaluate("performance.timeOrigin") == mary_loaded
    assert gerrit.evaluate("performance.timeOrigin") == gerrit_loaded
    gerrit_context.close()
    mary_context.close()
