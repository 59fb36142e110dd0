"""Ask, answer (arriving live at the asker), accept in real browsers; script typed into a
question stays text in the DOM."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.test_live_feed import signed_in_page
from tests.e2e.test_spaces import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_ask_answer_and_accept(browser, asgi_server):
    call_command("seed_demo")
    base = asgi_server.url
    asker_context, asker = signed_in_page(browser, base, "chris.dekker@plein.example")
    asker.goto(f"{base}/spaces/it/")
    asker.get_by_role("link", name="Forum").click()
    asker.get_by_role("link", name="Ask a question").click()
    asker.get_by_label("Title").fill("Hoe koppel ik <b>Teams</b> aan de printer?")
    asker.get_by_label("Details").fill(
        'Lukt niet. <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script>'
    )
    asker.get_by_label("Tags").fill("teams, printer")
    asker.get_by_role("button", name="Publish").click()
    heading = asker.get_by_role("heading", name="Hoe koppel ik <b>Teams</b> aan de printer?")
    expect(heading).to_be_visible()  # the markup shows as text
    assert asker.evaluate("window.__xss") is None
    assert asker.locator(".prose img").count() == 0
    question_url = asker.url
    asker.wait_for_function("document.body.getAttribute('ws-connect').includes('topic:')")
    asker.wait_for_timeout(500)  # the socket opens after the page has loaded
    opened_at = asker.evaluate("performance.timeOrigin")

    answerer_context, answerer = signed_in_page(browser, base, "ruben.leeuwen@plein.example")
    answerer.goto(question_url)
    answerer.get_by_label("Your answer").fill(
        "Via **Instellingen > Apparaten**, dan opnieuw koppelen."
    )
    answerer.get_by_role("button", name="Post your answer").click()
    expect(answerer.locator(".answer strong", has_text="Instellingen > Apparaten")).to_be_visible()
    answerer.get_by_role("button", name="Useful", exact=True).click()  # one's own answer: refused
    expect(answerer.get_by_text("You cannot vote on your own answer.")).to_be_visible()

    # Chris's page was open all along: the answer arrived without a reload.
    expect(asker.locator(".answer", has_text="Instellingen > Apparaten")).to_be_visible()
    assert asker.evaluate("performance.timeOrigin") == opened_at
    asker.get_by_role("button", name="Useful", exact=True).click()
    expect(asker.locator(".votes__score").first).to_have_text("1")
    asker.get_by_role("button", name="Accept this answer").click()
    expect(asker.get_by_text("Answer accepted.")).to_be_visible()
    expect(asker.locator(".answer--accepted")).to_contain_text("Instellingen > Apparaten")
    shot(asker, "question-page")
    answerer_context.close()
    asker_context.close()
