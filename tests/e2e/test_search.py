"""The top bar search with the keyboard only: type, arrow down into the suggestions, Enter."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.test_spaces import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_search_from_the_top_bar_with_the_keyboard(browser, asgi_server):
    call_command("seed_demo")
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, asgi_server.url, "daan.graaf@plein.example")
    box = page.get_by_role("searchbox", name="Search people, spaces and more")
    box.fill("klantreis")
    suggestion = page.locator("#search-suggest").get_by_role("link", name="Klantreis verbeteren")
    expect(suggestion).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(suggestion).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{asgi_server.url}/spaces/klantreis-verbeteren/")
    box = page.get_by_role("searchbox", name="Search people, spaces and more")
    box.fill("reorganisatie")
    box.press("Enter")  # the full results page, which works without JavaScript too
    # The secret "Reorganisatie Operations" is not found by someone outside it.
    page.wait_for_url("**/search/?q=reorganisatie")
    expect(page.get_by_text("Nothing found for “reorganisatie”")).to_be_visible()
    box = page.get_by_role("searchbox", name="Search people, spaces and more")
    box.fill("jansn")
    expect(page.locator("#search-suggest").get_by_text("Mary Jansen")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#search-suggest .search-suggest__item")).to_have_count(0)
    expect(box).to_be_focused()
    context.close()
