"""A colleague signs in with a demo account and sees the home page, in Dutch and in English."""

import os

import pytest
from django.core.management import call_command

from intranet.core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("E2E_SCREENSHOTS")


@pytest.mark.parametrize(
    ("locale", "button", "greeting", "rail"),
    [("nl-NL", "Aanmelden", "Fijn dat je er bent, Chris", "Start"),
     ("en-GB", "Sign In", "Good to see you, Chris", "Home")],
)  # fmt: skip
def test_demo_user_signs_in_and_sees_home(browser, asgi_server, locale, button, greeting, rail):
    call_command("seed_demo")
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    failed_requests = []
    page.on("requestfailed", lambda request: failed_requests.append(request.url))
    page.goto(f"{asgi_server.url}/")
    assert "/accounts/login/" in page.url  # sent to the login page first

    page.get_by_label("E-mail" if locale == "nl-NL" else "Email").fill("chris.dekker@plein.example")
    page.get_by_label("Wachtwoord" if locale == "nl-NL" else "Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_url(f"{asgi_server.url}/")

    assert page.get_by_role("heading", level=1).inner_text() == greeting
    assert page.locator("html").get_attribute("lang") == locale[:2]
    navigation = page.get_by_role("navigation")
    assert navigation.get_by_role("link", name=rail).get_attribute("aria-current") == "page"
    assert page.get_by_role("link", name="IT", exact=True).first.is_visible()  # my department space
    # Stylesheet and htmx came from our own server.
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    assert failed_requests == []
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/home-{locale}.png", full_page=True)
    context.close()


def test_keyboard_user_can_skip_to_content(browser, asgi_server):
    call_command("seed_demo")
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{asgi_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    context.close()
