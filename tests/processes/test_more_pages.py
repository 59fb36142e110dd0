"""The rest of the board pages and endpoints: allowed, denied (404) and bad input; and the
lists of pain points, exceptions and signals cost the same queries with few or many rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intranet.activity.models import Comment
from processes import services
from processes.models import ExceptionGroup, ExceptionReport, PainPoint
from tests.factories import AdminFactory, MembershipFactory, UserFactory
from tests.helpers import exception_signal
from tests.processes.test_pages import EN

pytestmark = pytest.mark.django_db


def _private(flow):
    services.share(actor=flow["lead"], board=flow["board"], spaces=[])


def test_pain_comments_and_regrouping_pages(client, flow):
    board, lead, seller = flow["board"], flow["lead"], flow["seller"]
    pain = services.flag_pain(
        actor=seller,
        board=board,
        what="Dubbel invoeren in Exact",
        frequency="daily",
        impact="low",
        step=flow["steps"][0],
    )
    client.force_login(seller)
    url = reverse("processes:pain_comment", args=[pain.pk])
    client.post(url, {"body": "Hier ook last van"})
    assert Comment.objects.get().body == "Hier ook last van"
    empty = client.post(url, {"body": "   "}, follow=True, **EN)
    assert Comment.objects.count() == 1 and empty.status_code == 200
    a = services.report_exception(
        reporter=seller, board=board, category="rule", text="Klant wil in termijnen betalen"
    )
    b = services.report_exception(
        reporter=lead, board=board, category="rule", text="Klant wil in drie termijnen betalen"
    )
    assert a.group_id == b.group_id
    regroup = reverse("processes:regroup", args=[board.pk])
    # Only who moderates the board's space confirms or splits.
    assert client.post(regroup, {"action": "split", "report": b.pk}).status_code == 404
    client.force_login(lead)
    assert client.post(regroup, {"action": "split", "report": 999999}).status_code == 404
    client.post(regroup, {"action": "confirm", "group": a.group_id})
    assert ExceptionGroup.objects.get(pk=a.group_id).confirmed
    client.post(regroup, {"action": "split", "report": b.pk})
    b.refresh_from_db()
    assert b.group_id != a.group_id
    _private(flow)
    client.force_login(UserFactory())
    assert client.post(url, {"body": "x"}).status_code == 404
    assert client.post(regroup, {"action": "confirm", "group": a.group_id}).status_code == 404
    assert client.get(reverse("processes:exceptions", args=[board.pk])).status_code == 404
    assert client.get(reverse("processes:archived", args=[board.pk])).status_code == 404
    assert client.get(reverse("processes:flow", args=[board.pk])).status_code == 404


def test_the_rest_of_the_api(client, flow):
    board, lead = flow["board"], flow["lead"]
    client.force_login(flow["seller"])
    cards = reverse("api-board-cards", args=[board.pk])
    made = client.post(
        cards, {"title": "Order 2001", "labels": ["spoed"]}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["labels"] == ["spoed"]
    assert client.post(cards, {"title": "x"}, content_type="application/json").status_code == 400
    assert (
        client.post(
            cards, {"title": "Order", "step": 999999}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        client.post(cards, ["not", "an", "object"], content_type="application/json").status_code
        == 400
    )
    exceptions = reverse("api-exceptions", args=[board.pk])
    reported = client.post(
        exceptions,
        {"category": "rule", "text": "Klant wil betalen in bitcoin"},
        content_type="application/json",
    )
    assert reported.status_code == 201
    assert (
        client.post(
            exceptions, {"category": "?", "text": "kort"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert [r["text"] for r in client.get(exceptions).json()["results"]] == [
        "Klant wil betalen in bitcoin"
    ]
    signal = exception_signal(
        ExceptionGroup.objects.get(pk=reported.json()["group"]),
        owner=lead,
        due_at=timezone.now() + timedelta(days=3),
    )
    detail = reverse("api-signal", args=[signal.pk])
    assert client.get(reverse("api-signals")).json()["results"][0]["id"] == signal.pk
    assert (
        client.patch(
            detail,
            {"status": "review", "response": "We kijken ernaar, dank"},
            content_type="application/json",
        ).status_code
        == 404
    )  # not the owner
    client.force_login(lead)
    assert (
        client.patch(
            detail,
            {"status": "gone", "response": "We kijken ernaar, dank"},
            content_type="application/json",
        ).status_code
        == 400
    )
    answered = client.patch(
        detail,
        {"status": "review", "response": "We kijken ernaar, dank"},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "review"
    _private(flow)
    client.force_login(UserFactory())
    for url in (
        reverse("api-metrics", args=[board.pk]),
        exceptions,
        detail,
        reverse("api-pains", args=[board.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(cards, {"title": "Order 2002"}, content_type="application/json").status_code
        == 404
    )
    assert client.get(reverse("api-signals")).json()["results"] == []


def test_signal_settings_page_shows_the_policy_to_administrators(client):
    client.force_login(AdminFactory())
    page = client.get(reverse("processes:signal_settings"), **EN)
    assert page.status_code == 200 and "How alike reports must be" in page.content.decode()


@pytest.mark.parametrize("path", ["pains", "exceptions", "signals"])
def test_lists_cost_the_same_queries_with_few_and_many_rows(client, flow, path):
    board, lead = flow["board"], flow["lead"]
    people = [MembershipFactory(space=flow["sales_space"]).user for _ in range(3)]
    client.force_login(lead)
    url = (
        reverse("signals:follow_up") + "?tab=all"
        if path == "signals"
        else reverse(f"processes:{path}", args=[board.pk])
    )
    counts = []
    for total in (2, 30):
        while PainPoint.objects.count() < total:
            n = PainPoint.objects.count()
            pain = PainPoint.objects.create(
                board=board,
                step=flow["steps"][n % 3],
                author=people[n % 3],
                what=f"Knelpunt {n}",
                frequency="daily",
                impact="low",
            )
            services.me_too(actor=lead, pain_point_id=pain.pk)
            group = ExceptionGroup.objects.create(board=board, title=f"Groep {n}")
            for person in people:
                ExceptionReport.objects.create(
                    board=board,
                    reporter=person,
                    category="rule",
                    text=f"Uitzondering {n}",
                    group=group,
                )
            exception_signal(group, owner=lead, due_at=timezone.now() + timedelta(days=n - 5))
        client.get(url, **EN)  # warm: the chrome's caches per language
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, **EN)
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
