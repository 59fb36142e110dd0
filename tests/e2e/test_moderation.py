"""Moderation in real browsers: a colleague reports an answer, the space's owner finds it in
the queue and hides it with a reason, and its author sees why."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.test_live_feed import signed_in_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_report_hide_and_the_author_sees_why(browser, asgi_server):
    call_command("seed_demo")
    base = asgi_server.url
    context, page = signed_in_page(browser, base, "ruben.leeuwen@plein.example")
    page.goto(f"{base}/spaces/it/forum/")
    page.get_by_role("link", name="Hoe koppel ik mijn laptop aan de printer op de 2e?").click()
    question_url = page.url
    answer = page.locator(".answer", has_text="print02")
    answer.get_by_role("link", name="Report").click()
    page.get_by_label("Wrong or dangerous advice").check()
    page.get_by_label("Explanation for the moderators (optional)").fill("Dit pad klopt niet")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(question_url)
    expect(page.get_by_text("The moderators of this space will have a look.")).to_be_visible()
    context.close()

    context, page = signed_in_page(browser, base, "chris.dekker@plein.example")
    page.goto(f"{base}/spaces/it/")
    page.get_by_role("link", name="Moderation").click()
    item = page.locator(".moderation-queue > li", has_text="Dit pad klopt niet")
    expect(item).to_contain_text("Wrong or dangerous advice")
    item.locator("summary", has_text="Hide").click()
    item.get_by_label("Reason (the author reads this)").fill("Verouderd pad, zie de wiki")
    item.get_by_role("button", name="Hide").click()
    expect(page.get_by_text("Hidden. The author sees your reason.")).to_be_visible()
    expect(page.get_by_text("No open reports. All quiet.")).to_be_visible()
    context.close()

    context, page = signed_in_page(browser, base, "eva.bos@plein.example")
    page.goto(question_url)
    expect(page.locator(".answer", has_text="print02")).to_have_count(0)
    context.close()
    context, page = signed_in_page(browser, base, "mohamed.bouzid@plein.example")
    page.goto(question_url)
    expect(page.get_by_text("Hidden by a moderator: Verouderd pad, zie de wiki")).to_be_visible()
    context.close()
