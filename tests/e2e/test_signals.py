"""An employee raises a complaint from the feed as a signal; the manager of the department finds
it on the follow-up page and answers it; the employee reads the answer ("you said, we did")."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.test_live_feed import signed_in_page
from tests.e2e.test_spaces import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_complaint_raised_as_a_signal_is_answered_and_read(browser, asgi_server):
    call_command("seed_demo")
    from django.contrib.auth import get_user_model

    from intranet.activity import services as activity
    from intranet.governance.models import Space

    anouk = get_user_model().objects.get(email="anouk.verbeek@plein.example")
    post = activity.create_post(
        author=anouk, space=Space.objects.get(slug="operations"),
        body="De vrachtwagens staan elke vrijdag een uur te wachten bij dock 3.",
    )  # fmt: skip
    base = asgi_server.url

    # Anouk raises her own post as a signal.
    context, page = signed_in_page(browser, base, anouk.email)
    page.goto(f"{base}/posts/{post.pk}/")
    page.get_by_role("button", name="Raise as signal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("vrachtwagens")
    expect(page.locator("main")).to_contain_text("Mary Jansen")  # the owner: her manager
    signal_url = page.url
    context.close()

    # Mary, Operations' manager, finds it among hers to answer and answers it.
    context, page = signed_in_page(browser, base, "mary.jansen@plein.example")
    page.goto(f"{base}/follow-up/")
    page.get_by_role("link", name="De vrachtwagens staan elke vrijdag").click()
    page.get_by_label("Status").select_option("adopted")
    page.get_by_label("Answer").fill("Vanaf volgende week plannen we dock 3 op vrijdag apart in.")
    page.get_by_role("button", name="Publish the answer").click()
    expect(page.locator("main")).to_contain_text("Everyone who supports it is told.")
    shot(page, "signal-answered")
    context.close()

    # Anouk reads the answer.
    context, page = signed_in_page(browser, base, anouk.email)
    page.goto(signal_url)
    expect(page.locator("main")).to_contain_text("Adopted")
    expect(page.locator("main")).to_contain_text("dock 3 op vrijdag apart")
    context.close()
