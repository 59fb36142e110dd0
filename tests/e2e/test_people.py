"""A colleague finds someone with a misspelt name as they type, endorses a skill, and edits
their own profile: htmx validation says what is wrong before anything is saved."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from profiles.models import Endorsement, User
from tests.e2e.test_spaces import shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS")


def test_find_a_colleague_endorse_and_edit_my_profile(browser, asgi_server):
    call_command("seed_demo")
    chris = User.objects.get(email="chris.dekker@plein.example")
    skill = chris.skills.order_by("name").first()
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, asgi_server.url, "mary.jansen@plein.example")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="People"
    ).click()
    page.get_by_label("Name").fill("dekkr")  # a typo; results follow as she types
    results = page.locator("#people-results")
    expect(results.get_by_role("link", name="Kees Jacobs")).to_have_count(0)
    assert results.get_by_role("link", name="Chris Dekker").is_visible()
    assert "q=dekkr" in page.url  # the search is in the address, so it can be shared
    shot(page, "people-directory")
    results.get_by_role("link", name="Chris Dekker").click()
    assert page.locator("img.avatar").first.is_visible()  # the demo photo, served by Plein
    page.get_by_role("button", name=f"Endorse {skill.name}").click()
    assert page.get_by_text("Endorsement saved.").is_visible()
    assert Endorsement.objects.filter(person=chris, skill=skill).count() >= 1

    page.locator("summary[aria-label='Your account']").click()
    page.get_by_role("menuitem", name="Edit profile").click()
    skills = page.get_by_label("Skills")
    skills.fill("Planning, " + "x" * 80)
    skills.press("Tab")
    error = page.get_by_text("A skill is at most 60 characters.")
    error.wait_for()
    mary = User.objects.get(email="mary.jansen@plein.example")
    assert "x" * 80 not in list(mary.skills.values_list("name", flat=True))
    skills.fill("Planning, Procesverbetering")
    page.get_by_label("Job title").fill("Directeur Operations")
    page.get_by_role("button", name="Save profile").click()
    assert page.get_by_text("Profile saved.").is_visible()
    assert page.get_by_role("heading", name="Mary Jansen").is_visible()
    assert page.get_by_text("Directeur Operations").first.is_visible()
    shot(page, "person-page")
    assert errors == []
    context.close()
