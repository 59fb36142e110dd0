"""A manager publishes a success story tagging a colleague; the colleague sees the
notification, the story, and the points it earned them."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.test_live_feed import signed_in_page
from tests.e2e.test_spaces import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_story_tags_a_colleague_who_sees_points_and_a_notification(browser, asgi_server):
    call_command("seed_demo")
    from django.contrib.auth import get_user_model

    from gamification import selectors

    lotte_user = get_user_model().objects.get(email="lotte.meijer@plein.example")
    before = selectors.total_of(user_id=lotte_user.pk)
    base = asgi_server.url

    steve_context, steve = signed_in_page(browser, base, "steve.bakker@plein.example")
    steve.goto(f"{base}/stories/")
    steve.get_by_text("Publish a story").click()
    steve.locator("#main").get_by_role("link", name="Sales").click()
    steve.get_by_label("Title").fill("Offertes in één dag")
    steve.get_by_label("The challenge").fill("Offertes duurden een week.")
    steve.get_by_label("What we did").fill("Een vaste opbouw en prijzen in de kennisbank.")
    steve.get_by_label("The result").fill("Offertes binnen één werkdag de deur uit.")
    steve.get_by_label("People involved").select_option(label="Lotte Meijer")
    steve.get_by_role("button", name="Publish").click()
    expect(steve.get_by_role("heading", name="Offertes in één dag")).to_be_visible()
    expect(steve.get_by_text("Your story is published")).to_be_visible()

    lotte_context, lotte = signed_in_page(browser, base, "lotte.meijer@plein.example")
    lotte.goto(f"{base}/notifications/")
    notice = lotte.get_by_text("tagged you in the success story “Offertes in één dag”")
    expect(notice).to_be_visible()
    notice.click()
    expect(lotte.get_by_role("heading", name="Offertes in één dag")).to_be_visible()
    expect(lotte.get_by_role("link", name="Lotte Meijer")).to_be_visible()
    lotte.goto(f"{base}/recognition/me/")
    expect(lotte.get_by_role("heading", name=f"{before + 20} points", exact=False)).to_be_visible()
    expect(lotte.get_by_text("Took part in a published success story").first).to_be_visible()
    shot(lotte, "my-points")
    lotte.goto(f"{base}/recognition/")
    expect(lotte.locator("main")).to_contain_text("Lotte Meijer")
    shot(lotte, "leaderboards")
    steve_context.close()
    lotte_context.close()
