"""Two real browsers: Anna posts, Bram sees it arrive without reloading (behind the pill), and
the bell counts a reaction live."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from intranet.activity.models import Notification
from intranet.core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS")


def signed_in_page(browser, base, email):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base}/")
    return context, page


def test_a_colleague_sees_a_new_post_appear_without_reload(browser, asgi_server):
    call_command("seed_demo")
    base = asgi_server.url
    reader_context, reader = signed_in_page(browser, base, "ruben.leeuwen@plein.example")
    author_context, author = signed_in_page(browser, base, "chris.dekker@plein.example")
    reader.goto(f"{base}/spaces/it/")
    reader.wait_for_function("document.body.getAttribute('ws-connect') !== null")
    reader.wait_for_timeout(500)  # the socket opens after the page has loaded
    loaded_at = reader.evaluate("performance.timeOrigin")

    author.goto(f"{base}/spaces/it/")
    author.get_by_label("Share something in IT").fill("Nieuwe laptops staan klaar bij de balie")
    author.get_by_role("button", name="Post", exact=True).click()
    author.wait_for_url(f"{base}/spaces/it/")

    pill = reader.locator("#feed-pill")
    pill.wait_for(state="visible", timeout=5000)
    assert pill.inner_text() == "1 new item"
    assert reader.evaluate("performance.timeOrigin") == loaded_at  # no reload happened
    pill.click()
    assert reader.get_by_text("Nieuwe laptops staan klaar bij de balie").is_visible()
    if SHOTS:
        reader.screenshot(path=f"{SHOTS}/live-feed.png", full_page=True)

    # Ruben celebrates it; Chris's bell counts it without a reload (the demo already gave him
    # notifications, endorsements among them).
    before = Notification.objects.filter(
        recipient__email="chris.dekker@plein.example", read_at__isnull=True
    ).count()
    reader.get_by_role("button", name="Celebrate").first.click()
    expect(author.locator("#notification-count")).to_contain_text(str(before + 1), timeout=5000)
    reader_context.close()
    author_context.close()
