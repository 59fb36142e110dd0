"""A colleague finds a community, joins it and finds it under "My spaces"; an owner reads the
permission grid; an administrator reads how open the network is."""

import os

import pytest
from django.core.management import call_command

from intranet.core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS")


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base}/")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_join_a_community_and_manage_a_space(browser, asgi_server):
    call_command("seed_demo")
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, asgi_server.url, "daan.graaf@plein.example")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Spaces"
    ).click()
    page.get_by_label("Kind").select_option("community")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("link", name="Klantreis verbeteren").is_visible()
    assert page.get_by_text("Reorganisatie Operations").count() == 0  # secret: not listed
    shot(page, "spaces-directory")
    page.get_by_role("link", name="Klantreis verbeteren").click()
    page.get_by_role("button", name="Join space").click()
    assert page.get_by_text("You joined Klantreis verbeteren.").is_visible()
    my_spaces = page.get_by_role("list", name="My spaces")
    assert my_spaces.get_by_role("link", name="Klantreis verbeteren").is_visible()
    shot(page, "space-home")

    # The private CRM project: listed, content for members, a request instead of a join button.
    page.goto(f"{asgi_server.url}/spaces/project-nieuw-crm/")
    assert page.get_by_text("The content of this space is for members only.").is_visible()
    page.get_by_label("Why would you like to join?").fill("Ik gebruik het CRM dagelijks")
    page.get_by_role("button", name="Ask to join").click()
    assert page.get_by_text("Request sent.").is_visible()
    context.close()

    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, asgi_server.url, "chris.dekker@plein.example")  # owner of the CRM project
    page.goto(f"{asgi_server.url}/spaces/project-nieuw-crm/members/")
    assert page.get_by_text("Ik gebruik het CRM dagelijks").is_visible()
    page.get_by_role("button", name="Accept").click()
    assert page.get_by_role("cell", name="Daan de Graaf").first.is_visible()
    page.goto(f"{asgi_server.url}/spaces/project-nieuw-crm/settings/")
    grid = page.get_by_role("table")
    assert grid.get_by_label("Change settings: Owner").is_checked()
    assert grid.get_by_label("Change settings: Owner").is_disabled()
    shot(page, "space-settings")
    context.close()


def test_administrator_reads_the_openness_report(browser, asgi_server):
    from django.contrib.auth import get_user_model

    from tests.factories import enrol_mfa, totp_code

    call_command("seed_demo")
    # Administrators need two-step verification before governance pages open (issue 20).
    secret = enrol_mfa(get_user_model().objects.get(email="beheer@plein.example"))
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{asgi_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("beheer@plein.example")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(f"{asgi_server.url}/accounts/2fa/authenticate/")
    page.locator('input[name="code"]').fill(totp_code(secret))
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(f"{asgi_server.url}/")
    page.get_by_role("link", name="Governance").click()
    assert page.get_by_text("van 12 ruimtes is open voor elke collega").is_visible()
    assert page.get_by_text("Leveranciersofferte en contractonderhandeling lopen nog.").is_visible()
    shot(page, "governance")
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Organisatie"
    ).click()
    assert page.get_by_role("link", name="Klantenservice", exact=True).is_visible()
    assert page.get_by_role("link", name="Bewerken Klantenservice").is_visible()
    shot(page, "org-chart")
    context.close()
