"""Pages render in a real browser under our Content-Security-Policy, without console errors."""

import os

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS")


def test_login_page_renders_cleanly(browser, asgi_server):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.goto(f"{asgi_server.url}/accounts/login/")
    assert page.get_by_role("heading", level=1).inner_text() == "Aanmelden"
    assert page.get_by_role("button", name="English").is_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/login.png", full_page=True)
    assert problems == []
    context.close()


def test_api_docs_load_swagger_ui_from_our_own_files(browser, asgi_server, client):
    user = UserFactory(password="x-long-password-1")
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.goto(f"{asgi_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("x-long-password-1")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{asgi_server.url}/")
    page.goto(f"{asgi_server.url}/api/docs/")
    page.wait_for_selector("text=/api/v1/me/", timeout=10000)
    assert problems == []
    context.close()


def test_phone_layout_opens_the_menu(browser, asgi_server):
    user = UserFactory(password="x-long-password-1", language="en")
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(f"{asgi_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("x-long-password-1")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{asgi_server.url}/")
    rail = page.get_by_role("navigation", name="Main navigation")
    assert not rail.is_visible()
    page.get_by_role("button", name="Menu").click()
    assert rail.is_visible()
    assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "true"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/phone.png")
    context.close()
