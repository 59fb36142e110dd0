"""The knowledge journey in real browsers: a reader suggests an addition, the owner accepts
it, the reader is told; the article's text is the reader's revision."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.test_live_feed import signed_in_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_reader_suggests_the_owner_accepts_the_reader_is_told(browser, asgi_server):
    call_command("seed_demo")
    base = asgi_server.url
    context, reader = signed_in_page(browser, base, "ruben.leeuwen@plein.example")
    reader.goto(f"{base}/spaces/hr/")
    reader.get_by_role("link", name="Knowledge").click()
    reader.get_by_role("link", name="Verlof aanvragen").click()
    article_url = reader.url
    expect(reader.get_by_role("navigation", name="Contents")).to_contain_text("Goedkeuren")
    reader.get_by_role("link", name="Suggest a change").click()
    text = reader.get_by_label("Text")
    text.fill(text.input_value() + "\n\nVerlof voor een verhuizing: één dag extra.")
    reader.get_by_label("Note for the owner").fill("Verhuisverlof ontbrak")
    reader.get_by_role("button", name="Send suggestion").click()
    expect(reader.get_by_text("The owner decides on your suggestion.")).to_be_visible()
    context.close()

    context, owner = signed_in_page(browser, base, "fatima.amrani@plein.example")
    owner.goto(article_url)
    owner.get_by_role("link", name="2 open suggestions").click()
    card = owner.locator(".suggestion", has_text="Verhuisverlof ontbrak")
    expect(card.locator("ins", has_text="één dag extra")).to_be_visible()
    card.get_by_role("button", name="Accept").click()
    expect(owner.get_by_text("credited to Ruben van Leeuwen")).to_be_visible()
    expect(owner.locator(".article .prose")).to_contain_text("één dag extra")
    context.close()

    context, reader = signed_in_page(browser, base, "ruben.leeuwen@plein.example")
    reader.goto(f"{base}/notifications/")
    expect(reader.get_by_text("accepted your suggestion to “Verlof aanvragen”")).to_be_visible()
    reader.goto(article_url)
    reader.get_by_role("link", name="3 revisions").click()
    expect(reader.locator("table").first).to_contain_text("Ruben van Leeuwen")
    context.close()
